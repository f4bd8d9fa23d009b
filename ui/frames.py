"""Tables on screen whose numbers sit beside "< 5" (the small-number rule): such a column is shown
as text, as a table column on screen has one type. The files keep the numbers as numbers."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def as_text(frame: pd.DataFrame, *, number_format: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy with `columns` (all, if None) as text: floats by `number_format` (e.g. "{:g}"),
    an empty cell for a missing value, everything else as written."""
    shown = frame.copy()
    for column in frame.columns if columns is None else columns:
        shown[column] = [
            "" if v is None or (isinstance(v, float) and pd.isna(v))
            else number_format.format(v) if isinstance(v, float) else str(v)
            for v in frame[column]
        ]  # fmt: skip
    return shown


def mixed_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that hold both text ("< 5") and numbers."""
    return [
        c for c in frame.columns
        if frame[c].dtype == object and {type(v) for v in frame[c] if v is not None} - {str} and
        any(isinstance(v, str) for v in frame[c])
    ]  # fmt: skip

"""The string catalogue: one TOML file per language in locales/.

Pure Python so the CLI, exports and models can say things in Danish without Streamlit.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from models.settings import PROJECT_ROOT

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LOCALES_DIR = PROJECT_ROOT / "locales"


def _flatten(prefix: str, tree: dict[str, Any], out: dict[str, str]) -> None:
    for name, value in tree.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            _flatten(key, value, out)
        else:
            out[key] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language as flat dotted keys (e.g. "error.access_denied")."""
    with open(LOCALES_DIR / f"{lang}.toml", "rb") as handle:
        tree = tomllib.load(handle)
    flat: dict[str, str] = {}
    _flatten("", tree, flat)
    return flat


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Look a key up; fall back to Danish, then to the key itself so a gap is visible, not fatal."""
    strings = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    template = strings.get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def field_label(field: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A form field's name as the user knows it ("field.name" -> "navn"); the code name if none."""
    return catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(f"field.{field}", field)

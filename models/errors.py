"""Errors a person sees. They carry a catalogue key, so the UI and the CLI can say them in Danish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class UserError(Exception):
    """A problem the user can fix. `key` is a catalogue key in locales/*.toml."""

    def __init__(self, key: str, *, field: str | None = None, **params: Any) -> None:
        self.key = key
        self.field = field
        self.params = params
        super().__init__(key)

    def message(self, lang: str = "da", *, quote: Callable[[str], str] | None = None) -> str:
        """The sentence in `lang`. `quote` is applied to every value filled in (the UI escapes
        Markdown there, since a value may be what the user typed)."""
        from models.i18n import field_label, translate

        params = dict(self.params)
        if self.field is not None:
            params.setdefault("field", field_label(self.field, lang))
        if quote is not None:
            params = {name: quote(str(value)) for name, value in params.items()}
        return translate(self.key, lang, **params)

    def __str__(self) -> str:
        return self.message("da")


class AccessDenied(UserError):
    """The user may not see or change this citizen. Says nothing about whether the citizen exists."""

    def __init__(self) -> None:
        super().__init__("error.access_denied")


class NotFound(UserError):
    def __init__(self, what: str = "record") -> None:
        super().__init__("error.not_found", what=what)


class StaleVersion(UserError):
    """Someone else saved the same row after this user loaded it; their text must be kept."""

    def __init__(self) -> None:
        super().__init__("error.stale_version")


class DatabaseBusy(UserError):
    """The database stayed busy through every retry; the transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__("database_trouble.busy")


class DatabaseUnavailable(UserError):
    """The database cannot be written (disk full, read-only file or server): nothing was saved.
    Reading may still work; the cause is in the server log for the administrator."""

    def __init__(self) -> None:
        super().__init__("database_trouble.unavailable")

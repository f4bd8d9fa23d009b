"""The string catalogue: one TOML file per language in locales/.

Pure Python so the CLI, exports and models can say things in Danish without Streamlit.

Counts go through the catalogue too: a key whose forms are written as a table,

    [count.agreements]
    one = "{count} aftale"
    other = "{count} aftaler"

is looked up with translate("count.agreements", count=n), and Babel's CLDR plural rule of the
language picks the form ("one" for 1 in Danish and English). No `if n == 1` in the code.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from babel import Locale

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


@cache
def _plural_rule(lang: str) -> Any:  # noqa: ANN401 - babel.plural.PluralRule
    return Locale.parse(lang).plural_form


def plural_category(count: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """CLDR's plural category of `count` in `lang` ("one", "other", ...); "other" if not a number."""
    if isinstance(count, bool) or not isinstance(count, int | float):
        return "other"
    return str(_plural_rule(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)(abs(count)))


PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


@cache
def plural_keys(lang: str) -> frozenset[str]:
    """Keys written as plural forms: tables whose every entry is a CLDR category, "other" among
    them (a table such as kind.{department, other} is not one)."""
    tables: dict[str, set[str]] = {}
    for key in catalogue(lang):
        table, _, name = key.rpartition(".")
        tables.setdefault(table, set()).add(name)
    return frozenset(t for t, names in tables.items() if "other" in names and names <= PLURAL_CATEGORIES)


def is_plural_key(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Whether `key` is written as plural forms (key.one, key.other) rather than one string."""
    return key in plural_keys(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def _template(key: str, lang: str, params: dict[str, Any]) -> str | None:
    strings = catalogue(lang)
    if key in strings:
        return strings[key]
    if key in plural_keys(lang):
        form = plural_category(params.get("count"), lang)
        return strings.get(f"{key}.{form}") or strings[f"{key}.other"]
    return None


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Look a key up; fall back to Danish, then to the key itself so a gap is visible, not fatal.

    A key written as plural forms takes its form from the `count` parameter (see above).
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    template = _template(key, lang, params) or _template(key, DEFAULT_LANGUAGE, params) or key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def field_label(field: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A form field's name as the user knows it ("field.name" -> "navn"); the code name if none."""
    return catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(f"field.{field}", field)

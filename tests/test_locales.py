"""The string catalogue: Danish and English in step, and every key the code uses exists.

Keys in code are found by reading the syntax tree of app.py, cli.py, pages/, ui/, models/ and
exports/: the first argument of t(...), translate(...) and UserError(...) (and of
super().__init__(...) inside a UserError subclass) when it is a string literal. An f-string
key such as t(f"goal.area.{area}") must at least match the start of some key.
"""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from models.i18n import LANGUAGES, catalogue, is_plural_key

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("pages", "ui", "models", "exports")
SOURCE_FILES = ("app.py", "cli.py")
LOOKUP_FUNCTIONS = {"t", "translate", "UserError"}


def placeholders(template: str) -> set[str]:
    """The names in {braces}: "{field} has {length}" -> {"field", "length"}."""
    names = set()
    for _text, field, _spec, _conversion in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


@dataclass(frozen=True)
class KeyUse:
    key: str
    where: str
    is_prefix: bool = False  # from an f-string: only the constant start is known


def _name_of(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _user_error_classes(tree: ast.Module) -> set[str]:
    names = {"UserError"}
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    changed = True
    while changed:
        changed = False
        for node in classes:
            if node.name not in names and any(_name_of(base) in names for base in node.bases):
                names.add(node.name)
                changed = True
    return names


def _key_argument(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((kw.value for kw in call.keywords if kw.arg == "key"), None)


def key_uses(source: str, filename: str = "<source>") -> list[KeyUse]:
    tree = ast.parse(source, filename)
    error_classes = _user_error_classes(tree)
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name_of(node.func) in LOOKUP_FUNCTIONS:
            calls.append(node)
        elif isinstance(node, ast.ClassDef) and node.name in error_classes - {"UserError"}:
            calls.extend(
                inner
                for inner in ast.walk(node)
                if isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "__init__"
                and isinstance(inner.func.value, ast.Call)
                and _name_of(inner.func.value.func) == "super"
            )
    uses = []
    for call in calls:
        argument = _key_argument(call)
        where = f"{filename}:{call.lineno}"
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            uses.append(KeyUse(argument.value, where))
        elif (
            isinstance(argument, ast.JoinedStr)
            and argument.values
            and isinstance(argument.values[0], ast.Constant)
        ):
            uses.append(KeyUse(str(argument.values[0].value), where, is_prefix=True))
    return uses


def source_files() -> list[Path]:
    files = [ROOT / name for name in SOURCE_FILES if (ROOT / name).exists()]
    for folder in SOURCE_FOLDERS:
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def all_key_uses() -> list[KeyUse]:
    uses = []
    for path in source_files():
        uses.extend(key_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))))
    return uses


def test_danish_and_english_have_the_same_keys() -> None:
    danish, english = set(catalogue("da")), set(catalogue("en"))
    assert sorted(danish - english) == [], "in da.toml but not in en.toml"
    assert sorted(english - danish) == [], "in en.toml but not in da.toml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_string_is_empty(lang: str) -> None:
    empty = sorted(key for key, value in catalogue(lang).items() if not value.strip())
    assert empty == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_a_valid_template(lang: str) -> None:
    # A stray "{" makes str.format fail; write "{{" for a literal brace.
    broken = []
    for key, value in catalogue(lang).items():
        try:
            placeholders(value)
        except ValueError:
            broken.append(key)
    assert broken == []


def test_both_languages_use_the_same_placeholders() -> None:
    english = catalogue("en")
    mismatched = {
        key: (sorted(placeholders(value)), sorted(placeholders(english[key])))
        for key, value in catalogue("da").items()
        if key in english and placeholders(value) != placeholders(english[key])
    }
    assert mismatched == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('t("nav.home")', [("nav.home", False)]),
        ('st.error(translate("error.x", lang))', [("error.x", False)]),
        ('raise UserError("error.too_long", field="name")', [("error.too_long", False)]),
        ('raise errors.UserError(key="error.kw")', [("error.kw", False)]),  # keyword form
        ('t(f"goal.area.{area}")', [("goal.area.", True)]),  # dynamic: prefix only
        ("t(key)", []),  # a variable cannot be checked here
        ('print("error.not_a_lookup")', []),
        (  # subclasses pass the key to super().__init__
            "class Gone(UserError):\n    def __init__(self):\n        super().__init__('error.gone')\n"
            "class Away(Gone):\n    def __init__(self):\n        super().__init__('error.away')\n",
            [("error.gone", False), ("error.away", False)],
        ),
    ],
)
def test_key_uses_finds_literal_keys(source: str, expected: list[tuple[str, bool]]) -> None:
    assert sorted((use.key, use.is_prefix) for use in key_uses(source)) == sorted(expected)


def test_the_scan_sees_the_keys_models_use() -> None:
    # models/errors.py raises error.access_denied: if the scan misses it, it misses others too.
    assert "error.access_denied" in {use.key for use in all_key_uses()}


def test_every_key_used_in_the_code_exists_in_danish() -> None:
    danish = catalogue("da")
    missing = sorted(
        f"{use.where}: {use.key}"
        for use in all_key_uses()
        if (
            not any(key.startswith(use.key) for key in danish)
            if use.is_prefix
            else use.key not in danish and not is_plural_key(use.key, "da")  # key.one / key.other
        )
    )
    assert missing == []

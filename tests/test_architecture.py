"""Layering rules, checked by reading the code (ast), not by convention.

- models/ and exports/ never import Streamlit or the UI layers (ui/, pages/, app, cli), so
  the CLI, the tests and any future API can use them without a Streamlit server.
- cli.py talks to models/ and exports/ only, never to Streamlit.
- Every screen in pages/ is reachable: app.py lists it in st.navigation (which switches the
  automatic pages/ discovery off, so an unlisted page would silently disappear).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_BELOW_UI = {"streamlit", "ui", "pages", "app", "cli"}
FORBIDDEN_IN_CLI = {"streamlit", "ui", "pages", "app"}
PAGE_PATH = re.compile(r"^pages/[\w/.-]+\.py$")


def imported_roots(source: str, filename: str = "<source>") -> set[str]:
    """The top-level package of every import in `source` (relative imports count as local)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


LAYER_FILES = python_files("models", "exports")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import streamlit as st", {"streamlit"}),
        ("from streamlit.testing.v1 import AppTest", {"streamlit"}),
        ("import os, ui.widgets", {"os", "ui"}),
        ("from pages import meeting", {"pages"}),
        ("from . import db", set()),  # relative: stays inside the package
        ("def f():\n    import streamlit\n", {"streamlit"}),  # a lazy import counts too
    ],
)
def test_imported_roots_reads_every_kind_of_import(source: str, expected: set[str]) -> None:
    assert imported_roots(source) == expected


def test_the_layers_have_files_to_check() -> None:
    # If the glob ever found nothing, the rule below would pass without checking anything.
    assert any(path.parent.name == "models" for path in LAYER_FILES)


@pytest.mark.parametrize("path", LAYER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_models_and_exports_do_not_import_the_ui(path: Path) -> None:
    forbidden = imported_roots(path.read_text(encoding="utf-8"), str(path)) & FORBIDDEN_BELOW_UI
    assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


def test_the_cli_does_not_import_streamlit() -> None:
    cli = ROOT / "cli.py"
    source = cli.read_text(encoding="utf-8") if cli.exists() else ""
    assert not imported_roots(source, str(cli)) & FORBIDDEN_IN_CLI


def page_files() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for path in python_files("pages") if path.name != "__init__.py"}


def pages_named_in_app() -> set[str]:
    """Every "pages/....py" string literal in app.py (st.Page(...) or a table feeding it)."""
    app = ROOT / "app.py"
    if not app.exists():
        return set()
    return {
        node.value
        for node in ast.walk(ast.parse(app.read_text(encoding="utf-8"), str(app)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and PAGE_PATH.match(node.value)
    }


def test_every_page_is_listed_in_the_navigation() -> None:
    unlisted = sorted(page_files() - pages_named_in_app())
    assert not unlisted, f"not listed in app.py's st.navigation: {unlisted}"


def test_every_page_in_the_navigation_exists() -> None:
    missing = sorted(pages_named_in_app() - page_files())
    assert not missing, f"app.py names page files that do not exist: {missing}"


def test_app_uses_st_navigation_when_there_are_pages() -> None:
    app = ROOT / "app.py"
    uses_navigation = app.exists() and "st.navigation(" in app.read_text(encoding="utf-8")
    assert uses_navigation or not page_files()


def _calls_download_button(source: str, filename: str) -> bool:
    """Whether the code calls any `….download_button(…)` (st., a column, a container)."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "download_button"
        for node in ast.walk(ast.parse(source, filename))
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("st.download_button('a', data=b'')", True),
        ("left.download_button('a', data=f)", True),  # a column's button is a button too
        ("download_button('a', kind='backup', build=f)", False),  # the wrapper itself
    ],
)
def test_download_button_calls_are_recognised(source: str, expected: bool) -> None:
    assert _calls_download_button(source, "<test>") is expected


def test_only_the_gated_wrapper_draws_download_buttons() -> None:
    """A file built at the click runs outside app.py's login check: every page must go through
    ui.downloads.download_button, which checks the login again at the click (models.downloads)."""
    wrapper = ROOT / "ui" / "downloads.py"
    files = [*python_files("pages", "ui"), ROOT / "app.py"]
    assert wrapper in files
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if path != wrapper and _calls_download_button(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == []
    assert _calls_download_button(wrapper.read_text(encoding="utf-8"), str(wrapper))

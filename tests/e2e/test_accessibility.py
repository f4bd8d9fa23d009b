"""axe-core over every page and state in tests/e2e/accessibility.py's list, in Danish and English,
logged in on the demo data: no serious or critical finding anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from models.db import session_scope
from models.demo import DEMO_ADMIN
from models.tables import Citizen
from tests.e2e.accessibility import STATES, choose_language, findings, visit
from tests.e2e.conftest import log_in

USERS = {"staff": "rasmus", "leader": "mette", "admin": DEMO_ADMIN}
OUT = Path(__file__).resolve().parents[2] / "out" / "axe"




def _parts(size: int) -> list[tuple[int, int]]:
    """The states in parts of about `size`, each its own test with its own server, so that the parts
    run side by side on the suite's workers instead of two long tests at the end. A part ends only
    where the page changes: a page's later states build on its earlier ones (a meeting is started
    before its steps are visited)."""
    parts, first = [], 0
    for n in range(1, len(STATES)):
        if n - first >= size and STATES[n].page != STATES[n - 1].page:
            parts.append((first, n))
            first = n
    return [*parts, (first, len(STATES))]


PARTS = [(lang, first, end) for lang in ("da", "en") for first, end in _parts(7)]


@pytest.mark.parametrize(("lang", "first", "end"), PARTS,
                         ids=[f"{lang}-{first + 1}-{end}" for lang, first, end in PARTS])  # fmt: skip
def test_no_serious_or_critical_finding_on_any_page(app_server, new_context, wait_for_app, demo_copy,
                                                    lang: str, first: int, end: int) -> None:  # fmt: skip
    demo = demo_copy(app_server.database_url)
    assert demo.password
    with session_scope(url=app_server.database_url) as s:
        ditte = s.exec(select(Citizen.id).where(Citizen.name.like("Ditte%"))).first()
    address = f"{app_server.url}?citizen={ditte}"
    report: dict[str, list] = {}
    pages: dict[str, Page] = {}
    for state in STATES[first:end]:
        if state.who not in pages:
            page = new_context(viewport={"width": 1440, "height": 900}).new_page()
            if state.who == "anonymous":
                page.goto(app_server.url)
                wait_for_app(page)
            else:
                log_in(page, address, USERS[state.who], demo.password)
                if lang != "da":
                    choose_language(page, lang, wait_for_app)
            pages[state.who] = page
        page = pages[state.who]
        visit(page, state, lang, wait_for_app)
        report[state.name] = findings(page)
    OUT.mkdir(parents=True, exist_ok=True)
    report_file = OUT / f"axe-{lang}-{first + 1}-{end}.json"
    report_file.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    counts = {name: sum(f["count"] for f in found) for name, found in report.items()}
    blocking = {name: [(f["rule"], f["count"], f["where"][:1]) for f in found]
                for name, found in report.items() if found}  # fmt: skip
    assert not any(counts.values()), json.dumps(blocking, indent=1, ensure_ascii=False)


SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens" / "a11y"


@pytest.fixture
def statement_file(tmp_path, monkeypatch) -> Path:
    """The municipality's facts for the statement (set before the server starts)."""
    path = tmp_path / "accessibility.toml"
    path.write_text('[statement]\norganisation = "Ærø Kommune"\nwebsite = "https://samplan.aeroe.dk"\n'
                    'email = "tilgaengelighed@aeroe.dk"\nphone = "+45 62 52 10 00"\n'
                    "prepared_on = 2026-11-30\nreviewed_on = 2026-12-01\n", encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("SAMPLAN_ACCESSIBILITY_FILE", str(path))
    return path


def test_the_statement_opens_from_the_login_page_with_the_keyboard(statement_file, app_server, new_context,
                                                                   wait_for_app,
                                                                   demo_copy) -> None:  # fmt: skip
    demo_copy(app_server.database_url)
    page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(app_server.url)
    wait_for_app(page)
    link = page.get_by_test_id("stMain").get_by_role("link", name="Tilgængelighedserklæring")
    for _ in range(12):  # Tab from the top of the page to the link, then Enter
        if link.evaluate("(el) => el.contains(document.activeElement)"):
            break
        page.keyboard.press("Tab")
    assert link.evaluate("(el) => el.contains(document.activeElement)")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "focus-ring-statement-link.png"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tilgængelighedserklæring", exact=True)).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("Ærø Kommune forpligter sig")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "da"
    assert findings(page) == []
    page.screenshot(path=str(SCREENS / "statement.png"), full_page=True)

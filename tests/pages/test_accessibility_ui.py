"""Issue 18 on the pages: the page language on every page, Streamlit's words in Danish, the
confirmation by the form that saved, an empty required choice said under its field, and the
accessibility statement reachable by everyone with the municipality's facts from its file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlmodel import select

from models.accessibility_statement import load_statement_settings
from models.db import session_scope
from models.tables import Action
from tests.pages.conftest import ROOT
from tests.pages.test_meeting import PAGE as MEETING
from tests.pages.test_meeting import _start, _step, _unfold_new_goal


@pytest.fixture
def panel(open_page, ditte):
    """Mødet for Ditte's coordinator, her meeting started (the page tests' seed)."""
    at = open_page(MEETING, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    return _start(at)


SETTINGS = """[statement]
organisation = "Ærø Kommune"
website = "https://samplan.aeroe.dk"
email = "tilgaengelighed@aeroe.dk"
phone = "+45 62 52 10 00"
prepared_on = 2026-11-30
reviewed_on = 2026-12-01
"""


def _language_scripts(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "documentElement.lang" in h.proto.body]


@pytest.mark.parametrize(
    ("page", "lang"),
    [
        ("pages/follow_up.py", "da"),  # the start page, Danish by default
        ("pages/meeting.py", "en"),  # a chosen English reaches <html lang> too
        ("pages/accessibility.py", "da"),  # the new page as well
    ],
)
def test_every_page_sets_its_language_and_streamlits_words(open_page, ditte, page, lang):
    at = open_page(page, user=ditte.staff_user, citizen_id=ditte.citizen.id, lang=lang)
    assert not at.exception
    at = open_page(user=ditte.staff_user, citizen_id=ditte.citizen.id, lang=lang)  # app.py's run
    scripts = _language_scripts(at)
    assert len(scripts) == 1, scripts
    assert f'"lang": "{lang}"' in scripts[0]
    skip = {"da": "Gå til hovedindholdet", "en": "Skip to main content"}[lang]
    assert f'"Skip to main content": "{skip}"' in scripts[0]


def test_the_login_page_sets_its_language_offers_english_and_links_the_statement(open_page, ditte):
    at = open_page()
    assert '"lang": "da"' in _language_scripts(at)[0]
    assert [link.proto.label for link in at.get("page_link")] == ["Tilgængelighedserklæring"]
    at.radio(key="language_picker").set_value("en").run()
    assert [title.value for title in at.title] == ["Log in to Samplan"]
    # The choice outlives the radio: the statement (no radio there) is in English too.
    at.switch_page(str(ROOT / "pages/accessibility.py")).run()
    assert [title.value for title in at.title] == ["Accessibility statement"]


def test_the_statement_shows_the_municipalitys_facts_from_its_file(open_page, ditte, tmp_path, monkeypatch):
    path = tmp_path / "accessibility.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    monkeypatch.setenv("SAMPLAN_ACCESSIBILITY_FILE", str(path))
    at = open_page("pages/accessibility.py", user=ditte.staff_user)
    assert not at.exception
    words = " ".join([m.value for m in at.markdown] + [t.value for t in at.text]).replace("\\", "")
    for fact in ("Ærø Kommune", "tilgaengelighed@aeroe.dk", "+45 62 52 10 00", "30. november 2026",
                 "1. december 2026", "delvist", "Digitaliseringsstyrelsen"):  # fmt: skip
        assert fact in words, fact
    assert not at.warning  # nothing missing
    assert [h.value for h in at.subheader][:2] == ["Overholdelsesstatus", "Indhold, der ikke er tilgængeligt"]


def test_a_missing_settings_file_names_what_the_municipality_must_fill_in(open_page, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMPLAN_ACCESSIBILITY_FILE", str(tmp_path / "none.toml"))
    at = open_page()  # logged out: the statement is for everyone
    at.switch_page(str(ROOT / "pages/accessibility.py")).run()
    assert not at.exception
    assert "kommunens navn" in at.warning[0].value and "telefon til kontakt" in at.warning[0].value


@pytest.mark.parametrize(
    ("content", "organisation", "reviewed"),
    [
        ("[statement]\norganisation = '  '\n", None, None),  # blank is missing
        ("[statement]\nreviewed_on = 'not a date'\n", None, None),  # a bad date is missing
        ("this is not toml = = =", None, None),  # a broken file never stops the page
        # no [statement] section: the top level is read
        ("organisation = 'Ærø Kommune'\nreviewed_on = '2026-12-01'\n", "Ærø Kommune", "2026-12-01"),
    ],
)
def test_statement_settings_are_read_safely(tmp_path, content, organisation, reviewed):
    path = tmp_path / "a.toml"
    path.write_text(content, encoding="utf-8")
    settings = load_statement_settings(path)
    assert settings.organisation == organisation
    assert (settings.reviewed_on.isoformat() if settings.reviewed_on else None) == reviewed


def test_the_statement_is_in_every_logged_in_menu(open_page, ditte):
    at = open_page(user=ditte.staff_user)
    assert not at.exception
    at.switch_page(str(ROOT / "pages/accessibility.py")).run()
    assert [t.value for t in at.title] == ["Tilgængelighedserklæring"]


# --- confirmations and errors where the user is -------------------------------------------------


def test_a_new_goals_confirmation_is_by_the_add_form_not_at_the_top(panel):
    at = panel
    _step(at, "goals")
    _unfold_new_goal(at)
    at.text_area(key="meet_new_goal_words_0").input("Jeg vil cykle til Marstal")
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    assert not at.exception
    confirm = at.get("flex_container")
    where = [c for c in confirm if "confirm-meet-goal" in str(c.proto)]
    assert where, "the confirmation is in the slot by the add form"
    assert [s.value for s in at.success] == ["Målet er gemt."]
    assert not [c for c in confirm if "confirm-page" in str(c.proto)]


def test_a_refused_new_agreement_says_so_inside_its_form(panel):
    at = panel
    _step(at, "agreements")
    at.text_area(key="meet_new_ag_text_0").input("x" * 20_000)
    at.button(key="FormSubmitter:meet_new_agreement-Tilføj aftale").click().run()
    boxes = [c for c in at.get("flex_container") if "field-error-meet-ag" in str(c.proto)]
    assert boxes and at.error, "the error sits inside the add form"


def test_an_empty_outcome_is_said_under_it_and_nothing_is_saved(panel):
    at = panel
    _step(at, "status")
    with session_scope() as s:
        action = s.exec(select(Action).where(Action.owner_is_citizen)).first()
        before = (action.status, action.version)
    at.button(key=f"FormSubmitter:meet_review_form_{action.id}-Registrér").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Vælg, hvordan det gik med aftalen, før du gemmer. Intet er gemt."]
    assert [c for c in at.get("flex_container") if f"field-error-meet_rv_{action.id}_outcome" in str(c.proto)]
    with session_scope() as s:
        after = s.get(Action, action.id)
        assert (after.status, after.version) == before


# --- Streamlit's own words through ui/widgets -----------------------------------------------------


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node, {k.arg for k in node.keywords}


SCREENS = [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


@pytest.mark.parametrize("path", [p for p in SCREENS if p.name != "widgets.py"], ids=lambda p: p.name)
def test_no_english_streamlit_words_where_a_parameter_can_set_them(path):
    """A select box without placeholder says "Choose an option"; st.form says "Press Enter to
    submit form" (ui.widgets.form turns it off); a date field without format says yyyy/mm/dd."""
    found = []
    for call, keywords in _calls(path):
        name = call.func.attr
        if name in ("selectbox", "multiselect") and "placeholder" not in keywords:
            found.append(f"{name} at line {call.lineno} without placeholder=")
        if name == "date_input" and "format" not in keywords:
            found.append(f"date_input at line {call.lineno} without format=")
        owner = call.func.value
        if name == "form" and not (isinstance(owner, ast.Name) and owner.id == "widgets"):
            found.append(f"{ast.unparse(owner)}.form at line {call.lineno}: use ui.widgets.form")
    assert not found


def test_the_style_sheet_survives_streamlits_html_sanitiser():
    """DOMPurify (st.html) drops a whole <style> whose text looks like a tag (e.g. a comment that
    says "<input>"): every rule of the theme, the focus ring included, was silently gone."""
    from ui.theme import _CSS

    inner = _CSS.strip().removeprefix("<style>").removesuffix("</style>")
    assert not re.search(r"<[/\w!]", inner)


def test_the_citizens_link_page_links_the_statement_and_it_opens_without_login(ditte):
    from tests.pages.test_citizen_link import open_link
    from tests.pages.test_my_plan import make_link

    token, _ = make_link(ditte)
    at = open_link(token)
    assert not at.exception
    assert [link.proto.label for link in at.get("page_link")] == ["Tilgængelighedserklæring"]
    at.switch_page(str(ROOT / "pages/accessibility.py")).run()
    assert [t.value for t in at.title] == ["Tilgængelighedserklæring"] and not at.exception


def test_an_agreement_without_a_date_says_so_in_danish_in_opfolgning(open_page, ditte):
    """An agreement without a date says "Ingen frist" in its row, never "None"."""
    from tests.factories import make_action
    from tests.pages.conftest import agreement_rows

    with session_scope(write=True) as s:
        action = make_action(s, citizen=ditte.citizen, owner=ditte.coordinator, text="Ringe til Solsikken.")
        action.due_on = None  # the factory gives a date by default
    at = open_page("pages/follow_up.py", user=ditte.staff_user)
    assert not at.exception
    labels = [button.label for rows in agreement_rows(at).values() for button in rows]
    assert [label for label in labels if "Ringe til Solsikken" in label and label.endswith(" · Ingen frist")]
    assert not [label for label in labels if any(word in label for word in ("None", "NaT", "nan"))]

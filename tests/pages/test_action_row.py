"""ui/action_row.py: rows of buttons as one element. What the browser gets (words as text, the
state of each control), and which presses the server acts on: only a position the row showed,
enabled, and never a link's."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import TIMEOUT, action_rows, block_lines, press, press_at

HOSTILE = '<img src=x onerror="alert(1)"> **fed** [link](javascript:alert(1))'


def row_page() -> None:
    import streamlit as st

    from ui.action_row import Action, Group, action_row
    from ui.action_row import pressed as pressed_now

    hostile = (
        '<img src=x onerror="alert(1)"> **fed** [link](javascript:alert(1))'  # HOSTILE (a script of its own)
    )
    pressed = st.session_state.setdefault("pressed", [])

    def note(what: str) -> None:
        pressed.append(what)

    groups = [
        Group("Giv ordet", (
            Action(hostile, lambda: note("hostile"), primary=True, pressed=True, icon="🗣️"),
            Action("Pause", lambda: note("pause"), pressed=False),
        )),
        Group("Dagsorden", (
            Action("Næste punkt", lambda: note("next"), disabled=True),
            Action("Rumskærm", lambda: note("link"), href="./?room=abc"),
            Action("Ret målet", lambda: note("edit"), expanded=False),
        )),
    ]
    # What a page acting in its script would act on in this run (ui.action_row.pressed).
    now = pressed_now(groups, key="row")
    st.session_state.setdefault("runs", []).append(now.text if now is not None else None)
    action_row(
        groups,
        key="row",
        lines=[("words", hostile), ("caption", None), ("code", "AB12-CD34")],
        lines_first=True,
    )  # fmt: skip


def _data(at: AppTest) -> dict:
    [element] = [e for e in at.get("bidi_component") if e.proto.component_name == "samplan_actions"]  # type: ignore[attr-defined]
    return json.loads(element.proto.json)  # type: ignore[attr-defined]


def test_the_browser_gets_words_as_text_and_each_controls_state():
    at = AppTest.from_function(row_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    data = _data(at)
    assert [g["label"] for g in data["groups"]] == ["Giv ordet", "Dagsorden"]
    shown = action_rows(at)["row"]
    assert [a.text for a in shown] == [HOSTILE, "Pause", "Næste punkt", "Rumskærm", "Ret målet"]
    assert [a.pressed for a in shown] == [True, False, None, None, None]
    assert [a.expanded for a in shown] == [None, None, None, None, False]
    assert [a.disabled for a in shown] == [False, False, True, False, False]
    assert [a.href for a in shown] == [None, None, None, "./?room=abc", None]
    assert shown[0].primary and not shown[1].primary
    # The lines travel as text (the script sets textContent); an empty line is left out.
    assert block_lines(at) == [HOSTILE, "AB12-CD34"] and block_lines(at, "code") == ["AB12-CD34"]
    assert data["lines_first"] is True
    # No callback, no HTML: only words and flags go to the browser.
    assert "lambda" not in json.dumps(data) and "<img" not in json.dumps(data).replace(
        json.dumps(HOSTILE), ""
    )


def test_a_press_calls_the_action_and_a_forged_one_calls_nothing():
    at = AppTest.from_function(row_page, default_timeout=TIMEOUT).run()
    press(at, "row", "Pause")
    assert at.session_state["pressed"] == ["pause"]
    press(at, "row", HOSTILE)
    assert at.session_state["pressed"] == ["pause", "hostile"]
    # Out of range, not a whole number, a disabled button, a link: nothing is called.
    for forged in (5, -1, "1", True, None, 1.0, 2, 3):
        press_at(at, "row", forged)
        assert not at.exception
    assert at.session_state["pressed"] == ["pause", "hostile"]
    press(at, "row", "Ret målet")
    assert at.session_state["pressed"] == ["pause", "hostile", "edit"]


def test_the_script_sets_text_never_markup():
    """Every word the row shows is set with textContent: the script has no way to write HTML."""
    from ui.action_row import _SCRIPT

    assert "textContent" in _SCRIPT
    for way in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert way not in _SCRIPT


def test_a_press_is_there_for_the_script_of_its_own_run_only():
    """ui.action_row.pressed: the press a page acts on in its script (Planen's new link), in the run
    the press starts and never again; a forged, disabled or link press is none."""
    at = AppTest.from_function(row_page, default_timeout=TIMEOUT).run()
    press(at, "row", "Pause")
    assert at.session_state["runs"][-1] == "Pause"
    at.run()  # any later run, e.g. after a click elsewhere
    assert at.session_state["runs"][-1] is None
    for forged in (5, -1, "1", True, None, 1.0, 2, 3):
        press_at(at, "row", forged)
        assert not at.exception and at.session_state["runs"][-1] is None
    press(at, "row", "Ret målet")
    assert at.session_state["runs"][-1] == "Ret målet"

"""Every page and state a person can reach, in one list, and axe-core run over each.

Why one list: a new page or step must not be forgotten by the accessibility test. `STATES` names
each place the way a user reaches it (who is logged in, the sidebar link, then clicks), and
`survey()` visits them all in one logged-in tab per user, in Danish and in English, running
axe-core (axe-playwright-python bundles it) with the WCAG 2.0/2.1/2.2 A and AA rules. The test
(tests/e2e/test_accessibility.py) fails on any serious or critical finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from models.i18n import translate
from tests.e2e.conftest import go_to_step

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}  # fmt: skip
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class State:
    """One place: `who` logs in ("staff", "leader", "admin"; "anonymous" for the login page),
    follows the sidebar link with title key `page` (None: where the login lands), then `then`."""

    name: str
    who: str
    page: str | None = None
    then: tuple[Callable[[Page, Callable[[Page], None], str], None], ...] = field(default=())


# --- steps a user takes after the sidebar link (each: page, wait_for_app, lang) -----------------


def _click(page: Page, wait_for_app: Callable[[Page], None], target: Any) -> None:
    expect(target).to_be_visible()
    target.click()
    wait_for_app(page)


def pill(group: str, key: str) -> Callable[[Page, Callable[[Page], None], str], None]:
    """Choose the pill whose label is the catalogue's `key` in the row of choices keyed `group`
    (ui/choice_group.py, look="steps": Forberedelse's steps, Opfølgning's views)."""

    def step(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
        label = translate(key, lang)
        _click(page, wait_for_app, page.locator(f".st-key-{group} label").filter(has_text=label))

    return step


def prepare_step(name: str) -> Callable[[Page, Callable[[Page], None], str], None]:
    """Open Forberedelse's step `name`."""
    return pill("prepare-steps", f"before.tab_{name}")


def expander(key: str, **params: object) -> Callable[[Page, Callable[[Page], None], str], None]:
    """Unfold the first expander whose summary is the catalogue's `key` (content it hides counts)."""

    def step(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
        summary = page.get_by_test_id("stExpander").locator("summary").filter(
            has_text=translate(key, lang, **params)).first  # fmt: skip
        _click(page, wait_for_app, summary)

    return step


def button(key: str) -> Callable[[Page, Callable[[Page], None], str], None]:
    """Press the first button whose name is the catalogue's `key` (what it unfolds counts)."""

    def step(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
        _click(page, wait_for_app, page.get_by_role("button", name=translate(key, lang), exact=True).first)

    return step


def start_meeting(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
    """Mødet: start the demo meeting (answering yes when it is early); the first step shows."""
    _click(page, wait_for_app, page.get_by_role("button", name=translate("meet.open", lang)))
    early = page.get_by_role("button", name=translate("meetpanel.early_yes", lang))
    step = page.locator(".st-key-meet-steps")  # the agenda line of a running meeting
    expect(step.or_(early)).to_be_visible()  # wait for one of them: count() does not wait
    if early.is_visible():
        _click(page, wait_for_app, early)
    expect(step).to_be_visible()


def meeting_step(kind: str) -> Callable[[Page, Callable[[Page], None], str], None]:
    """Mødet with the meeting in progress: the agenda item of kind `kind` ("3 Mål")."""

    def step(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
        name = translate(f"meetpanel.step_name.{kind}", lang)
        go_to_step(page, re.compile(rf"^\d+ {re.escape(name)}$"))

    return step


def open_first_card(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
    """Opfølgning: a click on the first overdue row (a button) opens its card."""
    _click(page, wait_for_app, page.locator(".st-key-fu-rows-overdue").get_by_role("button").first)
    expect(page.locator('[class*="st-key-fu-overdue-"]').first).to_be_visible()


def login_language(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
    """The login page's own language choice (before anyone is logged in): the run's language."""
    label = translate(f"language.{lang}", lang)
    _click(page, wait_for_app, page.get_by_test_id("stMain").get_by_text(label, exact=True))
    expect(page.get_by_role("heading", name=translate("login.title", lang))).to_be_visible()


def statement_link(page: Page, wait_for_app: Callable[[Page], None], lang: str) -> None:
    """The link to the accessibility statement in the page body (login page, citizen's link)."""
    link = page.get_by_test_id("stMain").get_by_role("link", name=translate("a11y.link", lang))
    _click(page, wait_for_app, link)
    expect(page.get_by_role("heading", name=translate("a11y.title", lang), exact=True)).to_be_visible()


PREPARE_STEPS = ("citizen", "consent", "team", "meeting", "agenda", "preparation", "invitations")
MEETING_STEPS = ("attendance", "status", "goals", "agreements", "decisions", "close")


STATES: tuple[State, ...] = (
    State("login", "anonymous"),
    State("follow_up (start)", "staff"),
    State("home", "staff", "nav.home"),
    State("prepare", "staff", "nav.prepare"),
    State("meeting", "staff", "nav.meeting"),
    State("plan", "staff", "nav.plan"),
    State("my_plan", "staff", "planview.nav_title"),
    State("citizen_data", "staff", "nav.citizen_data"),
    State("follow_up", "staff", "nav.follow_up"),
    State("overview", "leader", "nav.overview"),
    State("admin", "admin", "nav.admin"),
    # Issue 18, every step and tab, and what expanders hide:
    State("login · the language chosen on it", "anonymous", None, (login_language,)),
    State("statement (from the login page)", "anonymous", None, (statement_link,)),
    State("statement", "staff", "a11y.nav_title"),
    State("my_settings", "staff", "remind.settings.nav_title"),  # issue 21
    *(State(f"prepare · {s}", "staff", "nav.prepare", (prepare_step(s),)) for s in PREPARE_STEPS),
    State("prepare · citizen · edit", "staff", "nav.prepare",
          (prepare_step("citizen"), expander("before.edit_open"))),  # drawn only when unfolded
    State("prepare · citizen · new citizen", "staff", "nav.prepare",
          (prepare_step("citizen"), expander("before.new_citizen"))),  # drawn only when unfolded
    State("prepare · consent · withdraw", "staff", "nav.prepare",
          (prepare_step("consent"), expander("before.withdraw_title"))),
    State("follow_up · coordinator", "staff", "nav.follow_up", (pill("fu-views", "followup.tab_citizen"),)),
    State("follow_up · done unfolded", "staff", "nav.follow_up",
          (pill("fu-views", "followup.tab_mine"), expander("followup_more.show_done"))),
    State("follow_up · card", "staff", "nav.follow_up",
          (pill("fu-views", "followup.tab_mine"), open_first_card)),
    State("meeting · started", "staff", "nav.meeting", (start_meeting,)),
    *(State(f"meeting · {kind}", "staff", "nav.meeting", (meeting_step(kind),)) for kind in MEETING_STEPS),
    State("meeting · goals · edit", "staff", "nav.meeting", (meeting_step("goals"), button("goal.edit"))),
    State("meeting · goals · new goal", "staff", "nav.meeting",
          (meeting_step("goals"), expander("goal.add_title"))),  # drawn only when unfolded (issue 16)
    State("meeting · status · changes", "staff", "nav.meeting",
          (meeting_step("status"), expander("meet.review.change_details"))),
    # The link just made (its address, the list, "Luk alle links og lav et nyt" and its line).
    State("plan · a new link", "staff", "nav.plan", (button("link.create"),)),
)


AXE = Axe()  # axe.min.js (570 kB) read once


def findings(page: Page) -> list[dict[str, Any]]:
    """The blocking axe findings on the page as it is now: rule, impact, and where (3 targets).

    axe-core is put into a document once (Axe.run evaluates all 570 kB of it on every call, ~0.1 s):
    Streamlit changes pages inside one document, and a new document (a reload) has no `axe` again.
    Only the violations come back (the rest of axe's result is not read)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    violations = page.evaluate("(options) => axe.run(options).then((result) => result.violations)", WCAG_AA)
    found = []
    for violation in violations:
        if violation.get("impact") in BLOCKING:
            nodes = violation.get("nodes", [])
            found.append({"rule": violation["id"], "impact": violation["impact"], "count": len(nodes),
                          "where": [" ".join(map(str, n.get("target", []))) for n in nodes[:3]],
                          "summary": (nodes[0].get("failureSummary", "") if nodes else "")[:300]})
    return found


def sidebar_link(page: Page, title: str) -> Any:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def choose_language(page: Page, lang: str, wait_for_app: Callable[[Page], None]) -> None:
    label = {"da": "Dansk", "en": "English"}[lang]
    radio = page.get_by_test_id("stSidebar").get_by_text(label, exact=True)
    radio.click()
    wait_for_app(page)
    expect(page.locator("html")).to_be_attached()


def visit(page: Page, state: State, lang: str, wait_for_app: Callable[[Page], None]) -> None:
    """From a logged-in tab: the sidebar link of `state`, then its clicks."""
    if state.page is not None:
        sidebar_link(page, translate(state.page, lang)).click()
        wait_for_app(page)
    for step in state.then:
        step(page, wait_for_app, lang)

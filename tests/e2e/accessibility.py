"""Every page and state a person can reach, in one list, and axe-core run over each.

Why one list: a new page or step must not be forgotten by the accessibility test. `STATES` names
each place the way a user reaches it (who is logged in, the sidebar link, then clicks), and
`survey()` visits them all in one logged-in tab per user, in Danish and in English, running
axe-core (axe-playwright-python bundles it) with the WCAG 2.0/2.1/2.2 A and AA rules. The test
(tests/e2e/test_accessibility.py) fails on any serious or critical finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from models.i18n import translate

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
)


def findings(page: Page) -> list[dict[str, Any]]:
    """The blocking axe findings on the page as it is now: rule, impact, and where (3 targets)."""
    result = Axe().run(page, options=WCAG_AA)
    found = []
    for violation in result.response["violations"]:
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

"""Mødet with the keyboard alone (issue 18): add a goal and an agreement from the start of their
step in at most 25 key presses each (the words typed are not counted: a mouse user types them
too), with a focus ring on every stop that stands out at least 3:1 from what is around it, the
page in Danish (<html lang="da">), and the confirmation where the user is.

"The start of the step": the step is open and the focus is on the step picker, where a keyboard
user is after choosing the step (arrow keys in the picker).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import select

from models.db import session_scope
from models.tables import Action, Goal, GoalScore
from tests.e2e.conftest import go_to_step, run_sequence
from tests.e2e.test_meeting import log_in, seed

BUDGET = 25
SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens" / "a11y"

# The focus ring of the focused control: the first of it and its 4 nearest ancestors that draws an
# outline, its width, and the contrast of its colour against the background it is drawn on (the
# nearest opaque background of the element's parent: the ring sits outside the element).
FOCUS_RING = """
() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const active = document.activeElement;
  if (!active || active === document.body) return { where: "body" };
  for (let el = active, depth = 0; el && depth < 5; el = el.parentElement, depth++) {
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth);
    if (style.outlineStyle !== "none" && width >= 1) {
      const ring = rgb(style.outlineColor).slice(0, 3), under = background(el.parentElement);
      const [a, b] = [lum(ring), lum(under)].sort((x, y) => y - x);
      const name = active.getAttribute("aria-label") || active.textContent || "";
      return { where: active.tagName + " " + name.slice(0, 40), width, contrast: (a + 0.05) / (b + 0.05) };
    }
  }
  return { where: active.tagName + (active.textContent || "").slice(0, 40), width: 0, contrast: 1 };
}
"""


class Keyboard:
    """Presses keys, counts them, and checks the focus ring after every move."""

    def __init__(self, page: Page, wait_for_app) -> None:
        self.page, self.wait, self.presses, self.rings = page, wait_for_app, 0, []

    def press(self, key: str, *, reruns: bool = False) -> None:
        before = run_sequence(self.page)
        self.page.keyboard.press(key)
        self.presses += 1
        if reruns:
            self.wait(self.page, requested_after=before)
        ring = self.page.evaluate(FOCUS_RING)
        self.rings.append(ring)
        assert ring.get("where") != "body", f"focus lost to the page body after {key}"
        assert ring["width"] >= 2 and ring["contrast"] >= 3, f"focus not visible after {key}: {ring}"

    def tab_to(self, target, limit: int = BUDGET) -> None:
        """Tab until `target` (a locator) has the focus."""
        for _ in range(limit):
            if target.evaluate("(el) => el.contains(document.activeElement)"):
                return
            self.press("Tab")
        raise AssertionError(f"{target} not reached in {limit} Tab presses")


def _start_of_step(page: Page, name: str, wait_for_app) -> None:
    go_to_step(page, name)
    # Where the keyboard user who chose the step is: on that step, in the agenda's row of steps.
    page.locator(".st-key-meet-steps input:checked").focus()


def test_a_goal_and_an_agreement_with_the_keyboard_alone(page: Page, app_server, wait_for_app, choose_option):
    ids = seed(app_server.database_url, running=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, app_server.url, "rasmus", wait_for_app, choose_option)
    assert page.evaluate("document.documentElement.lang") == "da"
    SCREENS.mkdir(parents=True, exist_ok=True)

    # A goal: Tab to "Nyt mål" and unfold it with Enter, Tab to the words, type them, Tab to
    # "Tilføj mål", Enter.
    _start_of_step(page, "3 Mål", wait_for_app)
    keys = Keyboard(page, wait_for_app)
    adder = page.get_by_test_id("stExpander").filter(has_text="Nyt mål")
    keys.tab_to(adder.locator("summary"))
    keys.press("Enter", reruns=True)
    goal_form = adder.get_by_test_id("stForm")
    keys.tab_to(goal_form.get_by_role("textbox").first)
    page.keyboard.type("Jeg vil gå en tur med hunden hver morgen")
    page.screenshot(path=str(SCREENS / "focus-ring-goal-words.png"))
    keys.tab_to(goal_form.get_by_role("button", name="Tilføj mål"))
    page.screenshot(path=str(SCREENS / "focus-ring-goal-button.png"))
    keys.press("Enter", reruns=True)
    expect(page.locator('[class*="st-key-confirm-meet-goal"]').get_by_text("Målet er gemt.")).to_be_visible()
    goal_presses = keys.presses
    assert goal_presses <= BUDGET, goal_presses
    with session_scope(url=app_server.database_url) as s:
        assert s.exec(select(Goal).where(Goal.own_words == "Jeg vil gå en tur med hunden hver morgen")).one()
    page.screenshot(path=str(SCREENS / "goal-saved-confirmation.png"))

    # A score for another goal (the new one has the scale now): Tab to the first goal's "Skalér
    # dette mål", Enter; the focus goes to that goal's scale, and an arrow key gives a score.
    _start_of_step(page, "3 Mål", wait_for_app)
    keys = Keyboard(page, wait_for_app)
    first = page.locator(f".st-key-meet-goal-{ids['goal_id']}")
    keys.tab_to(first.get_by_role("button", name="Skalér dette mål"))
    keys.press("Enter", reruns=True)
    scale = first.locator('[class*="st-key-meet_score_"]')
    # The focus goes to the scale once its choices are drawn (a component draws them a moment after
    # the rerun; ui/page_language.py waits for that): waited for, not read at once (on a busy
    # machine the read came first).
    expect(scale.locator(":focus"), "the focus is on the goal's scale").to_have_count(1)
    keys.press("ArrowRight", reruns=True)  # from nothing chosen to the next option: a score is saved
    # What only the server draws once today's score is saved (the radio's dot the browser sets
    # itself): the goal's next step comes with its score.
    expect(first.locator('[class*="st-key-meet_step_up_"]')).to_be_visible()
    wait_for_app(page)
    with session_scope(url=app_server.database_url) as s:
        scores = s.exec(select(GoalScore).where(GoalScore.goal_id == ids["goal_id"])).all()
        assert len(scores) == 2, "the held meeting's score and today's"
    expect(scale.locator(":focus"), "the focus stays on the scale").to_have_count(1)
    page.screenshot(path=str(SCREENS / "focus-ring-goal-scale.png"))

    # An agreement: the words, who (the citizen: the first in the list), then "Tilføj aftale".
    _start_of_step(page, "4 Nye aftaler", wait_for_app)
    keys = Keyboard(page, wait_for_app)
    form = page.get_by_test_id("stForm").filter(has_text="Ny aftale")
    keys.tab_to(form.get_by_role("textbox", name="Aftalen"))
    page.keyboard.type("Ditte ringer til Solsikken")
    owner = form.get_by_test_id("stSelectbox").first.get_by_role("combobox")
    keys.tab_to(owner)
    page.screenshot(path=str(SCREENS / "focus-ring-owner.png"))
    keys.press("ArrowDown")  # opens the list
    expect(owner).to_have_attribute("aria-expanded", "true")
    keys.press("Enter")  # the first: the citizen herself
    expect(owner).to_have_attribute("aria-expanded", "false")
    keys.tab_to(form.get_by_role("button", name="Tilføj aftale"))
    keys.press("Enter", reruns=True)
    confirmation = page.locator('[class*="st-key-confirm-meet-agreement"]')
    expect(confirmation.get_by_text("Aftalen er gemt.")).to_be_visible()
    agreement_presses = keys.presses
    assert agreement_presses <= BUDGET, agreement_presses
    with session_scope(url=app_server.database_url) as s:
        saved = s.exec(select(Action).where(Action.text == "Ditte ringer til Solsikken")).one()
        assert saved.owner_is_citizen
    # The sidebar's links and the language switch (issue 18 measured 1.11:1 and 1.21:1 there).
    page.get_by_test_id("stSidebarNav").get_by_role("link").first.focus()
    keys.press("Tab")
    page.screenshot(path=str(SCREENS / "focus-ring-sidebar-link.png"))
    page.get_by_test_id("stSidebar").get_by_role("radio", name="Dansk").focus()
    keys.press("ArrowRight", reruns=True)  # English
    expect(page.get_by_role("heading", name="4 New agreements")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=str(SCREENS / "focus-ring-language.png"))
    print(f"\nkey presses: goal {goal_presses}, agreement {agreement_presses}; "
          f"lowest focus contrast {min(r['contrast'] for r in keys.rings):.1f}:1")  # fmt: skip


def test_the_focus_reaches_the_scale_when_the_page_arrives_slowly(
    new_context, app_server, wait_for_app, choose_option
) -> None:
    """A rerun's elements arrive one by one, and the page draws each as it comes: on a busy server
    (CI beside busy cores) the goal's row lost "Skalér dette mål" well before its scale was there,
    and the focus went to the row's other button ("Ret målet"), so the arrow keys scored nothing.
    Here every message of that rerun reaches the page 250 ms after the one before."""
    seed(app_server.database_url, running=True)
    page = new_context(slow_gap_ms=0, viewport={"width": 1440, "height": 900}).new_page()
    log_in(page, app_server.url, "rasmus", wait_for_app, choose_option)
    _start_of_step(page, "3 Mål", wait_for_app)
    # Two goals, neither scored today: the first has the scale, the second "Skalér dette mål".
    with session_scope(url=app_server.database_url) as s:
        second = s.exec(select(Goal).where(Goal.area == "health")).one().id
    goal = page.locator(f".st-key-meet-goal-{second}")
    goal.get_by_role("button", name="Skalér dette mål").focus()
    page.evaluate("window.__samplanSlowGap = 250")
    before = run_sequence(page)
    page.keyboard.press("Enter")
    wait_for_app(page, requested_after=before)
    page.evaluate("window.__samplanSlowGap = 0")
    scale = goal.locator('[class*="st-key-meet_score_"]')
    expect(scale.get_by_role("radio").first).to_be_visible()
    expect(scale.locator(":focus"), "the focus is on the goal's scale").to_have_count(1)
    before = run_sequence(page)
    page.keyboard.press("ArrowRight")
    wait_for_app(page, requested_after=before)
    expect(goal.locator('[class*="st-key-meet_step_up_"]')).to_be_visible()
    with session_scope(url=app_server.database_url) as s:
        # The focus was on 0 (nothing chosen yet), and the arrow moves to the next: 1.
        assert s.exec(select(GoalScore).where(GoalScore.goal_id == second)).one().score == 1

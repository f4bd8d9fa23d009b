"""wait_for_app follows Streamlit's own "script finished" message, not the idle look of the page.

Right after a click the page still shows the previous run's idle state until the server's first
answer arrives; on a busy machine that can take seconds. Here the server's answers are held back
on purpose (Playwright routes the app's websocket), which makes that moment as long as we like.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

PASSWORD = "korrekt-hest-batteri"
HELD_BACK_MS = 2_000  # nothing can arrive while held, so this is how long the test insists, not a race


class HeldBackServer:
    """Passes the app's websocket through, but keeps the server's messages while `holding`."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[str | bytes] = []
        self.page_side: WebSocketRoute | None = None

    def route(self, page_side: WebSocketRoute) -> None:
        self.page_side = page_side
        server = page_side.connect_to_server()
        server.on_message(self._from_server)
        page_side.on_message(server.send)

    def _from_server(self, message: str | bytes) -> None:
        if self.holding:
            self.held.append(message)
        else:
            assert self.page_side is not None
            self.page_side.send(message)

    def release(self) -> None:
        assert self.page_side is not None
        self.holding = False
        for message in self.held:  # all at once: a burst, as a loaded machine delivers them
            self.page_side.send(message)
        self.held.clear()


def test_wait_for_app_after_a_click_waits_for_the_run_the_click_started(
    page: Page, app_server, wait_for_app
) -> None:
    server = HeldBackServer()
    page.route_web_socket(re.compile(r"/_stcore/stream"), server.route)
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Velkommen til Samplan")).to_be_visible()
    wait_for_app(page)
    page.get_by_label("Fulde navn").fill("Anne Admin")
    page.get_by_label("Brugernavn").fill("anne")
    page.get_by_label("Adgangskode (mindst 10 tegn)").fill(PASSWORD)
    page.get_by_label("Gentag adgangskoden").fill(PASSWORD)

    server.holding = True
    page.get_by_role("button", name="Opret administrator").click()
    # The page still looks idle (the old run's state), but the run the click asked for has not ended.
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(1)
    with pytest.raises(AssertionError, match="no finished script run"):
        wait_for_app(page, timeout=HELD_BACK_MS)

    server.release()
    wait_for_app(page)
    # No expect() here on purpose: when wait_for_app returns, the run's result is already on screen.
    assert page.get_by_text("Administratoren er oprettet, og du er logget ind.").count() == 1
    assert page.get_by_role("heading", name="Velkommen til Samplan").count() == 0

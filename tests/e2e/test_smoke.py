"""The app starts under `streamlit run` and renders its first screen without an error."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_the_start_page_renders_without_an_exception(app_page: Page) -> None:
    expect(app_page.get_by_test_id("stApp")).to_be_visible()
    # Something was rendered by app.py: at least one element in the main block.
    expect(
        app_page.get_by_test_id("stMainBlockContainer").get_by_test_id("stElementContainer").first
    ).to_be_attached()
    expect(app_page.get_by_test_id("stException")).to_have_count(0)


def test_the_server_sends_small_frames_at_once(app_page: Page, request) -> None:
    """`streamlit run server.py` (what `make run` and these tests serve) turned Nagle's algorithm
    off on its listening socket after Streamlit bound it (issue 16, models/server_socket.py):
    the server says so in its log, with the one listener it found."""
    from tests.e2e.conftest import SERVER_LOG

    expect(app_page.get_by_test_id("stApp")).to_be_visible()
    log = request.node.stash[SERVER_LOG].read_text(encoding="utf-8", errors="replace")
    assert "TCP_NODELAY on 1 listening socket(s)" in log, log[-2000:]

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

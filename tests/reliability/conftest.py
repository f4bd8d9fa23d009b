"""The AppTest fixtures of tests/pages (a logged-in user on the real app) for these tests too."""

from tests.pages.conftest import _clear_streamlit_caches, ditte, open_page  # noqa: F401

"""The AppTest fixtures of tests/pages (a logged-in user on the real app) for these tests too."""

import pytest

from tests.cpu_burner import burning_cpus
from tests.pages.conftest import _clear_streamlit_caches, ditte, open_page  # noqa: F401


@pytest.fixture
def busy_cpus():
    """Every core busy with a spinning process for the test's duration (always stopped after)."""
    with burning_cpus() as count:
        yield count

"""No full garbage collection in a user's wait (issue 16, target 1; ui/gc_policy.py says why).

Streamlit's runner.postScriptGC is off in .streamlit/config.toml, and app.py freezes the
long-lived heap after a run that imported modules, so the collector never walks it again.
"""

from __future__ import annotations

import gc
import sys
import tomllib
import types
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui import gc_policy

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_runs_no_full_collection_after_every_script_run():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as handle:
        assert tomllib.load(handle)["runner"]["postScriptGC"] is False
    from streamlit import config as st_config

    st_config.get_config_options(force_reparse=True, options_from_flags={})
    assert st_config.get_option("runner.postScriptGC") is False


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh policy (no freeze so far in its eyes); the heap is unfrozen again afterwards."""
    monkeypatch.setattr(gc_policy, "_modules_frozen", len(sys.modules))
    monkeypatch.setattr(gc_policy, "_freezes", 0)
    yield
    gc.unfreeze()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def _tracked(thing: object) -> bool:
    return any(candidate is thing for candidate in gc.get_objects())


def test_a_run_that_imported_a_module_freezes_the_heap_and_later_garbage_is_still_freed(policy, monkeypatch):
    long_lived, frozen_before = _Node(), gc.get_freeze_count()
    assert gc_policy.after_script_run() is False  # no module imported: nothing happens
    assert _tracked(long_lived) and gc.get_freeze_count() == frozen_before
    monkeypatch.setitem(sys.modules, "samplan_test_new_module", types.ModuleType("samplan_test_new_module"))
    assert gc_policy.after_script_run() is True
    # Frozen: no collection walks it any more.
    assert gc.get_freeze_count() > frozen_before and not _tracked(long_lived)
    # What is made after the freeze is collected as before: memory is still given back.
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    gc.collect()
    assert gone() is None
    assert gc_policy.after_script_run() is False  # and only once per new module


def test_freezing_stops_after_a_bounded_number_of_times(policy, monkeypatch):
    monkeypatch.setattr(gc_policy, "_freezes", gc_policy.MAX_FREEZES)
    monkeypatch.setitem(sys.modules, "samplan_test_new_module", types.ModuleType("samplan_test_new_module"))
    long_lived = _Node()
    assert gc_policy.after_script_run() is False
    assert _tracked(long_lived)


def test_app_py_calls_the_policy_after_every_run(db_url, monkeypatch):
    from streamlit.testing.v1 import AppTest

    calls: list[int] = []
    monkeypatch.setattr(gc_policy, "after_script_run", lambda: calls.append(1) or False)
    for _ in range(2):  # (AppTest runs app.py on an AppTest's first run only: two of them)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.run()
        assert not at.exception
    assert calls == [1, 1]

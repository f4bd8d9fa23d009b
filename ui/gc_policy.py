"""When the server collects garbage: never a full collection of the whole heap in a user's wait.

Streamlit's default (`runner.postScriptGC = true`) runs `gc.collect(2)` after every script run,
on the script's thread, before the browser hears that the run finished. A full collection walks
every tracked object: Streamlit, pandas, pyarrow, SQLAlchemy and this app are ~180,000-260,000 of
them, so it cost ~150 ms of every rerun whatever the page (a navigation over Streamlit's
protocol: ~175 ms, of which the script was 14-31 ms), holding the interpreter for every other
user meanwhile. (Measured: a full collection of 177,000 objects 150 ms; after a freeze, with
40,000 young objects, 3.4 ms.)

What this process does instead (.streamlit/config.toml sets `postScriptGC = false`):
- The long-lived heap is frozen (`gc.freeze()`): the imported modules, their functions, classes
  and constants are moved to a permanent generation that no later collection walks. It happens
  at the end of a script run that imported new modules (`after_script_run`, called by app.py):
  the first runs after start-up and the first visit to each page, a bounded number of times
  (at most MAX_FREEZES; the set of modules is finite). Each freeze first collects, so no garbage
  is frozen.
- Everything made after that (sessions' state, query results, widgets) is collected by Python's
  own generational collector: young objects every few hundred allocations, and a full
  collection once the unfrozen long-lived objects have grown by a quarter since the last one.
  Those collections walk the unfrozen heap only, a few milliseconds, so memory is still returned
  as it is with the default, only not by a forced full collection after each run.

The price: objects alive at a freeze that later become garbage *in a reference cycle* are never
collected (acyclic ones are freed by reference counting as usual). That is bounded: at most
MAX_FREEZES freezes, nearly all of them in the first runs after start-up, when little else than
modules is alive.

Measured with `streamlit run` on a bench database (SCALE 0.1), a client speaking Streamlit's
protocol (log in, then sidebar navigation over the 7 pages), on a shared, loaded 2-core machine:
- one user, 15 rounds: navigation median 225-304 ms / p95 301-467 ms with the default, 48-57 ms
  / p95 52-154 ms with this policy;
- VmRSS over 2,184 reruns (24 sessions, 3 at a time): default 247 -> 250-253 MB, this policy
  248 -> 258-261 MB; over 5,460 reruns (60 sessions) 251 -> 262 MB after the first third and
  260-264 MB until the end: it levels off. The collector ran 47 full collections in those
  5,460 reruns (one per ~115), over 15,000-20,000 unfrozen objects each, instead of 5,460 over
  the whole heap.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading

logger = logging.getLogger("samplan.gc")

MAX_FREEZES = 25

_lock = threading.Lock()
_modules_frozen = 0  # len(sys.modules) at the last freeze
_freezes = 0


def after_script_run() -> bool:
    """Freeze the heap if this run imported modules since the last freeze; True if it did.

    Called at the end of every script run (app.py). Costs nothing when no module was imported,
    one full collection (~150 ms) when one was: the first visit to a page after start-up.
    """
    global _modules_frozen, _freezes
    if len(sys.modules) <= _modules_frozen or _freezes >= MAX_FREEZES:
        return False
    with _lock:
        modules = len(sys.modules)
        if modules <= _modules_frozen or _freezes >= MAX_FREEZES:
            return False  # another session's run froze it meanwhile
        gc.collect()
        gc.freeze()
        # Nearly free now; it resets the collector's measure of the long-lived heap to the
        # unfrozen part, so its next automatic full collection comes at a quarter's growth of
        # that, not of the whole heap (a quarter of ~1 M objects of garbage could pile up first).
        gc.collect()
        _modules_frozen = modules
        _freezes += 1
    logger.debug("heap frozen (%d modules, %d objects in all)", modules, gc.get_freeze_count())
    return True

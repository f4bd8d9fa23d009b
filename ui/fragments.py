"""A part of a page that reruns alone after a click in it, with the login checked on each such run.

Why (issue 16): a click on a row, a save or a search reran the whole app (the login lookup, the
sidebar, the page's title and every other part) and the browser drew every element again. As an
`st.fragment`, only the part with the control runs and only its elements travel and are drawn.

What a fragment's own rerun skips is app.py, and with it the login check and the error handling
every page has. So `page_part` does both itself on those runs:
- the login is looked up again (ui/context.resolve_actor: an ended, timed-out or replaced login
  is None; it writes at most once a minute). Unless it is the same actor as the full run that drew
  the part (same user, role and rights), the whole app runs instead (`st.rerun(scope="app")`),
  and app.py shows the login page or the page as the new actor may see it;
- what the part did not catch is a Danish sentence in the part (ui/feedback.failures_shown).
The part reads citizens' data only through models/ as before: every read is authorised there and
audited in its own session's commit, whichever run it happens in.

On a full run the part is drawn as any other code (app.py has just checked the login). A part
must load what it shows itself: a value loaded by the page above it is the full run's, stale in
the part's own reruns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.context import ACTOR_KEY, resolve_actor
from ui.feedback import failures_shown

P = ParamSpec("P")


def in_own_rerun() -> bool:
    """True while a fragment reruns alone (a click in it), False on a full run of the app."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def page_part(func: Callable[P, None]) -> Callable[P, None]:
    """`st.fragment` for a part of a page: its own reruns re-check the login (see above)."""

    @functools.wraps(func)
    def part(*args: P.args, **kwargs: P.kwargs) -> None:
        if in_own_rerun():
            drawn_for: Any = st.session_state.get(ACTOR_KEY)
            actor = resolve_actor()
            if actor is None or actor != drawn_for:
                st.rerun(scope="app")
        with failures_shown():
            func(*args, **kwargs)

    return st.fragment(part)

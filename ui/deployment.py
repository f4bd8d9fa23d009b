"""server.py's start-up check: read Streamlit's cookie secret and refuse an unsafe start.

The rule is models/deployment.py's; this only asks Streamlit's configuration for the secret and
whether someone set it (the environment, config.toml or a command-line flag), then stops the
process with the rule's sentence on standard error and exit status 2.
"""

from __future__ import annotations

import sys

from models import deployment


def refuse_unsafe_start() -> None:
    from streamlit import config

    try:
        problem = deployment.cookie_secret_problem(
            str(config.get_option("server.cookieSecret") or ""),
            explicitly_set=config.is_manually_set("server.cookieSecret"),
            process_count=deployment.processes(),
        )
    except deployment.UnsafeStart as error:
        problem = f"Samplan will not start: {error}"
    if problem:
        print(problem, file=sys.stderr, flush=True)
        raise SystemExit(2)

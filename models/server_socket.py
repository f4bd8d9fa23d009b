"""Small writes leave at once: TCP_NODELAY on the app server's listening socket.

Why (issue 16): a rerun answers with a burst of small websocket frames (the new session, each
element, "script finished"). Streamlit 1.67 binds its listening socket itself, with protocol 0;
asyncio turns Nagle's algorithm off only on sockets whose protocol reads IPPROTO_TCP, so every
connection the server accepts keeps Nagle on (uvicorn's issue #3149 is the same defect in its
--workers path). With Nagle on, all but the first frame of a burst wait for the browser's
delayed ACK, 40 ms on Linux: over Streamlit's own protocol a sidebar navigation took 44 ms of
which the server's own work, from the request arriving to "script finished" sent, was 13-18 ms.

Linux copies TCP_NODELAY from a listening socket to every connection it accepts, so setting it
on the listener once is enough. server.py calls set_nodelay_on_listeners() when uvicorn imports
it, which is after Streamlit bound the socket and before the first connection is accepted. The
listener is found among the process's own open sockets (the one that accepts connections), not
through Streamlit's or uvicorn's private objects.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from pathlib import Path

_FDS = Path("/proc/self/fd")


def set_nodelay_on_listeners() -> int:
    """Turn Nagle's algorithm off on every listening TCP socket of this process; returns how many.

    Elsewhere than Linux (no /proc/self/fd) nothing is done and 0 is returned."""
    if not _FDS.is_dir():
        return 0
    done = 0
    for entry in _FDS.iterdir():
        with contextlib.suppress(OSError, ValueError):
            fd = int(entry.name)
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            # A duplicate of the descriptor: options set through it apply to the same socket,
            # and closing it leaves the server's own descriptor open.
            with socket.socket(fileno=os.dup(fd)) as sock:
                if (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                        and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):  # fmt: skip
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    done += 1
    return done

"""TCP_NODELAY on the app server's listener (issue 16): accepted connections send small frames at once."""

import socket

import pytest

from models.server_socket import set_nodelay_on_listeners

pytestmark = pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/fd").is_dir(), reason="Linux only")


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def _accepted(listener: socket.socket) -> tuple[socket.socket, socket.socket]:
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    return client, accepted


def test_a_listener_bound_as_streamlit_binds_it_passes_nodelay_to_every_connection():
    # Streamlit 1.67 binds with socket.socket(family=...): protocol 0, which asyncio does not
    # recognise as TCP, so the accepted connections keep Nagle's algorithm on.
    with socket.socket(family=socket.AF_INET) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        before_client, before = _accepted(listener)
        assert listener.proto == 0 and _nodelay(before) == 0

        assert set_nodelay_on_listeners() >= 1

        after_client, after = _accepted(listener)
        assert _nodelay(after) == 1
        # Only listeners are changed: connections (ours and the test's clients) are left alone.
        assert _nodelay(before) == 0 and _nodelay(after_client) == 0 and _nodelay(before_client) == 0
        for sock in (before_client, before, after_client, after):
            sock.close()


def test_a_process_without_listeners_changes_nothing():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as unbound:
        udp.bind(("127.0.0.1", 0))
        assert _nodelay(unbound) == 0
        set_nodelay_on_listeners()  # the suite's own listeners may exist; these two are not changed
        assert _nodelay(unbound) == 0

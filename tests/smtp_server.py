"""A real SMTP server for the reminder tests (aiosmtpd), on a free local port.

with smtp_server() as server:
    ...                       # point Samplan at server.port
    server.messages           # every accepted mail, parsed (email.policy.default)
    server.reply = "451 4.3.0 try again later"   # refuse what comes next (4xx or 5xx)
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.reply: str | None = None  # an SMTP reply for DATA instead of accepting
        self.delay = 0.0  # seconds each mail takes to accept (a slow server)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply:
            return self.reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server() -> Iterator[tuple[Collector, int]]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, port
    finally:
        controller.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word: the client's timeout is what ends it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()

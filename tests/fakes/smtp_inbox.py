"""A real SMTP server (aiosmtpd) on loopback that keeps every message it receives, for the tests."""

from __future__ import annotations

import time
from typing import List

from aiosmtpd.controller import Controller

from scripts.run import free_port


class SmtpInbox:
    def __init__(self) -> None:
        self.messages: List = []
        self._controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self._controller.port

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"

    def start(self) -> SmtpInbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The first message containing `text`, as text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for envelope in list(self.messages):
                content = envelope.content.decode("utf-8", "replace")
                if text in content:
                    return content
            time.sleep(0.05)
        raise AssertionError(f"no e-mail containing {text!r} among {len(self.messages)}")

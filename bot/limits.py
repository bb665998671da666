"""Per-sender limits at the one door every channel uses (`Agent.handle_message`, see bot.server).

- Message length: longer texts are cut to `max_chars` (no question needs more; a 100 KB paste would
  cost the classifier seconds and fill the tracker store).
- Rate: a token bucket per sender, `messages` per `seconds` with bursts of as many; over it, the person
  gets a polite "slow down" in their language instead of an answer. Buckets live in each Rasa process:
  behind a load balancer, each replica counts the messages it handles.
- The conversation database down: the person is asked to send the message again (bot.server).
"""

from __future__ import annotations

import time
from typing import Dict, Tuple

from bot.catalog import msgid

SLOW_DOWN_MESSAGE = msgid("limits.slow_down")
STORAGE_UNAVAILABLE_MESSAGE = msgid("limits.storage_unavailable")
# Idle senders' buckets are forgotten past this many, so the table cannot grow without end.
MAX_TRACKED_SENDERS = 50_000


def shorten(text: str | None, max_chars: int) -> str | None:
    return text[:max_chars] if isinstance(text, str) and len(text) > max_chars else text


class SenderRateLimiter:
    def __init__(self, messages: int, seconds: float) -> None:
        self.capacity = float(messages)
        self.rate = messages / seconds
        self._buckets: Dict[str, Tuple[float, float]] = {}  # sender → (tokens left, when counted)

    def allow(self, sender: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, counted = self._buckets.get(sender, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - counted) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[sender] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > MAX_TRACKED_SENDERS:
            self._forget_idle(now)
        return allowed

    def _forget_idle(self, now: float) -> None:
        """Drops the buckets that have refilled completely: their senders start afresh anyway."""
        full_after = self.capacity / self.rate
        self._buckets = {s: b for s, b in self._buckets.items() if now - b[1] < full_after}

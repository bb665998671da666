"""Rasa's Redis lock store, safe with several Rasa replicas (`bot.lock_store.AtomicRedisLockStore`).

Rasa keeps each conversation's queue of tickets as one Redis value that it reads, changes and writes
back. Two replicas doing that at the same moment overwrite each other: a ticket disappears, and the
message holding it waits until the lock's lifetime (60 s) runs out. Here every read-change-write of a
conversation's lock runs under a short Redis mutex of that conversation (SET NX with an expiry).
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

MUTEX_SECONDS = 10  # far longer than a read and a write; frees itself if a replica dies holding it


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        # Rasa builds a custom lock store from its endpoint configuration alone.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        kwargs.pop("type", None)
        if "port" in kwargs:
            kwargs["port"] = int(kwargs["port"])
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS,
                             blocking_timeout=MUTEX_SECONDS)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Finishing, checking for waiters and deleting are one step: a ticket issued in between by
        # another replica would be deleted with the lock.
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)

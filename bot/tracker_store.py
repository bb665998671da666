"""Rasa's SQL tracker store with cheap per-turn queries (`bot.tracker_store.EventLogTrackerStore`).

Same `events` table, same rows and same semantics as `rasa.core.tracker_store.SQLTrackerStore`: Rasa's
own store reads what this one writes and the other way round. Profiling a loaded server showed Rasa's
version spending a quarter of every turn building ORM queries (a subquery per load, a count query per
save) and opening and closing SQLite connections. Here each save or load runs two or three plain SQL
statements, over a pooled and tuned engine for SQLite (`bot.database`).

"Delete my data" ends here: when a turn ran `action_erase_data` and it restarted the conversation, the
save deletes every stored event of the conversation instead of adding the turn's (docs/privacy.md).
"""

from __future__ import annotations

import json
from typing import Any, List

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, Event, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

from bot import database

# The latest conversation session starts at its last `session_started` event; a conversation that
# never had one is a single session. `:session_start` is NULL when fetching every session.
_SESSION_START = sa.text(
    "SELECT max(timestamp) FROM events WHERE sender_id = :sender_id AND type_name = :type_name"
)
_EVENTS_SINCE = sa.text(
    "SELECT data FROM events WHERE sender_id = :sender_id"
    " AND (:session_start IS NULL OR timestamp >= :session_start) ORDER BY id"
).bindparams(sa.bindparam("session_start", type_=sa.Float))
_DELETE_CONVERSATION = sa.text("DELETE FROM events WHERE sender_id = :sender_id")
ERASING_ACTION = "action_erase_data"
_COUNT_SINCE = sa.text(
    "SELECT count(*) FROM events WHERE sender_id = :sender_id"
    " AND (:session_start IS NULL OR timestamp >= :session_start)"
).bindparams(sa.bindparam("session_start", type_=sa.Float))


class EventLogTrackerStore(SQLTrackerStore):
    """Stores every event of every conversation as one row, like Rasa's SQL tracker store."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            self.engine = database.create_engine(url)
        else:
            # Rasa's options (a PostgreSQL schema, pool sizes), and connections checked before use: after
            # a database restart the first turn gets a new connection instead of an error.
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)  # for the inherited `keys()`
        self._insert = self.SQLEvent.__table__.insert()

    def _session_start(self, connection: Any, sender_id: str) -> float | None:
        return connection.execute(
            _SESSION_START, {"sender_id": sender_id, "type_name": SessionStarted.type_name}
        ).scalar()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.engine.connect() as connection:
            start = None if fetch_events_from_all_sessions else self._session_start(connection, sender_id)
            rows = connection.execute(_EVENTS_SINCE, {"sender_id": sender_id, "session_start": start})
            events = [json.loads(data) for (data,) in rows]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            start = self._session_start(connection, tracker.sender_id)
            stored = connection.execute(
                _COUNT_SINCE, {"sender_id": tracker.sender_id, "session_start": start}
            ).scalar()
            events = list(tracker.events)[stored:]
            if erases_conversation(events):
                connection.execute(_DELETE_CONVERSATION, {"sender_id": tracker.sender_id})
                return
            rows = self._rows(tracker, events)
            if rows:
                connection.execute(self._insert, rows)

    @staticmethod
    def _rows(tracker: DialogueStateTracker, events: List[Any]) -> List[dict]:
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({
                "sender_id": tracker.sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            })
        return rows


def erases_conversation(events: List[Event]) -> bool:
    """Whether these new events hold the erasing action followed by the restart it ends with."""
    erasing = False
    for event in events:
        if isinstance(event, ActionExecuted):
            erasing = event.action_name == ERASING_ACTION
        elif isinstance(event, Restarted) and erasing:
            return True
    return False

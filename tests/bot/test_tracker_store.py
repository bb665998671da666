"""The event-log tracker store keeps Rasa's SQL tracker store semantics on a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ERASING_ACTION, EventLogTrackerStore, erases_conversation

DOMAIN = Domain.from_yaml(
    """
    intents: [greet]
    slots:
      language:
        type: text
        mappings: [{type: custom}]
    """
)


def stores(tmp_path):
    db = str(tmp_path / "tracker.db")
    return EventLogTrackerStore(domain=DOMAIN, dialect="sqlite", db=db), SQLTrackerStore(
        domain=DOMAIN, dialect="sqlite", db=db
    )


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for timestamp, event in enumerate([
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hola", {"name": "greet", "confidence": 0.9}),
        SlotSet("language", "es"),
        BotUttered("¡Hola!"),
        ActionExecuted("action_listen"),
    ], start=1):
        event.timestamp = float(timestamp)
        tracker.update(event)
    return tracker


def event_dicts(tracker):
    return [event.as_dict() for event in tracker.events]


async def test_rasa_reads_what_it_writes_and_the_other_way_round(tmp_path):
    ours, rasas = stores(tmp_path)
    await ours.save(conversation("a"))
    await rasas.save(conversation("b"))
    for sender in ("a", "b"):
        assert event_dicts(await ours.retrieve(sender)) == event_dicts(await rasas.retrieve(sender))
        assert event_dicts(await ours.retrieve_full_tracker(sender)) == event_dicts(conversation(sender))
        assert event_dicts(await rasas.retrieve_full_tracker(sender)) == event_dicts(conversation(sender))
    assert (await ours.retrieve("a")).get_slot("language") == "es"


async def test_saving_again_stores_only_the_new_events(tmp_path):
    ours, _ = stores(tmp_path)
    tracker = conversation("a")
    await ours.save(tracker)
    tracker = await ours.retrieve("a")
    tracker.update(UserUttered("gracias", timestamp=10.0))
    await ours.save(tracker)
    await ours.save(tracker)
    with sqlite3.connect(tmp_path / "tracker.db") as connection:
        rows = connection.execute("SELECT count(*) FROM events WHERE sender_id = 'a'").fetchone()[0]
    assert rows == len(conversation("a").events) + 1


async def test_loads_the_latest_session_unless_asked_for_all(tmp_path):
    ours, rasas = stores(tmp_path)
    tracker = conversation("a")
    for timestamp, event in enumerate(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        start=20,
    ):
        event.timestamp = float(timestamp)
        tracker.update(event)
    await ours.save(tracker)
    latest = await ours.retrieve("a")
    assert event_dicts(latest) == event_dicts(await rasas.retrieve("a"))
    assert len(latest.events) == 2  # from the second `session_started` on
    assert len((await ours.retrieve_full_tracker("a")).events) == len(tracker.events)


async def test_unknown_conversation_is_none(tmp_path):
    ours, _ = stores(tmp_path)
    assert await ours.retrieve("nobody") is None


def test_sqlite_runs_in_write_ahead_log_mode(tmp_path):
    ours, _ = stores(tmp_path)
    with ours.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


@pytest.mark.parametrize("sender", ["plain", "with'quote", "ñandú-🙂"])
async def test_sender_ids_are_bound_not_spliced(tmp_path, sender):
    ours, _ = stores(tmp_path)
    await ours.save(conversation(sender))
    assert (await ours.retrieve(sender)).sender_id == sender


async def test_an_erasing_turn_deletes_the_whole_conversation_and_nothing_else(tmp_path):
    ours, _ = stores(tmp_path)
    mine, other = conversation("me"), conversation("other")
    for tracker in (mine, other):
        await ours.save(tracker)
    erasing_turn = [
        UserUttered("yes", {"name": "affirm"}), ActionExecuted(ERASING_ACTION), SlotSet("language", "es"),
        BotUttered("Deleted."), Restarted(), ActionExecuted("action_listen"),
    ]
    for event in erasing_turn:
        mine.update(event)
    await ours.save(mine)
    assert await ours.retrieve("me") is None
    assert event_dicts(await ours.retrieve_full_tracker("other")) == event_dicts(other)


def test_only_a_restart_by_the_erasing_action_erases():
    assert erases_conversation([ActionExecuted(ERASING_ACTION), BotUttered("x"), Restarted()])
    assert not erases_conversation([ActionExecuted("action_restart"), Restarted()])
    assert not erases_conversation([ActionExecuted(ERASING_ACTION), ActionExecuted("action_listen"),
                                    Restarted()])
    assert not erases_conversation([ActionExecuted(ERASING_ACTION), SlotSet("language", "es")])


async def test_on_postgresql_turns_are_kept_and_an_erasure_deletes_them(postgres_url):
    url = sa.engine.make_url(postgres_url)
    store = EventLogTrackerStore(domain=DOMAIN, dialect="postgresql", host=url.host, port=url.port,
                                 db=url.database, username=url.username)
    mine = conversation("me")
    await store.save(mine)
    await store.save(conversation("other"))
    assert event_dicts(await store.retrieve_full_tracker("me")) == event_dicts(mine)
    for event in [UserUttered("yes", {"name": "affirm"}), ActionExecuted(ERASING_ACTION), Restarted()]:
        mine.update(event)
    await store.save(mine)
    assert await store.retrieve("me") is None and await store.retrieve("other") is not None

import datetime as dt
import sqlite3
from dataclasses import replace

from actions.store import Store, create_engine, handoffs
from bot.config import load_settings
from bot.tracker_store import EventLogTrackerStore
from scripts.retention import apply_retention

DAY = 86400
NOW = 1_800_000_000.0


def settings_in(tmp_path):
    return replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'app.db'}",
                   tracker_db_dialect="sqlite", tracker_db=str(tmp_path / "tracker.db"))


def stored_conversation(db_path, sender, last_seen):
    EventLogTrackerStore(dialect="sqlite", db=str(db_path))  # creates Rasa's events table
    with sqlite3.connect(db_path) as db:
        for offset in (30 * DAY, 0):
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                (sender, last_seen - offset),
            )


def test_retention_deletes_what_was_inactive_longer_than_the_period(tmp_path):
    settings = settings_in(tmp_path)
    stored_conversation(tmp_path / "tracker.db", "old", NOW - 400 * DAY)
    stored_conversation(tmp_path / "tracker.db", "recent", NOW - 10 * DAY)  # began 40 days ago
    store = Store(create_engine(settings.database_url))
    old = store.create_handoff("old", "rest", "en", "requested", {}, [])
    recent = store.create_handoff("recent", "rest", "en", "requested", {}, [])
    with store.engine.begin() as conn:
        conn.execute(handoffs.update().where(handoffs.c.reference == old).values(
            created_at=dt.datetime.utcfromtimestamp(NOW - 400 * DAY)))

    erased = apply_retention(settings, days=365, now=NOW)

    assert erased["conversations"] == 1 and erased["handoffs"] == 1
    with sqlite3.connect(tmp_path / "tracker.db") as db:
        assert db.execute("SELECT DISTINCT sender_id FROM events").fetchall() == [("recent",)]
    assert store.handoff(old) is None and store.handoff(recent)


def test_retention_before_any_conversation_is_a_no_op(tmp_path):
    erased = apply_retention(settings_in(tmp_path), days=30, now=NOW)
    assert erased == {"handoffs": 0, "handoff_activity": 0, "roadmaps": 0, "conversations": 0}

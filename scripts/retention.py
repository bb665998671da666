"""`python -m scripts.retention [--days N]`: deletes what has been inactive for N days (docs/privacy.md).

Conversations (every event in Rasa's tracker store) whose latest event is older than the cutoff;
handoffs with nothing recorded since (with their case history); plans not updated since. Run it daily:
`make retention` from cron or a systemd timer, or the CronJob in deploy/. `RETENTION_DAYS` (365) sets N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Dict

import sqlalchemy as sa

from actions.store import Store, create_engine
from bot import database
from bot.config import Settings, load_settings

_OLD_CONVERSATIONS = sa.text(
    "SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :cutoff"
)
_DELETE_EVENTS = sa.text("DELETE FROM events WHERE sender_id = :sender_id")


def tracker_engine(settings: Settings) -> sa.engine.Engine:
    from rasa.core.tracker_store import SQLTrackerStore

    url = SQLTrackerStore.get_db_url(
        settings.tracker_db_dialect, settings.tracker_db_host, settings.tracker_db_port, settings.tracker_db,
        settings.tracker_db_user, settings.tracker_db_password,
    )
    return database.create_engine(url)


def erase_old_conversations(engine: sa.engine.Engine, cutoff: float) -> int:
    """Deletes the conversations whose latest event is before `cutoff` (a Unix time); how many."""
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0  # Rasa has not stored a conversation yet
        senders = connection.execute(_OLD_CONVERSATIONS, {"cutoff": cutoff}).scalars().all()
        for sender_id in senders:
            connection.execute(_DELETE_EVENTS, {"sender_id": sender_id})
    return len(senders)


def apply_retention(settings: Settings, days: int, now: float | None = None) -> Dict[str, int]:
    cutoff = (now if now is not None else time.time()) - days * 86400
    erased = Store(create_engine(settings.database_url)).erase_inactive_since(
        dt.datetime.fromtimestamp(cutoff, dt.timezone.utc).replace(tzinfo=None)
    )
    erased["conversations"] = erase_old_conversations(tracker_engine(settings), cutoff)
    return erased


def main() -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=settings.retention_days,
                        help=f"delete what has been inactive this long (default {settings.retention_days})")
    args = parser.parse_args()
    if args.days < 1:
        parser.error("--days must be at least 1")
    erased = apply_retention(settings, args.days)
    print(f"Deleted what was inactive for {args.days} days: {erased['conversations']} conversations, "
          f"{erased['handoffs']} handoffs ({erased['handoff_activity']} case entries), "
          f"{erased['roadmaps']} plans.")


if __name__ == "__main__":
    main()

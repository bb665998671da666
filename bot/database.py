"""SQLAlchemy engines for the tracker store and the app database, with SQLite tuned for serving.

SQLAlchemy 1.4 opens a new SQLite connection for every use of a file database; closing the last one
checkpoints the write-ahead log each time, which profiling showed as a large share of a turn. Here a
pool keeps connections open, and SQLite runs in WAL mode with `synchronous=NORMAL`: a committed write
survives a crash of the process; only a power cut can lose the last few. Other databases (PostgreSQL in
production) get SQLAlchemy's defaults.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str | sa.engine.URL, **options: Any) -> sa.engine.Engine:
    url = sa.engine.make_url(url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return sa.create_engine(url, **options)
    # Servers run their queries on one event-loop thread, but tests and tools may not.
    engine = sa.create_engine(
        url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}, **options
    )
    sa.event.listen(engine, "connect", _tune_sqlite)
    return engine

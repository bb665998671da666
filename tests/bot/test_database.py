"""SQLite engines keep their connections and run in WAL mode; other URLs get SQLAlchemy's defaults."""

import sqlalchemy as sa

from bot import database


def test_sqlite_file_connections_are_pooled_and_tuned(tmp_path):
    engine = database.create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.connect() as connection:
        first = connection.connection.dbapi_connection
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is first  # not reopened per use
    assert isinstance(engine.pool, sa.pool.QueuePool)


def test_in_memory_sqlite_is_left_alone():
    engine = database.create_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"

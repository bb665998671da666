"""The migrations build exactly the tables the code defines, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from actions.store import metadata as store_metadata
from bot.sms import metadata as sms_metadata
from scripts.migrate import alembic_config
from web.accounts import metadata as accounts_metadata

METADATA = [store_metadata, accounts_metadata, sms_metadata]


def differences(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, METADATA)
    engine.dispose()
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return request.getfixturevalue("postgres_url")


def test_upgrade_builds_the_tables_in_code_and_downgrade_removes_them(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    assert differences(empty_database) == []
    command.downgrade(config, "base")
    engine = sa.create_engine(empty_database)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()

"""Alembic's environment for the app database (DATABASE_URL): `make migrate` runs it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from actions.store import metadata as store_metadata
from bot.config import load_settings
from bot.sms import metadata as sms_metadata
from web.accounts import metadata as accounts_metadata

config = context.config
target_metadata = [store_metadata, accounts_metadata, sms_metadata]


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        # SQLite alters tables by copying them ("batch" mode); PostgreSQL alters them in place.
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run_migrations()

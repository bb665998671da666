"""`python -m scripts.migrate [upgrade|current|revision -m MESSAGE]`: the app database's schema (Alembic).

`upgrade` (the default, `make migrate`) brings DATABASE_URL to the latest revision in migrations/versions;
run it before starting a new release. `revision -m "…"` writes a new revision from the difference between
the tables in code (actions.store, web.accounts, bot.sms) and the database. Development on SQLite needs
no migration: the servers create missing tables themselves.
"""

from __future__ import annotations

import argparse

from alembic import command
from alembic.config import Config

from bot.config import PROJECT_ROOT, load_settings


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", default="upgrade", choices=["upgrade", "current", "revision"])
    parser.add_argument("-m", "--message", help="what a new revision changes (with `revision`)")
    args = parser.parse_args()
    config = alembic_config(load_settings().database_url)
    if args.action == "upgrade":
        command.upgrade(config, "head")
    elif args.action == "current":
        command.current(config, verbose=True)
    else:
        if not args.message:
            parser.error("revision needs -m MESSAGE")
        command.revision(config, message=args.message, autogenerate=True)


if __name__ == "__main__":
    main()

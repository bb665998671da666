"""Fixtures shared by every test folder."""

from __future__ import annotations

import itertools

import pytest

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    from tests.postgres import TemporaryPostgres

    try:
        server = TemporaryPostgres()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """An empty PostgreSQL database of its own for each test."""
    return postgres_server.create_database(f"test_{next(_databases)}")

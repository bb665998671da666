"""A throwaway PostgreSQL server for tests: a fresh cluster in a temporary folder, no fsync (nothing
here needs to survive a crash), removed afterwards."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scripts.postgres import PostgresServer
from scripts.run import free_port


class TemporaryPostgres(PostgresServer):
    def __init__(self) -> None:
        super().__init__(Path(tempfile.mkdtemp(prefix="ihp-postgres-")), free_port(), durable=False)
        self.start()

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.directory, ignore_errors=True)

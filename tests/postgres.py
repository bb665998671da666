"""A throwaway PostgreSQL server for tests: Debian's binaries, a fresh cluster in a temporary folder,
loopback only, trust authentication, no fsync (nothing here needs to survive a crash)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.run import free_port


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: `make system-deps` installs it")
    return Path(found[-1]).parent


class TemporaryPostgres:
    def __init__(self) -> None:
        binaries = postgres_bin()
        self.directory = Path(tempfile.mkdtemp(prefix="ihp-postgres-"))
        # PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's postgres user.
        as_owner = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
            as_owner = ["runuser", "-u", "postgres", "--"]
        data = self.directory / "data"
        subprocess.run([*as_owner, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "ihp",
                        "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"], check=True, capture_output=True)
        self.port = free_port()
        self.process = subprocess.Popen(
            [*as_owner, str(binaries / "postgres"), "-D", str(data), "-p", str(self.port), "-h", "127.0.0.1",
             "-k", str(self.directory), "-c", "fsync=off", "-c", "full_page_writes=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.url = f"postgresql://ihp@127.0.0.1:{self.port}/postgres"
        deadline = time.monotonic() + 30
        while subprocess.run([str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                             capture_output=True).returncode != 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the temporary PostgreSQL server did not start")
            time.sleep(0.2)

    def create_database(self, name: str) -> str:
        """A new empty database on the server; its URL."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)

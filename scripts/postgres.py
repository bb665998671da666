"""A PostgreSQL server from Debian's binaries, in a folder of ours, on loopback (the production profile
on one machine, and the tests that need a real server)."""

from __future__ import annotations

import glob
import os
import pwd
import subprocess
import time
from pathlib import Path
from typing import List


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: `make system-deps` installs it")
    return Path(found[-1]).parent


class PostgresServer:
    """One cluster in `directory` (created on first start), user `ihp` with trust authentication over
    loopback only. PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's
    postgres user."""

    USER = "ihp"

    def __init__(self, directory: Path, port: int, durable: bool = True) -> None:
        self.directory, self.port, self.durable = Path(directory), port, durable
        self.binaries = postgres_bin()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{name}"

    def _as_owner(self) -> List[str]:
        if os.geteuid() != 0:
            return []
        owner = pwd.getpwnam("postgres")
        os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        return ["runuser", "-u", "postgres", "--"]

    def start(self, **popen: object) -> PostgresServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        as_owner = self._as_owner()
        data = self.directory / "data"
        if not (data / "PG_VERSION").exists():
            subprocess.run([*as_owner, str(self.binaries / "initdb"), "-D", str(data), "-A", "trust",
                            "-U", self.USER, "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"],
                           check=True, capture_output=True)
        settings = [] if self.durable else ["-c", "fsync=off", "-c", "full_page_writes=off"]
        self.process = subprocess.Popen(
            [*as_owner, str(self.binaries / "postgres"), "-D", str(data), "-p", str(self.port),
             "-h", "127.0.0.1", "-k", str(self.directory), *settings],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen,
        )
        deadline = time.monotonic() + 60
        while not self.ready():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"PostgreSQL did not start on port {self.port}")
            time.sleep(0.2)
        return self

    def ready(self) -> bool:
        command = [str(self.binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, capture_output=True).returncode == 0

    def create_database(self, name: str) -> str:
        """The database (created if missing); its URL."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists.scalar() is None:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.database_url(name)

    def stop(self) -> None:
        """A "fast" shutdown: open connections are closed, everything committed stays (a plain SIGTERM
        would wait for every client to disconnect, and the servers' pools never do)."""
        if self.process and self.process.poll() is None:
            subprocess.run([*self._as_owner(), str(self.binaries / "pg_ctl"), "stop", "-D",
                            str(self.directory / "data"), "-m", "fast", "-w"], capture_output=True)
            self.process.wait(timeout=60)

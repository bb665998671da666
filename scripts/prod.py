"""`make prod-up` / `make prod-down`: the production shape on this machine, all on loopback.

PostgreSQL (conversations and the app database), Redis (one lock per conversation across replicas, and
the socket.io message queue), two Rasa replicas and two action servers behind nginx, the web app, with
Debian's servers (`make system-deps`). State lives under `var/prod/`; `prod-down` stops everything and
keeps the data. The Kubernetes shape of the same thing is in deploy/ (runbook: deploy/README.md).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from bot.config import PROJECT_ROOT
from scripts.postgres import PostgresServer
from scripts.run import _wait_until_up, environment

NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"


@dataclass
class Ports:
    nginx: int = 8080
    postgres: int = 5433
    redis: int = 6380
    rasa: List[int] = field(default_factory=lambda: [5006, 5007])
    actions: List[int] = field(default_factory=lambda: [5056, 5057])
    actions_balancer: int = 5155
    web: int = 8001


class ProductionStack:
    """Starts, stops and inspects the production profile rooted at `root` (also used by the tests)."""

    def __init__(self, root: Path, ports: Ports, secrets_env: Dict[str, str] | None = None) -> None:
        self.root, self.ports = Path(root), ports
        self.run_dir = self.root / "run"
        self.postgres = PostgresServer(self.root / "postgres", ports.postgres)
        self.processes: Dict[str, subprocess.Popen] = {}
        self.env = self._environment(secrets_env or {})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.nginx}"

    def _environment(self, given: Dict[str, str]) -> Dict[str, str]:
        p = self.ports
        return environment({
            "RASA_JWT_SECRET": given.get("RASA_JWT_SECRET") or secrets.token_hex(32),
            "ACTION_SERVER_TOKEN": given.get("ACTION_SERVER_TOKEN") or secrets.token_hex(32),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{p.actions_balancer}/webhook",
            "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(p.postgres), "TRACKER_DB": "ihp_tracker",
            "TRACKER_DB_USER": PostgresServer.USER, "TRACKER_DB_PASSWORD": "",
            "DATABASE_URL": self.postgres.database_url("ihp_app"),
            "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(p.redis),
            "SOCKETIO_REDIS_URL": f"redis://127.0.0.1:{p.redis}/1",
            "WEB_PORT": str(p.web), "PUBLIC_URL": self.url, "RASA_PUBLIC_URL": self.url,
            "RASA_URL": self.url, "TRUSTED_PROXIES": "1",
            **{k: v for k, v in given.items() if k not in ("RASA_JWT_SECRET", "ACTION_SERVER_TOKEN")},
        })

    def _launch(self, name: str, command: List[str]) -> subprocess.Popen:
        log = open(self.run_dir / f"{name}.log", "a")  # noqa: SIM115 (the process keeps it)
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        (self.run_dir / f"{name}.pid").write_text(str(process.pid))
        return process

    def up(self, model: Path) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)  # Debian's postgres user walks through it to its cluster
        print("==> PostgreSQL and Redis")
        self.postgres.start(start_new_session=True)
        (self.run_dir / "postgres.pid").write_text(str(self.postgres.process.pid))
        for database in ("ihp_app", "ihp_tracker"):
            self.postgres.create_database(database)
        redis = self._launch("redis", [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.ports.redis), "--save", "",
            "--appendonly", "no", "--dir", str(self.run_dir),
        ])
        print("==> Migrations and the knowledge base")
        subprocess.run([sys.executable, "-m", "scripts.migrate"], cwd=PROJECT_ROOT, env=self.env, check=True)
        subprocess.run([sys.executable, "-m", "actions.kb", "load"], cwd=PROJECT_ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL)
        print("==> Action servers, web app, Rasa replicas (loading the model takes a minute)")
        for index, port in enumerate(self.ports.actions):
            self._launch(f"actions-{index}", [sys.executable, "-m", "actions.server", "--port", str(port)])
        self._launch("web", [sys.executable, "-m", "web.app"])
        for index, port in enumerate(self.ports.rasa):
            self._launch(f"rasa-{index}", [
                sys.executable, "-m", "bot.server", "run", "--model", str(model),
                "--endpoints", "endpoints.prod.yml", "--credentials", "credentials.yml",
                "--interface", "127.0.0.1", "--port", str(port), "--enable-api", "--cors", "*",
            ])
        self._write_nginx_config()
        config = str(self.run_dir / "nginx.conf")
        nginx = self._launch("nginx", ["nginx", "-c", config, "-p", str(self.run_dir), "-g", "daemon off;"])
        for index, port in enumerate(self.ports.actions):
            _wait_until_up(f"http://127.0.0.1:{port}/health", self.processes[f"actions-{index}"],
                           f"action server {index}", 120)
        _wait_until_up(f"http://127.0.0.1:{self.ports.web}/health", self.processes["web"], "the web app", 120)
        for index, port in enumerate(self.ports.rasa):
            _wait_until_up(f"http://127.0.0.1:{port}/", self.processes[f"rasa-{index}"], f"Rasa {index}", 300)
        _wait_until_up(f"{self.url}/version", nginx, "nginx", 30)
        if redis.poll() is not None:
            raise RuntimeError("Redis stopped; see var/prod/run/redis.log")

    def _write_nginx_config(self) -> None:
        for temp in ("nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi"):
            (self.run_dir / temp).mkdir(exist_ok=True)
        servers = lambda ports: "\n".join(  # noqa: E731
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in ports)
        text = NGINX_TEMPLATE.read_text(encoding="utf-8")
        for key, value in {"run": str(self.run_dir), "port": str(self.ports.nginx),
                           "actions_port": str(self.ports.actions_balancer), "web_port": str(self.ports.web),
                           "rasa_servers": servers(self.ports.rasa),
                           "action_servers": servers(self.ports.actions)}.items():
            text = text.replace("{" + key + "}", value)
        (self.run_dir / "nginx.conf").write_text(text, encoding="utf-8")

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash would: no clean shutdown."""
        self.processes[name].kill()
        self.processes[name].wait()

    def down(self) -> None:
        """Stops every process this stack or an earlier `prod-up` started (by its pid file)."""
        for pid_file in sorted(self.run_dir.glob("*.pid"), key=lambda p: p.stem == "postgres"):
            # PostgreSQL's "fast" shutdown (SIGINT) closes connections; its SIGTERM would wait for them.
            stop_signal = signal.SIGINT if pid_file.stem == "postgres" else signal.SIGTERM
            try:
                pid = int(pid_file.read_text())
                os.killpg(pid, stop_signal)
            except (ValueError, ProcessLookupError, PermissionError):
                pass
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.2)
            pid_file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of this process counts as gone
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down"])
    args = parser.parse_args()
    stack = ProductionStack(PROJECT_ROOT / "var" / "prod", Ports(), dict(os.environ))
    if args.action == "down":
        stack.down()
        print("Stopped. The data stays in var/prod/ (PostgreSQL).")
        return
    from scripts.train import model_path

    model = model_path()
    if not model.exists():
        raise SystemExit("error: no trained model for the current data; run `make train` first")
    try:
        stack.up(model)
    except BaseException:
        stack.down()
        raise
    print(f"""
The production profile is running (logs in var/prod/run/; `make prod-down` stops it).
  REST       POST {stack.url}/webhooks/rest/webhook   (nginx → Rasa replicas {stack.ports.rasa})
  widget     {stack.url}/demo
  console    {stack.url}/   (`DATABASE_URL={stack.env["DATABASE_URL"]} make admin …` adds staff)
  PostgreSQL 127.0.0.1:{stack.ports.postgres} (ihp_app, ihp_tracker)
  Redis      127.0.0.1:{stack.ports.redis}""")


if __name__ == "__main__":
    main()

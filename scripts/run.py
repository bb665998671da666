"""Start the whole assistant on this machine: action server, web app, then Rasa (REST + socket.io).

Prints the URLs when everything answers; Ctrl-C stops every process cleanly.
Ports and storage come from the environment (see .env.example); defaults suit one laptop.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

from bot.config import PROJECT_ROOT


@dataclass
class Stack:
    """The running processes of one assistant (also used by the end-to-end tests)."""

    rasa_port: int
    action_port: int
    web_port: int
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(overrides: Dict[str, str] | None = None) -> Dict[str, str]:
    """The environment for both servers: the caller's, with defaults for what is unset."""
    var = PROJECT_ROOT / "var"
    var.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(overrides or {})
    action_port = env.setdefault("ACTION_SERVER_PORT", "5055")
    env.setdefault("ACTION_SERVER_URL", f"http://127.0.0.1:{action_port}/webhook")
    web_port = env.setdefault("WEB_PORT", "8000")
    env.setdefault("PUBLIC_URL", f"http://localhost:{web_port}")
    env.setdefault("RASA_PUBLIC_URL", f"http://localhost:{env.get('RASA_PORT') or 5005}")
    env.setdefault("TRACKER_DB_DIALECT", "sqlite")
    env.setdefault("TRACKER_DB", str(var / "tracker.db"))
    env.setdefault("DATABASE_URL", f"sqlite:///{var / 'app.db'}")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no calls home from a closed network
    # Secrets between the servers, fresh and random unless given: the JSON Web Token secret of Rasa's
    # HTTP API (the staff console's calls) and the token Rasa sends the action server.
    env.setdefault("RASA_JWT_SECRET", secrets.token_hex(32))
    env.setdefault("ACTION_SERVER_TOKEN", secrets.token_hex(32))
    env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    return env


def isolated_environment(var: Path, overrides: Dict[str, str] | None = None) -> Dict[str, str]:
    """Free ports and databases under `var`: a stack beside `make run` (tests, benchmarks, screenshots)."""
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    return environment({
        "RASA_PORT": str(rasa_port),
        "ACTION_SERVER_PORT": str(action_port),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "WEB_PORT": str(web_port),
        "PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        "RASA_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
        "TRACKER_DB": str(var / "tracker.db"),
        "DATABASE_URL": f"sqlite:///{var / 'app.db'}",
        **(overrides or {}),
    })


def load_knowledge_base(env: Dict[str, str]) -> None:
    command = [sys.executable, "-m", "actions.kb", "load"]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def _wait_until_up(url: str, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout:.0f} s")


def start(
    model: Path,
    env: Dict[str, str],
    rasa_args: Sequence[str] = (),
    log_dir: Path | None = None,
    timeout: float = 240,
) -> Stack:
    """Starts the action server, the web app and Rasa, waits until all answer, returns the stack."""
    stack = Stack(
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=int(env["ACTION_SERVER_PORT"]),
        web_port=int(env["WEB_PORT"]),
    )

    def launch(name: str, command: List[str]) -> subprocess.Popen:
        output = open(log_dir / f"{name}.log", "w") if log_dir else None  # noqa: SIM115
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None
        )
        stack.processes.append(process)
        return process

    try:
        actions = launch(
            "actions",
            [sys.executable, "-m", "actions.server", "--port", str(stack.action_port)],
        )
        web = launch("web", [sys.executable, "-m", "web.app"])
        _wait_until_up(f"{stack.action_url}/health", actions, "the action server", timeout)
        _wait_until_up(f"{stack.web_url}/health", web, "the web app", timeout)
        server = launch(
            "rasa",
            [
                sys.executable, "-m", "bot.server", "run", "--model", str(model),
                "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                "--interface", "127.0.0.1", "--port", str(stack.rasa_port),
                "--enable-api", *rasa_args,  # authenticated with RASA_JWT_SECRET (bot.server)
            ],
        )
        # Rasa loads the model before it listens, so an answer from "/" means ready.
        _wait_until_up(stack.rasa_url, server, "the Rasa server", timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


def _stop_once(_signum: int, _frame: object) -> None:
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> None:
    from scripts.train import model_path

    model = model_path()
    if not model.exists():
        raise SystemExit("error: no trained model for the current data; run `make train` first")
    env = environment()
    print("==> Starting the action server, the web app and Rasa (loading the model takes a moment)")
    stack = start(model, env, rasa_args=["--cors", "*"])
    print(
        f"""
IHP Navigator is running.
  REST       POST {stack.rasa_url}/webhooks/rest/webhook   {{"sender": "me", "message": "hola"}}
  widget     {env['PUBLIC_URL']}/demo  (embed: {env['PUBLIC_URL']}/widget.js, socket.io at {stack.rasa_url})
  actions    {stack.action_url}/webhook
  console    {env['PUBLIC_URL']}/  (staff; `make admin EMAIL=… NAME=…` creates the first account)
  web app    {env['PUBLIC_URL']}  (printable plans: /plan/<token>)
  databases  tracker: {env['TRACKER_DB']}  app: {env['DATABASE_URL']}
Press Ctrl-C to stop."""
    )
    # Ctrl-C, or SIGTERM from a service manager or `kill`: stop every server, and let no second signal
    # cut the stopping short.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _stop_once)
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(1)
        print("error: a server stopped unexpectedly; stopping the others")
    except KeyboardInterrupt:
        print("\n==> Stopping")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

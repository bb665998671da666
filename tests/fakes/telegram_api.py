"""A local stand-in for Telegram's Bot API server (api.telegram.org is unreachable here).

Speaks the real protocol: `POST /bot<token>/<method>` with form-encoded or JSON parameters, answers
`{"ok": true, "result": ...}`, and `401 Unauthorized` for any other token. Every call is recorded.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qsl

LONG_POLL_CAP_SECONDS = 1.0  # Telegram holds getUpdates open up to `timeout`; tests need not wait 30 s
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "IHP Navigator", "username": "ihp_navigator_bot"}


class FakeTelegramAPI:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: List[Dict[str, Any]] = []
        self.pending_updates: List[Dict[str, Any]] = []  # served by getUpdates (long polling)
        self._message_ids = itertools.count(1)
        self._lock = threading.Lock()
        self._update_arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeTelegramAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def queue_update(self, update: Dict[str, Any]) -> None:
        with self._update_arrived:
            self.pending_updates.append(update)
            self._update_arrived.notify_all()

    def calls_to(self, method: str, chat_id: str | None = None) -> List[Dict[str, Any]]:
        with self._lock:
            return [c["params"] for c in self.calls if c["method"] == method
                    and (chat_id is None or str(c["params"].get("chat_id")) == chat_id)]

    def wait_for(
        self, method: str, chat_id: str, count: int = 1, timeout: float = 30
    ) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(method, chat_id)
            if len(calls) >= count:
                return calls
            time.sleep(0.05)
        calls = len(self.calls_to(method, chat_id))
        raise AssertionError(f"{method} to {chat_id}: {calls} calls, wanted {count}")

    def _result(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":  # long polling: waits for an update, at most `timeout` (capped) seconds
            offset = int(params.get("offset") or 0)
            with self._update_arrived:
                self._update_arrived.wait_for(
                    lambda: any(u["update_id"] >= offset for u in self.pending_updates),
                    timeout=min(float(params.get("timeout") or 0), LONG_POLL_CAP_SECONDS),
                )
                self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
                return list(self.pending_updates)
        if method == "sendMessage":
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params["text"],
                    "from": BOT_USER}
        return True  # answerCallbackQuery, setWebhook, deleteWebhook

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                prefix = f"/bot{fake.token}/"
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if not self.path.startswith(prefix):
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                method = self.path[len(prefix):]
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:  # form fields whose values are JSON-encoded, as python-telegram-bot sends them
                    params = {k: _json_or_text(v) for k, v in parse_qsl(body)}
                with fake._lock:
                    fake.calls.append({"method": method, "params": params})
                self._reply(200, {"ok": True, "result": fake._result(method, params)})

            def _reply(self, status: int, payload: Dict[str, Any]) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def _json_or_text(value: str) -> Any:
    """reply_markup and other objects arrive JSON-encoded; text stays text ("123" is not a number)."""
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value

"""A local stand-in for Twilio's REST API (api.twilio.com is unreachable here).

Speaks the real protocol for sending an SMS: `POST /2010-04-01/Accounts/<sid>/Messages.json`, HTTP
Basic auth with the account SID and auth token, form fields `To`, `From`, `Body`; answers 201 with a
Message resource, 401 for wrong credentials. Every accepted message is recorded.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qsl


class FakeTwilioAPI:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: List[Dict[str, str]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeTwilioAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def sent_to(self, number: str) -> List[str]:
        with self._lock:
            return [m["Body"] for m in self.messages if m.get("To") == number]

    def wait_for(self, number: str, count: int = 1, timeout: float = 30) -> List[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sent_to(number)) >= count:
                return self.sent_to(number)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.sent_to(number))} SMS to the test number, wanted {count}")

    def _handler(self) -> type:
        fake = self
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        credentials = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if self.headers.get("Authorization") != credentials:
                    return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if self.path.split("?")[0] != path:
                    return self._reply(404, {"code": 20404, "message": "Not found", "status": 404})
                fields = dict(parse_qsl(body))
                sid = f"SM{next(fake._ids):032d}"
                with fake._lock:
                    fake.messages.append(fields)
                self._reply(201, {
                    "sid": sid, "account_sid": fake.account_sid, "to": fields.get("To"),
                    "from": fields.get("From"), "body": fields.get("Body"), "status": "queued",
                    "direction": "outbound-api", "api_version": "2010-04-01",
                    "uri": f"{path[:-5]}/{sid}.json",
                })

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

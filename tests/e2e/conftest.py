"""A real assistant for the end-to-end tests: action server, web app and Rasa on free ports, temporary
databases.

The Rasa HTTP API is on with a random JWT secret so the tests can read which response the bot chose
(`utter_action`) and in which language, from the tracker's bot events.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from scripts.browser import launch_chromium
from scripts.run import isolated_environment, load_knowledge_base, start
from scripts.train import model_path
from tests.fakes.smtp_inbox import SmtpInbox
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import FakeTwilioAPI
from web.rasa_api import bearer_token


class Client:
    """Talks to the assistant the way a channel does (REST), and reads trackers for assertions."""

    def __init__(self, base_url: str, jwt_secret: str, database_url: str, tracker_db: str, web_url: str,
                 telegram: FakeTelegramAPI, telegram_secret: str, twilio: FakeTwilioAPI,
                 mail: SmtpInbox, action_url: str, log_dir: Path) -> None:
        self.base_url = base_url
        self.log_dir = log_dir  # each server's output: rasa.log, actions.log, web.log
        self.action_url = action_url
        self.mail = mail
        self.twilio = twilio
        self.telegram = telegram
        self.telegram_secret = telegram_secret
        self.web_url = web_url
        self.jwt_secret = jwt_secret
        self.database_url = database_url
        self.tracker_db = tracker_db
        self.http = requests.Session()

    def send(self, sender: str, message: Any, metadata: Dict[str, Any] | None = None) -> List[Dict]:
        body: Dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = self.http.post(f"{self.base_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def api_headers(self) -> Dict[str, str]:
        """An administrator's JSON Web Token for Rasa's HTTP API, as the staff console sends it."""
        return {"Authorization": f"Bearer {bearer_token(self.jwt_secret)}"}

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = self.http.get(
            f"{self.base_url}/conversations/{sender}/tracker", headers=self.api_headers(), timeout=30
        )
        response.raise_for_status()
        return response.json()

    def bot_events_since_last_user(self, sender: str) -> List[Dict[str, Any]]:
        events = self.tracker(sender)["events"]
        last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
        return [e for e in events[last_user:] if e["event"] == "bot"]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Client:
    model = model_path()
    if not model.exists():
        pytest.fail("no trained model for the current data: run `make train` (make test does)")
    var = tmp_path_factory.mktemp("var")
    telegram = FakeTelegramAPI(token=f"4242:{secrets.token_hex(8)}").start()
    telegram_secret = secrets.token_hex(16)
    twilio = FakeTwilioAPI("AC" + secrets.token_hex(16), secrets.token_hex(16)).start()
    mail = SmtpInbox().start()
    env = isolated_environment(var, {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_SECRET_TOKEN": telegram_secret,
        "TELEGRAM_API_URL": telegram.base_url,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_PHONE_NUMBER": "+15005550006",
        "TWILIO_API_URL": twilio.base_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "SMTP_STARTTLS": "false",
        "HANDOFF_EMAIL_TO": "case-managers@example.org",
        "REOPEN_CHECK_SECONDS": "1",
    })
    load_knowledge_base(env)
    stack = start(model, env, rasa_args=["--cors", "*"], log_dir=var)
    yield Client(stack.rasa_url, env["RASA_JWT_SECRET"], env["DATABASE_URL"], env["TRACKER_DB"],
                 stack.web_url, telegram, telegram_secret, twilio, mail, stack.action_url, var)
    stack.stop()
    telegram.stop()
    twilio.stop()
    mail.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless. Module scope: Playwright's sync API keeps an event loop running
    while it is open, which the asyncio tests of other modules cannot share."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = launch_chromium(playwright)
        except RuntimeError as error:
            pytest.fail(str(error))
        yield browser
        browser.close()


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"

import dataclasses
import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from actions.notify import SIGNATURE_HEADER, notify_staff, notify_staff_in_background
from bot.config import load_settings
from scripts.run import free_port
from tests.fakes.smtp_inbox import SmtpInbox

HANDOFF = {"reference": "H-ABC123", "language": "ar", "channel": "telegram", "reason": "requested",
           "profile": {"profession": "pharmacist", "country": "EG"}, "topics": ["visas", "English tests"],
           "conversation_id": "+15551234567"}


@pytest.fixture
def smtp():
    inbox = SmtpInbox().start()
    yield inbox
    inbox.stop()


@pytest.fixture
def webhook():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            received.append((self.headers, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks", received
    server.shutdown()


def settings(**changes):
    return dataclasses.replace(load_settings(), public_url="https://console.example.org", **changes)


def test_staff_get_an_email_with_the_reference_and_a_link_but_no_phone_number(smtp):
    notify_staff(settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_starttls=False,
                          handoff_email_to="team@example.org"), HANDOFF)
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["team@example.org"]
    text = envelope.content.decode("utf-8")
    assert "Subject: New handoff H-ABC123 (ar)" in text
    assert "https://console.example.org/cases/H-ABC123" in text and "visas, English tests" in text
    assert "5551234567" not in text


def test_the_webhook_gets_signed_json(webhook):
    url, received = webhook
    notify_staff(settings(handoff_webhook_url=url, handoff_webhook_secret="s3cret"), HANDOFF)
    [(headers, body)] = received
    assert json.loads(body)["event"] == "handoff.created" and json.loads(body)["reference"] == "H-ABC123"
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}"


def test_a_dead_mail_server_or_webhook_is_logged_and_never_raised(caplog):
    dead = free_port()
    with caplog.at_level(logging.ERROR):
        thread = notify_staff_in_background(settings(
            smtp_host="127.0.0.1", smtp_port=dead, handoff_email_to="team@example.org",
            handoff_webhook_url=f"http://127.0.0.1:{free_port()}/hooks"), HANDOFF)
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "e-mail about handoff H-ABC123 was not sent" in caplog.text
    assert "webhook for handoff H-ABC123 failed" in caplog.text


def test_nothing_is_sent_when_nothing_is_configured(smtp, webhook):
    notify_staff(settings(), HANDOFF)
    assert smtp.messages == [] and webhook[1] == []

"""The servers answer only who may call them: Rasa's HTTP API with JSON Web Tokens, the action server with
the shared secret Rasa sends."""

from __future__ import annotations

import re
import time

import jwt
import pytest
import requests

from web.rasa_api import bearer_token

pytestmark = pytest.mark.e2e


def tracker_status(assistant, conversation: str, headers=None, params=None) -> int:
    url = f"{assistant.base_url}/conversations/{conversation}/tracker"
    return requests.get(url, headers=headers or {}, params=params or {}, timeout=30).status_code


def test_rasa_api_takes_a_signed_token_only(assistant, sender):
    assistant.send(sender, "hello")
    assert tracker_status(assistant, sender, headers=assistant.api_headers()) == 200
    assert tracker_status(assistant, sender) == 401
    # Rasa's query-string token is off, whatever is passed.
    assert tracker_status(assistant, sender, params={"token": assistant.jwt_secret}) == 401
    forged = bearer_token("not-the-secret")
    assert tracker_status(assistant, sender, headers={"Authorization": f"Bearer {forged}"}) == 401
    expired = bearer_token(assistant.jwt_secret, now=time.time() - 3600)
    assert tracker_status(assistant, sender, headers={"Authorization": f"Bearer {expired}"}) == 401


def test_a_user_token_reads_its_own_conversation_only(assistant, sender):
    assistant.send(sender, "hello")
    token = jwt.encode({"user": {"username": sender, "role": "user"}}, assistant.jwt_secret, "HS256")
    headers = {"Authorization": f"Bearer {token}"}
    assert tracker_status(assistant, sender, headers=headers) == 200
    assert tracker_status(assistant, "someone-else", headers=headers) == 403


def test_action_server_refuses_calls_without_rasas_secret(assistant):
    call = {"next_action": "action_erase_data", "sender_id": "x", "tracker": {}, "domain": {}}
    assert requests.get(f"{assistant.action_url}/health", timeout=10).status_code == 200
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = requests.post(f"{assistant.action_url}/webhook", json=call, headers=headers, timeout=10)
        assert response.status_code == 401 and "tracker" not in response.text


def test_rasa_reaches_the_actions_with_its_secret(assistant, sender):
    replies = assistant.send(sender, "/request_human")
    assert [e["metadata"]["utter_action"] for e in assistant.bot_events_since_last_user(sender)] == [
        "utter_handoff_confirmed"
    ]
    assert replies


def test_the_widget_script_may_be_embedded_anywhere_and_pages_not_framed(assistant):
    script = requests.get(f"{assistant.web_url}/widget.js", timeout=30)
    assert script.headers["Access-Control-Allow-Origin"] == "*"
    assert script.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    login = requests.get(f"{assistant.web_url}/login", timeout=30)
    assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]
    # Plain HTTP, and no trusted proxy to say otherwise: no HSTS, whatever a client claims.
    claimed = requests.get(f"{assistant.web_url}/login", headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert "Strict-Transport-Security" not in claimed.headers


@pytest.fixture(scope="module")
def web_behind_a_proxy(tmp_path_factory):
    """The web app alone, told that one reverse proxy (TLS-terminating) stands in front of it."""
    import subprocess
    import sys

    from bot.config import PROJECT_ROOT
    from scripts.run import _wait_until_up, isolated_environment

    env = isolated_environment(tmp_path_factory.mktemp("proxied"), {"TRUSTED_PROXIES": "1"})
    web = subprocess.Popen([sys.executable, "-m", "web.app"], cwd=PROJECT_ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{env['WEB_PORT']}"
    try:
        _wait_until_up(f"{url}/health", web, "the web app", 60)
        yield url
    finally:
        web.terminate()
        web.wait(timeout=20)


def test_behind_a_trusted_proxy_tls_gets_hsts_and_logins_are_counted_per_real_client(web_behind_a_proxy):
    def page(client: str) -> requests.Response:
        return requests.get(f"{web_behind_a_proxy}/login", timeout=30,
                            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": client})

    assert page("203.0.113.9").headers["Strict-Transport-Security"].startswith("max-age=31536000")

    def failed_login(client: str, email: str) -> int:
        session = requests.Session()
        headers = {"X-Forwarded-For": client}
        form = session.get(f"{web_behind_a_proxy}/login", headers=headers, timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        return session.post(f"{web_behind_a_proxy}/login", headers=headers, timeout=30,
                            data={"email": email, "password": "wrong", "csrf_token": token}).status_code

    # 20 failures from one address (four e-mails, under the per-e-mail limit), then that address waits,
    # and another address behind the same proxy does not.
    assert {failed_login("198.51.100.7", f"user{i % 4}@example.org") for i in range(20)} == {401}
    assert failed_login("198.51.100.7", "someone@example.org") == 429
    assert failed_login("198.51.100.8", "someone@example.org") == 401

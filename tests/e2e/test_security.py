"""The servers answer only who may call them: Rasa's HTTP API with JSON Web Tokens, the action server with
the shared secret Rasa sends."""

from __future__ import annotations

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

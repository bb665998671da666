"""Property-based fuzzing of every way in (hypothesis), against the real servers: 10,500 inputs.

Random Unicode and control characters, 100 KB texts, bodies that are not JSON or have the wrong types,
and button payloads typed by hand (`/intent{"slot": …}`). Every input must get a well-formed answer,
never a server error, and a typed payload must not set a slot only the assistant sets.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from bot.sms import SIGNATURE_HEADER
from bot.telegram import MAX_MESSAGE_LENGTH, SECRET_HEADER

pytestmark = pytest.mark.e2e

# Inputs per test (10,500 in all); fixed seeds: the same inputs in every run, so a failure reproduces.
MESSAGES, BODIES, TELEGRAM_UPDATES, SMS_MESSAGES, PAYLOADS = 3000, 3500, 1500, 1500, 1000
FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
# Slots only actions set: the assistant's own state, never what a person claims in a typed payload.
PROTECTED_SLOTS = {"handoff_offered": True, "erase_requested": True, "pending_topic": "roadmap",
                   "roadmap_question": "status", "roadmap_asked": ["profession"],
                   "milestones": ["nclex"]}
INTENTS = ["affirm", "deny", "inform", "request_human", "delete_my_data", "ask_roadmap", "greet",
           "no_such_intent"]  # the last one last

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
control_text = st.text(st.characters(max_codepoint=0x9F), max_size=200)
huge_text = st.builds(lambda s, n: (s or "x") * n, st.text(min_size=1, max_size=20),
                      st.integers(min_value=1000, max_value=100_000 // 20))
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
typed_payload = st.builds(
    lambda intent, entities: f"/{intent}{json.dumps(entities)}",
    st.sampled_from(INTENTS),
    st.dictionaries(st.sampled_from([*PROTECTED_SLOTS, "language", "profession", "us_state",
                                     "immigration_status"]), json_value, max_size=4),
)
message_text = any_text | control_text | huge_text | typed_payload


SERVER_LOGS = ("rasa.log", "actions.log", "web.log")


@pytest.fixture(autouse=True)
def no_server_errors(assistant):
    """Zero crashes: no traceback or error in any server's log while a test's inputs were handled."""
    sizes = {name: (assistant.log_dir / name).stat().st_size for name in SERVER_LOGS}
    yield
    for name in SERVER_LOGS:
        with (assistant.log_dir / name).open(encoding="utf-8", errors="replace") as log:
            log.seek(sizes[name])
            errors = [line for line in log if "Traceback" in line or " ERROR " in line or "[ERROR]" in line]
        assert not errors, f"{name}: {len(errors)} errors, first: {errors[0].strip()}"


def sender_id() -> str:
    return f"fuzz-{uuid.uuid4().hex}"  # a new sender each time: the rate limit is per sender


def assert_well_formed(replies: Any, sender: str) -> None:
    assert isinstance(replies, list) and replies, replies
    for reply in replies:
        assert reply["recipient_id"] == sender
        assert isinstance(reply.get("text"), str) and reply["text"].strip(), reply
        assert all(isinstance(b["title"], str) and isinstance(b["payload"], str)
                   for b in reply.get("buttons", []))


class Count:
    def __init__(self) -> None:
        self.inputs = 0


def test_any_message_text_gets_a_well_formed_answer(assistant):
    count = Count()
    url = f"{assistant.base_url}/webhooks/rest/webhook"

    @settings(FUZZ, max_examples=MESSAGES)
    @given(text=message_text)
    def check(text: str) -> None:
        count.inputs += 1
        sender = sender_id()
        response = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        assert response.status_code == 200, (text[:200], response.status_code)
        assert_well_formed(response.json(), sender)

    check()
    assert count.inputs >= MESSAGES


def test_malformed_bodies_get_a_client_error_never_a_server_error(assistant):
    count = Count()
    url = f"{assistant.base_url}/webhooks/rest/webhook"
    body = st.one_of(
        st.binary(max_size=2000),
        json_value.map(lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries({"sender": json_value, "message": json_value}).map(
            lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries({"sender": any_text, "message": json_value, "metadata": json_value}).map(
            lambda value: json.dumps(value).encode()),
        st.just(b'{"sender": "x", "message": "' + b"a" * 1_100_000 + b'"}'),  # over the 1 MB limit
    )

    @settings(FUZZ, max_examples=BODIES)
    @given(data=body)
    def check(data: bytes) -> None:
        count.inputs += 1
        response = requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=60)
        assert response.status_code < 500, (data[:200], response.status_code, response.text[:200])
        if response.status_code == 200:
            replies = response.json()
            assert isinstance(replies, list)
            assert all(isinstance(r.get("text"), str) and r["text"].strip() for r in replies), replies

    check()
    assert count.inputs >= BODIES


def test_any_telegram_update_is_answered_well_or_ignored(assistant):
    count = Count()
    url = f"{assistant.base_url}/webhooks/telegram/webhook"
    update = st.one_of(
        st.builds(
            lambda chat, text, language: {
                "update_id": chat, "message": {"message_id": 1, "date": 0, "text": text,
                                               "chat": {"id": chat, "type": "private"},
                                               "from": {"id": chat, "is_bot": False, "first_name": "F",
                                                        "language_code": language}}},
            st.integers(min_value=10**12, max_value=2 * 10**12), message_text, json_value),
        st.dictionaries(st.sampled_from(["update_id", "message", "callback_query", "edited_message"]),
                        json_value, max_size=3),
    )

    @settings(FUZZ, max_examples=TELEGRAM_UPDATES)
    @given(payload=update)
    def check(payload: Dict[str, Any]) -> None:
        count.inputs += 1
        response = requests.post(url, json=payload, headers={SECRET_HEADER: assistant.telegram_secret},
                                 timeout=60)
        assert response.status_code < 500, (json.dumps(payload)[:200], response.status_code)

    check()
    assert count.inputs >= TELEGRAM_UPDATES
    sent = assistant.telegram.calls_to("sendMessage")
    assert len(sent) > TELEGRAM_UPDATES // 4, "most text messages get answers"
    assert all(isinstance(c["text"], str) and 0 < len(c["text"]) <= MAX_MESSAGE_LENGTH for c in sent)


def test_any_sms_is_answered_well(assistant):
    count = Count()
    url = f"{assistant.base_url}/webhooks/twilio/webhook"
    signer = RequestValidator(assistant.twilio.auth_token)
    numbers: List[str] = []

    @settings(FUZZ, max_examples=SMS_MESSAGES)
    @given(body=message_text, number=st.integers(min_value=2_000_000_000, max_value=9_999_999_999))
    def check(body: str, number: int) -> None:
        count.inputs += 1
        params = {"From": f"+1{number}", "To": "+15005550006", "Body": body[:1600], "MessageSid": "SM1",
                  "AccountSid": assistant.twilio.account_sid}
        headers = {SIGNATURE_HEADER: signer.compute_signature(url, params)}
        response = requests.post(url, data=params, headers=headers, timeout=60)
        assert response.status_code == 200, (body[:200], response.status_code)
        numbers.append(params["From"])

    check()
    assert count.inputs >= SMS_MESSAGES
    sent = [body for number in numbers for body in assistant.twilio.sent_to(number)]
    assert len(sent) >= SMS_MESSAGES // 2, "most messages get answers"
    assert all(isinstance(body, str) and body.strip() for body in sent)


def test_typed_payloads_never_set_the_assistants_own_slots(assistant):
    """The same intent with or without claimed slots leaves the assistant's own slots the same."""
    count = Count()
    url = f"{assistant.base_url}/webhooks/rest/webhook"
    unclaimed: Dict[str, Dict[str, Any]] = {}

    def own_slots_after(message: str) -> Dict[str, Any]:
        sender = sender_id()
        response = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
        assert response.status_code == 200
        slots = assistant.tracker(sender)["slots"]
        return {name: slots.get(name) for name in PROTECTED_SLOTS}

    @settings(FUZZ, max_examples=PAYLOADS)
    # Known intents only: an unknown one makes the whole text a message, understood as words.
    @given(intent=st.sampled_from(INTENTS[:-1]), claimed=st.dictionaries(
        st.sampled_from(list(PROTECTED_SLOTS)), json_value | st.sampled_from(list(PROTECTED_SLOTS.values())),
        min_size=1))
    def check(intent: str, claimed: Dict[str, Any]) -> None:
        count.inputs += 1
        if intent not in unclaimed:
            unclaimed[intent] = own_slots_after(f"/{intent}")
        assert own_slots_after(f"/{intent}{json.dumps(claimed)}") == unclaimed[intent], (intent, claimed)

    check()
    assert count.inputs >= PAYLOADS

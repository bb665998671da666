"""SMS end to end: the real Rasa server, Twilio's SDK, and a local fake of Twilio's REST API
(tests/fakes/twilio_api.py) that records every SMS the assistant sends."""

from __future__ import annotations

import itertools
import re
from typing import Dict, List

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.sms import SIGNATURE_HEADER, gsm7_stand_ins, is_gsm7, message_capacity, sms_units
from tests.e2e.test_telegram import first_topic

pytestmark = pytest.mark.e2e

_numbers = itertools.count(1)


def phone() -> str:
    return f"+1555{next(_numbers):07d}"


def unlabelled(parts: List[str]) -> List[str]:
    """The SMS without their "(2/3) " order labels."""
    return [re.sub(r"^\(\d+/\d+\) ", "", part) for part in parts]


def text_sms(assistant, sender: str, body: str, signed: bool = True) -> requests.Response:
    url = f"{assistant.base_url}/webhooks/twilio/webhook"
    params: Dict[str, str] = {"From": sender, "To": "+15005550006", "Body": body, "MessageSid": "SM1",
                              "AccountSid": assistant.twilio.account_sid}
    signer = RequestValidator(assistant.twilio.auth_token if signed else "not-the-token")
    headers = {SIGNATURE_HEADER: signer.compute_signature(url, params)}
    return requests.post(url, data=params, headers=headers, timeout=60)


def test_an_incorrectly_signed_request_is_refused_and_nothing_is_processed(assistant):
    sender = phone()
    assert text_sms(assistant, sender, "hello", signed=False).status_code == 403
    assert assistant.twilio.sent_to(sender) == []
    assert all(e["event"] != "user" for e in assistant.tracker(sender)["events"] or [])


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_question_is_answered_by_sms_in_its_language_within_segment_limits(assistant, language):
    sender = phone()
    turn = first_topic(language)
    assert text_sms(assistant, sender, turn["say"]).status_code == 200
    sent = assistant.twilio.wait_for(sender)
    event = assistant.bot_events_since_last_user(sender)[-1]
    expected = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
    assert (event["metadata"]["utter_action"] in expected, event["metadata"]["language"]) == (True, language)
    assert gsm7_stand_ins(event["text"]).split("\n\n")[0].split(" ")[0] in sent[0]
    assert len(sent) <= 3 and all(sms_units(m, is_gsm7(m)) <= message_capacity(m) for m in sent)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_buttons_become_numbered_options_and_a_number_chooses_one(assistant, language):
    sender = phone()
    text_sms(assistant, sender, first_topic(language)["say"])  # the conversation is now in `language`
    before = len(assistant.twilio.wait_for(sender))
    text_sms(assistant, sender, "HELP")
    assistant.twilio.wait_for(sender, before + 1)
    menu = "\n".join(unlabelled(assistant.twilio.sent_to(sender)[before:]))  # one to three SMS
    instruction = Catalogs.load(load_settings().locales_dir).get(language, "sms.reply_with_number")
    assert "\n1. " in menu and "\n2. " in menu and menu.endswith(instruction)
    assert assistant.bot_events_since_last_user(sender)[-1]["metadata"]["language"] == language
    text_sms(assistant, sender, "1")
    user = [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert user["text"].startswith("/") and user["text"] != "1"  # the first option's payload


def test_stop_silences_the_number_until_start(assistant):
    sender = phone()
    text_sms(assistant, sender, "hello")
    before = len(assistant.twilio.wait_for(sender))
    assert text_sms(assistant, sender, "STOP").status_code == 200
    text_sms(assistant, sender, "what is the NCLEX?")
    assert len(assistant.twilio.sent_to(sender)) == before
    text_sms(assistant, sender, "START")
    assert len(assistant.twilio.wait_for(sender, before + 1)) > before
    assert assistant.bot_events_since_last_user(sender)[-1]["metadata"]["utter_action"] == "utter_greet"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_physicians_plan_arrives_whole_in_numbered_sms(assistant, language):
    """The longest plan (physician, California: state note and programs too) through the real server:
    nothing cut, every SMS labelled in order and within its segments, the printable link last."""
    sender = phone()
    for body in (
        f'/change_language{{"requested_language":"{language}"}}',
        "/ask_roadmap",
        '/inform{"profession":"physician"}',
        "/skip",
        '/inform{"us_state":"CA"}',
        '/inform{"immigration_status":"no_status"}',
    ):
        assert text_sms(assistant, sender, body).status_code == 200  # answered before the webhook returns
    before = len(assistant.twilio.sent_to(sender))
    text_sms(assistant, sender, "/deny")  # nothing done yet: the plan
    events = assistant.bot_events_since_last_user(sender)
    assert [e["metadata"]["utter_action"] for e in events][:1] == ["utter_roadmap"]
    sent = assistant.twilio.wait_for(sender, before + len(events))
    received = " ".join(" ".join(unlabelled(sent[before:])).split())
    for event in events:
        assert " ".join(gsm7_stand_ins(event["text"]).split()) in received, event["metadata"]["utter_action"]
    assert all(sms_units(m, is_gsm7(m)) <= message_capacity(m) for m in sent[before:])
    plan_parts = [m for m in sent[before:] if re.match(r"\(\d+/\d+\) ", m)]
    assert len(plan_parts) >= 2 and "/plan/" in sent[-1]

"""The Telegram channel end to end: the real Rasa server, python-telegram-bot, and a local fake of
Telegram's Bot API (tests/fakes/telegram_api.py) that records what the bot sends."""

from __future__ import annotations

import itertools
from typing import Any, Dict

import pytest
import requests

from bot.languages import SUPPORTED_LANGUAGES
from bot.telegram import SECRET_HEADER
from tests.e2e.test_conversations import SCRIPTS, load

pytestmark = pytest.mark.e2e

_ids = itertools.count(1)


def chat_id() -> int:
    return 900_000_000 + next(_ids)


def post(assistant, update: Dict[str, Any], secret: str | None = "right") -> requests.Response:
    headers = {SECRET_HEADER: assistant.telegram_secret if secret == "right" else secret} if secret else {}
    return requests.post(f"{assistant.base_url}/webhooks/telegram/webhook", json=update, headers=headers,
                         timeout=60)


def text_update(chat: int, text: str, language_code: str | None) -> Dict[str, Any]:
    sender = {"id": chat, "is_bot": False, "first_name": "Test"}
    if language_code:
        sender["language_code"] = language_code
    return {"update_id": next(_ids), "message": {"message_id": next(_ids), "date": 0, "text": text,
                                                 "chat": {"id": chat, "type": "private"}, "from": sender}}


def last_bot_event(assistant, chat: int) -> Dict[str, Any]:
    return assistant.bot_events_since_last_user(str(chat))[-1]


def first_topic(language: str) -> Dict[str, Any]:
    [script] = [load(p) for p in SCRIPTS if load(p)["language"] == language]
    return script["topics"][0]


@pytest.mark.parametrize("secret", [None, "wrong"])
def test_a_wrong_or_missing_secret_token_is_refused_and_nothing_is_processed(assistant, secret):
    chat = chat_id()
    assert post(assistant, text_update(chat, "hello", "en"), secret=secret).status_code == 403
    assert assistant.tracker(str(chat))["events"] in ([], None) or all(
        e["event"] != "user" for e in assistant.tracker(str(chat))["events"])
    assert assistant.telegram.calls_to("sendMessage", str(chat)) == []


def test_a_body_that_is_not_an_update_is_rejected(assistant):
    response = requests.post(f"{assistant.base_url}/webhooks/telegram/webhook", data="not json",
                             headers={SECRET_HEADER: assistant.telegram_secret}, timeout=30)
    assert response.status_code == 400


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_question_is_answered_in_its_language_through_the_bot_api(assistant, language):
    chat = chat_id()
    turn = first_topic(language)
    assert post(assistant, text_update(chat, turn["say"], None)).status_code == 200
    sent = assistant.telegram.wait_for("sendMessage", str(chat))
    event = last_bot_event(assistant, chat)
    expected = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
    assert event["metadata"]["utter_action"] in expected
    assert event["metadata"]["language"] == language
    delivered = "\n\n".join(call["text"] for call in sent)
    assert event["text"].split("\n\n")[0].strip() in delivered


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_start_greets_in_the_language_of_the_telegram_app(assistant, language):
    chat = chat_id()
    assert post(assistant, text_update(chat, "/start", language)).status_code == 200
    assistant.telegram.wait_for("sendMessage", str(chat))
    event = last_bot_event(assistant, chat)
    assert (event["metadata"]["utter_action"], event["metadata"]["language"]) == ("utter_greet", language)


def test_the_language_menu_is_an_inline_keyboard_and_a_press_switches_the_language(assistant):
    chat = chat_id()
    post(assistant, text_update(chat, "/language", "en"))
    [menu] = [c for c in assistant.telegram.wait_for("sendMessage", str(chat)) if c.get("reply_markup")]
    buttons = [row[0] for row in menu["reply_markup"]["inline_keyboard"]]
    [spanish] = [b for b in buttons if b["text"] == "Español"]
    assert len(buttons) == len(SUPPORTED_LANGUAGES)

    press = {"update_id": next(_ids), "callback_query": {
        "id": "press-1", "chat_instance": "c", "data": spanish["callback_data"],
        "from": {"id": chat, "is_bot": False, "first_name": "Test", "language_code": "en"},
        "message": {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "menu"}}}
    assert post(assistant, press).status_code == 200
    answered = assistant.telegram.calls_to("answerCallbackQuery")
    assert any(call.get("callback_query_id") == "press-1" for call in answered)
    assert last_bot_event(assistant, chat)["metadata"]["language"] == "es"

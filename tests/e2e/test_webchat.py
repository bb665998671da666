"""The widget's socket.io channel end to end (bot/webchat.py), with python-socketio's own client."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List

import pytest
import requests
import socketio

from bot.catalog import RIGHT_TO_LEFT
from bot.languages import SUPPORTED_LANGUAGES
from tests.e2e.test_conversations import SCRIPTS, load

pytestmark = pytest.mark.e2e
TIMEOUT = 60


class WidgetUser:
    """One browser tab's socket.io connection, recording every event the server sends."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: Dict[str, asyncio.Queue] = {}
        for name in ("session_confirm", "session_history", "bot_uttered", "bot_typing"):
            self.events[name] = asyncio.Queue()
            self.client.on(name, self._recorder(name))
        self.session_id: str | None = None

    def _recorder(self, name: str):
        async def record(data: Any = None) -> None:
            await self.events[name].put(data)
        return record

    async def open(self, session_id: str | None = None) -> str:
        # long polling: engineio's websocket client needs a newer aiohttp than Rasa allows (the browser
        # tests use websockets)
        await self.client.connect(self.url, transports=["polling"], wait_timeout=TIMEOUT)
        await self.client.emit("session_request", {"session_id": session_id})
        self.session_id = await self.next("session_confirm")
        return self.session_id

    async def next(self, name: str, timeout: float = TIMEOUT) -> Any:
        return await asyncio.wait_for(self.events[name].get(), timeout)

    async def say(self, text: str, language: str | None = None) -> None:
        data: Dict[str, Any] = {"message": text, "session_id": self.session_id}
        if language:
            data["metadata"] = {"language": language}
        await self.client.emit("user_uttered", data)

    async def answer(self) -> List[Dict[str, Any]]:
        """Every bot message of one turn: those that arrive before the typing indicator goes off."""
        assert await self.next("bot_typing") == {"typing": True}
        assert await self.next("bot_typing") == {"typing": False}
        messages = []
        while not self.events["bot_uttered"].empty():
            messages.append(self.events["bot_uttered"].get_nowait())
        return messages

    async def close(self) -> None:
        await self.client.disconnect()
        await self.client.wait()  # lets the polling tasks end before the event loop closes


def first_topic(language: str) -> Dict[str, Any]:
    [script] = [load(p) for p in SCRIPTS if load(p)["language"] == language]
    return script["topics"][0]


@pytest.fixture
async def user(assistant):
    widget = WidgetUser(assistant.base_url)
    yield widget
    await widget.close()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_a_question_is_answered_in_its_language_with_its_direction(assistant, user, language):
    turn = first_topic(language)
    session = await user.open()
    await user.say(turn["say"])
    messages = await user.answer()
    assert messages, "no bot_uttered before the typing indicator went off"
    events = assistant.bot_events_since_last_user(session)
    expected = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
    assert events[0]["metadata"]["utter_action"] in expected
    assert [m["text"] for m in messages] == [e["text"] for e in events]  # whole, not cut at blank lines
    assert all(m["language"] == language for m in messages)
    assert all(m["direction"] == ("rtl" if language in RIGHT_TO_LEFT else "ltr") for m in messages)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_a_new_session_is_greeted_in_the_pages_language(assistant, user, language):
    session = await user.open()
    await user.say("/greet", language=language)
    [greeting] = await user.answer()
    event = assistant.bot_events_since_last_user(session)[-1]
    assert event["metadata"]["utter_action"] == "utter_greet"
    assert greeting["language"] == language and greeting["text"] == event["text"]


async def test_a_reload_gets_the_conversation_back_with_pressed_buttons_shown_by_title(assistant):
    first = WidgetUser(assistant.base_url)
    session = await first.open()
    await first.say("/change_language")
    [menu] = await first.answer()
    espanol = next(r for r in menu["quick_replies"] if r["title"] == "Español")
    await first.say(espanol["payload"])
    [confirmation] = await first.answer()
    await first.close()

    again = WidgetUser(assistant.base_url)
    assert await again.open(session) == session
    history = await again.next("session_history")
    await again.close()
    assert [(m["sender"], m["text"]) for m in history] == [
        ("user", "/change_language"), ("bot", menu["text"]),
        ("user", "Español"), ("bot", confirmation["text"]),
    ]
    assert "quick_replies" not in history[1]  # answered: only the last message keeps its buttons
    assert history[-1]["language"] == "es"


async def test_an_unknown_or_forged_session_id_gets_a_new_session(assistant, user):
    forged = "../../etc/passwd"
    session = await user.open(forged)
    assert session != forged and len(session) == 32
    assert user.events["session_history"].empty()


async def test_malformed_events_are_ignored_and_the_connection_keeps_working(assistant, user):
    session = await user.open()
    for bad in ("just a string", {"message": 42, "session_id": session}, {"message": "hi"},
                {"message": "hi", "session_id": "not-a-session"}, None, ["list"]):
        await user.client.emit("user_uttered", bad)
    await user.client.emit("session_request", "not a dict")
    assert await user.next("session_confirm") != session  # a fresh session for a garbled request
    await user.say("hello")
    assert await user.answer()
    user_events = [e for e in assistant.tracker(session)["events"] if e["event"] == "user"]
    assert [e["text"] for e in user_events] == ["hello"]


async def test_a_message_pushed_from_outside_a_turn_arrives_live(assistant, user):
    """The path a case manager's reply takes: Rasa's API with the widget's output channel."""
    session = await user.open()
    await user.say("hello")
    await user.answer()
    response = requests.post(
        f"{assistant.base_url}/conversations/{session}/execute",
        params={"output_channel": "socketio"}, headers=assistant.api_headers(),
        json={"name": "utter_greet"}, timeout=TIMEOUT,
    )
    assert response.status_code == 200
    message = await user.next("bot_uttered")
    bot_events = [e for e in assistant.tracker(session)["events"] if e["event"] == "bot"]
    assert message["text"] == bot_events[-1]["text"] and message["language"] == "en"


async def test_sessions_do_not_see_each_others_messages(assistant):
    alice, bob = WidgetUser(assistant.base_url), WidgetUser(assistant.base_url)
    await alice.open(uuid.uuid4().hex)
    await bob.open()
    await alice.say("hola")
    assert await alice.answer()
    await asyncio.sleep(0.5)
    assert bob.events["bot_uttered"].empty() and bob.events["bot_typing"].empty()
    await alice.close()
    await bob.close()

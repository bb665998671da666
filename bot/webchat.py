"""The web widget's channel: socket.io with sessions that survive a page reload.

Rasa's socket.io protocol (`session_request` → `session_confirm`, `user_uttered`, `bot_uttered`), which
any Rasa-compatible client speaks, plus what the widget needs:
- one `bot_uttered` per response with its text, quick replies, language and direction (Rasa's own channel
  splits text at blank lines and drops the language);
- `session_history` after `session_request` with a known session: the conversation so far, from the
  tracker store, so a reload shows it again;
- `bot_typing` while a message is being answered;
- the page's language (`metadata.language`) as a hint for the first answers.
Malformed events are ignored and logged without their content.

Rasa 3.6's own socket.io channel calls `enter_room` without `await`, which python-socketio 5.10 made a
coroutine; this one works with both (the pin below 5.10 in requirements/constraints.txt is for Rasa's).
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from socketio import AsyncRedisManager, AsyncServer

from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[0-9a-f]{32}")
HISTORY_LENGTH = 60  # messages shown again after a reload
CHANNEL_NAME = "socketio"


def widget_message(message: Dict[str, Any]) -> Dict[str, Any]:
    """A rendered response (bot.renderer) as the widget shows it."""
    shown: Dict[str, Any] = {"text": message.get("text") or ""}
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if buttons:
        shown["quick_replies"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons if isinstance(b, dict)
        ]
    for key in ("language", "direction"):
        if isinstance(message.get(key), str):
            shown[key] = message[key]
    if message.get("sender") == "staff":  # a case manager's reply, from the console
        shown["sender"] = "staff"
    return shown


def conversation_history(events: Iterable[Dict[str, Any]], limit: int = HISTORY_LENGTH) -> List[Dict]:
    """User and bot messages of a tracker's events, oldest first, as the widget shows them.

    A pressed button is stored as its payload ("/choose_language{…}"): it is shown as the title the
    person pressed. Only the last message keeps its quick replies: older ones were answered.
    """
    history: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            history.append({"sender": "user", "text": offered.get(text, text)})
            offered = {}
        elif kind == "bot":
            data = {**(event.get("metadata") or {}), **(event.get("data") or {})}
            shown = widget_message({**data, "text": event.get("text")})
            offered = {r["payload"]: r["title"] for r in shown.get("quick_replies", [])}
            history.append({"sender": "bot", **shown})  # "sender" stays "staff" for a case manager
        elif kind == "session_started":
            offered = {}
    history = history[-limit:]
    for message in history[:-1]:
        message.pop("quick_replies", None)
    return history


def valid_session_id(value: Any) -> str | None:
    return value if isinstance(value, str) and SESSION_ID.fullmatch(value) else None


def language_hint(metadata: Any) -> Dict[str, str]:
    """Only the page's language passes from the client's metadata, and only a supported one."""
    language = metadata.get("language") if isinstance(metadata, dict) else None
    return {"language": language} if language in SUPPORTED_LANGUAGES else {}


class WebChatOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    async def _emit(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, widget_message(message), room=recipient_id)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        if message.get("text") or message.get("buttons") or message.get("quick_replies"):
            await self._emit(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self._emit(recipient_id, {"text": text, "buttons": buttons})


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(self, user_message_evt: str, bot_message_evt: str, socketio_path: str) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.sio: AsyncServer | None = None
        self.app: Sanic | None = None

    def get_output_channel(self) -> OutputChannel | None:
        # For messages sent from outside a conversation turn (a case manager's reply).
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Origins are not restricted: the widget is embedded on partner sites, and it carries no
        # credentials but its random session id (CORS for polling comes from `rasa run --cors`).
        # With several Rasa replicas, their emits go through Redis: a case manager's reply sent through
        # one replica reaches a person connected to another.
        redis_url = load_settings().socketio_redis_url
        manager = AsyncRedisManager(redis_url) if redis_url else None
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager)
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "webchat", __name__)

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self.app = app

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok"})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            requested = valid_session_id(data.get("session_id") if isinstance(data, dict) else None)
            session_id = requested or uuid.uuid4().hex
            joined = sio.enter_room(sid, session_id)
            if inspect.isawaitable(joined):  # python-socketio ≥ 5.10
                await joined
            await sio.emit("session_confirm", session_id, room=sid)
            if requested:
                await sio.emit("session_history", await self._history(session_id), room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            session_id = valid_session_id(data.get("session_id") if isinstance(data, dict) else None)
            text = data.get("message") if isinstance(data, dict) else None
            if session_id is None or not isinstance(text, str):
                logger.warning("Ignored a malformed %s event from a widget", self.user_message_evt)
                return
            await sio.emit("bot_typing", {"typing": True}, room=session_id)
            try:
                await on_new_message(UserMessage(
                    text, WebChatOutput(sio, self.bot_message_evt), session_id,
                    input_channel=self.name(), metadata=language_hint(data.get("metadata")),
                ))
            finally:
                await sio.emit("bot_typing", {"typing": False}, room=session_id)

        return blueprint

    async def _history(self, session_id: str) -> List[Dict[str, Any]]:
        agent = getattr(getattr(self.app, "ctx", None), "agent", None) if self.app else None
        if agent is None or agent.tracker_store is None:
            return []
        try:
            tracker = await agent.tracker_store.retrieve(session_id)
        except Exception:  # noqa: BLE001 - a database fault must not break the connection
            logger.exception("Could not read a widget conversation's history")
            return []
        return conversation_history(e.as_dict() for e in tracker.events) if tracker else []

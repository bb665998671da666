"""Rasa's REST channel, plus what was said to the person while they were away.

REST has no push: a case manager's reply (or the notice that one joined or closed the case) is added
to the conversation by the console, and the person sees it in the answer to their next message, before
anything else. Same URL (`/webhooks/rest/webhook`) and same body as Rasa's channel.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterable, List

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic


def messages_pushed_before_the_latest(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Bot messages added between the person's previous turn and their latest message, oldest first.

    Within a turn every bot message follows an action; messages added from outside (the console)
    follow the turn's last `action_listen` or, while the bot is paused, the person's own message.
    """
    events = list(events)
    latest = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if latest is None:
        return []
    pushed = []
    for event in reversed(events[:latest]):
        if event.get("event") in ("action", "user"):
            break
        if event.get("event") == "bot" and event.get("text"):
            pushed.append(event)
    return list(reversed(pushed))


class RestWithPendingInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        app_holder: Dict[str, Sanic] = {}

        async def handle_then_add_pending(message: UserMessage) -> None:
            await on_new_message(message)
            app = app_holder.get("app")
            agent = getattr(app.ctx, "agent", None) if app else None
            collected = getattr(message.output_channel, "messages", None)
            if agent is None or not isinstance(collected, list):  # a streamed answer is already gone
                return
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            if tracker is None:
                return
            pending = messages_pushed_before_the_latest(e.as_dict() for e in tracker.events)
            collected[:0] = [
                {"recipient_id": message.sender_id, "text": e["text"],
                 **({"sender": "staff"} if (e.get("metadata") or {}).get("sender") == "staff" else {})}
                for e in pending
            ]

        blueprint = super().blueprint(handle_then_add_pending)

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            app_holder["app"] = app

        return blueprint

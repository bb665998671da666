"""Rasa's REST channel, plus what was said to the person while they were away.

REST has no push: a case manager's reply (or the notice that one joined or closed the case) is added
to the conversation by the console, and the person sees it in the answer to their next message, before
anything else. Same URL (`/webhooks/rest/webhook`) and same body as Rasa's channel, checked first: a
body that is not `{"sender": text, "message": text, "metadata": object}` gets a 400, not Rasa's 500.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterable, List

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

MAX_SENDER_LENGTH = 255  # the longest conversation id the databases keep


def body_problem(request: Request) -> str | None:
    """What is wrong with a webhook body, if anything (nothing about its content is logged)."""
    try:
        body = request.json
    except InvalidUsage:
        return "the body is not JSON"
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        return f"'sender' must be a non-empty string of at most {MAX_SENDER_LENGTH} characters"
    if not isinstance(message, str):
        return "'message' must be a string"
    if not isinstance(body.get("metadata", {}), (dict, type(None))):
        return "'metadata' must be an object"
    return None


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

        @blueprint.middleware("request")
        async def reject_malformed_bodies(request: Request) -> Any:
            if request.method == "POST":
                problem = body_problem(request)
                if problem:
                    return response.json({"error": problem}, status=400)
            return None

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            app_holder["app"] = app

        return blueprint

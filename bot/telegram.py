"""Telegram channel on python-telegram-bot (Rasa's own connector uses aiogram 2.15, unmaintained).

Updates arrive at `/webhooks/telegram/webhook`, verified with Telegram's secret-token header; replies
go out through the async `telegram.Bot` on Rasa's event loop. Buttons become inline keyboards, a
button press (callback query) is answered and its payload processed like a typed message, messages
over Telegram's limit are split at paragraph, line or word boundaries, and the user's
`language_code` travels as the conversation's language hint. `/start`, `/help` and `/language` are
Telegram's commands for greeting, help and the language menu.

The channel is off while `TELEGRAM_BOT_TOKEN` or `TELEGRAM_SECRET_TOKEN` is unset: the webhook
answers 503 and the rest of the assistant runs as usual.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import load_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4096  # Telegram's limit for one message's text
MAX_CALLBACK_DATA_BYTES = 64  # Telegram's limit for an inline button's callback_data
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram commands → the intents they stand for (a payload, so no language is needed).
COMMANDS = {"/start": "/greet", "/help": "/help", "/language": "/change_language"}


@dataclass
class Incoming:
    """What the assistant needs from a Telegram update."""

    chat_id: str
    text: str
    language_code: str | None
    callback_query_id: str | None = None


def parse_update(update: Dict[str, Any]) -> Incoming | None:
    """A message or button press from a Telegram update; None for updates we do not handle."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        message = callback.get("message") or {}
        chat = message.get("chat") or {}
        data = callback.get("data")
        if chat.get("id") is None or not isinstance(data, str):
            return None
        return Incoming(str(chat["id"]), data, (callback.get("from") or {}).get("language_code"),
                        str(callback.get("id")))
    message = update.get("message") or update.get("edited_message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") or {}
    text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
    if chat.get("id") is None or not isinstance(text, str):
        return None
    return Incoming(str(chat["id"]), command_payload(text), (message.get("from") or {}).get("language_code"))


def command_payload(text: str) -> str:
    """`/start`, `/help@IhpBot`, `/start campaign-1` → the intent payload; anything else unchanged."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    command = stripped.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return COMMANDS.get(command, text)


def split_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> List[str]:
    """Parts of at most `limit` characters, cut at a paragraph, line or word boundary when possible."""
    parts: List[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0)
        if cut <= 0:
            cut = limit  # one unbroken word longer than a message: cut it
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def inline_keyboard(buttons: List[Dict[str, Any]]) -> List[List[Dict[str, str]]]:
    """One button per row (titles in any language fit a phone); links open, payloads call back."""
    rows = []
    for button in buttons:
        title = str(button.get("title", ""))
        payload = str(button.get("payload", ""))
        if button.get("type") == "web_url" or button.get("url"):
            rows.append([{"text": title, "url": str(button.get("url") or payload)}])
        elif len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            rows.append([{"text": title, "callback_data": payload}])
        else:  # Telegram refuses longer callback data; the title typed back is understood instead
            rows.append([{"text": title, "callback_data": title.encode("utf-8")[:MAX_CALLBACK_DATA_BYTES]
                          .decode("utf-8", "ignore")}])
    return rows


class TelegramOutput(OutputChannel):
    """Sends the assistant's messages through the Bot API; a failure is logged, never raised."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def _send(
        self, chat_id: str, text: str, keyboard: List[List[Dict[str, str]]] | None = None
    ) -> None:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup
        from telegram.error import TelegramError

        parts = split_message(text) or [""]
        for index, part in enumerate(parts):
            markup = None
            if keyboard and index == len(parts) - 1:
                markup = InlineKeyboardMarkup([[InlineKeyboardButton(**b) for b in row] for row in keyboard])
            try:
                await self.bot.send_message(chat_id=chat_id, text=part, reply_markup=markup)
            except TelegramError as error:
                logger.error(f"Telegram did not take a message ({type(error).__name__}: {error})")
                return

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self._send(recipient_id, text, inline_keyboard(buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, image)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self._send(recipient_id, attachment)


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        settings = load_settings()
        return cls(settings.telegram_bot_token, settings.telegram_secret_token, settings.telegram_api_url)

    def __init__(self, token: str | None, secret: str | None, api_url: str) -> None:
        self.token = token
        self.secret = secret
        self.api_url = api_url
        self._bot: Any = None

    @property
    def enabled(self) -> bool:
        return bool(self.token and self.secret)

    @property
    def bot(self) -> Any:
        # Created on first use, inside Rasa's event loop.
        if self._bot is None:
            from telegram import Bot

            self._bot = Bot(self.token, base_url=self.api_url)
        return self._bot

    def get_output_channel(self) -> OutputChannel | None:
        return TelegramOutput(self.bot) if self.enabled else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "Telegram is off: set TELEGRAM_BOT_TOKEN and "
                                      "TELEGRAM_SECRET_TOKEN"}, status=503)
            if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret or ""):
                return response.json({"error": "wrong or missing secret token"}, status=403)
            try:
                update = request.json
            except Exception:  # Sanic raises its own error type for a body that is not JSON
                update = None
            if not isinstance(update, dict):
                return response.json({"error": "the body must be a Telegram Update object"}, status=400)
            incoming = parse_update(update)
            if incoming is None:
                return response.text("ok")  # a kind of update we do not handle: acknowledged, ignored
            if incoming.callback_query_id:
                await self._answer_callback(incoming.callback_query_id)
            metadata = {"language": incoming.language_code} if incoming.language_code else None
            try:
                await on_new_message(
                    UserMessage(incoming.text, TelegramOutput(self.bot), incoming.chat_id,
                                input_channel=self.name(), metadata=metadata)
                )
            except Exception as error:  # Telegram would redeliver the update again and again on a 500
                logger.error(f"A Telegram update could not be processed ({type(error).__name__})")
            return response.text("ok")

        return webhook

    async def _answer_callback(self, callback_query_id: str) -> None:
        from telegram.error import TelegramError

        try:  # stops the button's loading spinner in the person's app
            await self.bot.answer_callback_query(callback_query_id)
        except TelegramError as error:
            logger.warning(f"Telegram did not take a callback answer ({type(error).__name__})")

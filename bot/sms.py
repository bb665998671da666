"""SMS through Twilio: webhook at `/webhooks/twilio/webhook`, replies through Twilio's REST API.

Every request must carry a valid `X-Twilio-Signature` (Twilio's RequestValidator; anything else gets
403 and is not processed). Buttons become numbered options and a reply of just that number stands
for the button; messages are cut at word boundaries to fit a few SMS segments (160 GSM-7 or 70 UCS-2
characters each, so Arabic, Persian, Cyrillic and Chinese get shorter parts), labelled "(1/3)" in order,
and a plan (a `whole` response) is never cut short; STOP silences the
assistant for that number until START, HELP is the help intent. Rasa's built-in Twilio connector
checks no signature, hence this one.

The channel is off unless TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER are set.
Phone numbers are personal data: they never go to the logs.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Sequence
from urllib.parse import parse_qs

import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.catalog import Catalogs, msgid
from bot.config import Settings, load_settings
from bot.database import create_engine

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
# GSM 03.38: one septet each, or two for the extension table. Anything else makes the message UCS-2.
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")
# Keywords carriers and Twilio honour on every number (Twilio's Advanced Opt-Out defaults).
OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN = {"START", "UNSTOP", "YES"}
HELP = {"HELP", "INFO"}
REPLY_WITH_NUMBER = msgid("sms.reply_with_number")
SEGMENTS_PER_MESSAGE = 4  # a concatenated SMS of four segments still arrives as one message on phones
MAX_MESSAGES = 3
# A response marked `whole` (a plan, a list of programs: the content the person asked for) is never
# cut short; this only bounds a runaway list.
MAX_WHOLE_MESSAGES = 8
# Parts of one answer are labelled "(2/4)": SMS can arrive out of order. Room kept for "(10/10) ".
PART_LABEL_UNITS = 8
# Pictographs that would make a whole English plan UCS-2 (twice the SMS) get GSM-7 stand-ins.
GSM7_STAND_INS = {
    "👉": ">>", "✅": "(ok)", "📍": "*", "•": "-", "·": "-", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "–": "-", "—": "-",
}


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7 or ch in _GSM7_EXTENSION for ch in text)


def sms_units(text: str, gsm7: bool) -> int:
    """Length as the network counts it: septets for GSM-7, UTF-16 code units for UCS-2."""
    if gsm7:
        return sum(2 if ch in _GSM7_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def message_capacity(text: str, segments: int = SEGMENTS_PER_MESSAGE) -> int:
    """Units that fit in `segments` concatenated segments (153 or 67 each once split; 160/70 alone)."""
    gsm7 = is_gsm7(text)
    return segments * (153 if gsm7 else 67) if segments > 1 else (160 if gsm7 else 70)


def gsm7_stand_ins(text: str) -> str:
    """The text with its decorative symbols replaced, if that makes all of it GSM-7; else unchanged
    (a Cyrillic or Chinese text is UCS-2 anyway, and keeps its symbols)."""
    text = text.replace("\u00a0", " ")  # French typography's no-break space is not GSM-7
    plain = text
    for symbol, stand_in in GSM7_STAND_INS.items():
        plain = plain.replace(symbol, stand_in)
    return plain if is_gsm7(plain) else text


def split_sms(
    text: str, segments: int = SEGMENTS_PER_MESSAGE, max_messages: int = MAX_MESSAGES, reserve: int = 0
) -> List[str]:
    """Messages of at most `segments` segments each (less `reserve` units, for a label), cut between
    lines (a numbered option stays with its title), or between words when one line is too long, so
    links stay whole.

    More than `max_messages` would flood a phone: the rest is dropped with an ellipsis (answers carry
    the official site early, and the full plan has its own page).
    """
    text = gsm7_stand_ins(text).strip()
    gsm7 = is_gsm7(text)
    capacity = message_capacity(text, segments) - reserve

    def fits(candidate: str) -> bool:
        return sms_units(candidate, gsm7) <= capacity

    messages: List[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if fits(candidate):
            current = candidate
            continue
        if current.strip():
            messages.append(current.strip())
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if fits(candidate):
                current = candidate
                continue
            if current.strip():
                messages.append(current.strip())
            while not fits(word):  # a single word longer than a message
                messages.append(word[:capacity])
                word = word[capacity:]
            current = word
    if current.strip():
        messages.append(current.strip())
    if len(messages) > max_messages:
        messages = messages[:max_messages]
        last = messages[-1]
        ellipsis = " ..." if gsm7 else " …"  # "…" is not GSM-7: it would make the whole text UCS-2
        while last and not fits(last + ellipsis):
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        messages[-1] = last + ellipsis
    return messages


def buttons_of(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    return message.get("buttons") or message.get("quick_replies") or []


def keyword(body: str) -> str | None:
    word = body.strip().upper()
    if word in OPT_OUT:
        return "stop"
    if word in OPT_IN:
        return "start"
    if word in HELP:
        return "help"
    return None


def chosen_option(body: str, payloads: Sequence[str]) -> str | None:
    """The payload of option N when the reply is just N (any script's digits: 2, ٢, ۲, ２)."""
    text = body.strip().rstrip(".)")
    if not text or not all(unicodedata.category(ch) == "Nd" for ch in text):
        return None
    number = int("".join(str(unicodedata.digit(ch)) for ch in text))
    return payloads[number - 1] if 1 <= number <= len(payloads) else None


def numbered_options(titles: Sequence[str], instruction: str) -> str:
    options = "\n".join(f"{number}. {title}" for number, title in enumerate(titles, 1))
    return f"{options}\n{instruction}"


def signed_form(body: bytes) -> Dict[str, str]:
    """Twilio's form fields, blank ones included: Twilio signs them all, and a photo sent without
    text has an empty Body (Sanic's `request.form` drops blank fields)."""
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


metadata = sa.MetaData()
sms_senders = sa.Table(
    "sms_senders", metadata,
    sa.Column("phone", sa.String(32), primary_key=True),
    sa.Column("menu", sa.Text, nullable=False, default="[]"),
    sa.Column("opted_out", sa.Boolean, nullable=False, default=False),
)


class SenderState:
    """Per phone number: the last numbered menu and whether the person sent STOP (app database)."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self.table = sms_senders
        metadata.create_all(self.engine, checkfirst=True)

    def _get(self, phone: str) -> Dict[str, Any]:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(self.table).where(self.table.c.phone == phone)).first()
        return {"menu": json.loads(row.menu), "opted_out": row.opted_out} if row else {"menu": [],
                                                                                         "opted_out": False}

    def _set(self, phone: str, **values: Any) -> None:
        """Writes only the given columns: a STOP and a new menu arriving together both stay."""
        columns = {k: json.dumps(v) if k == "menu" else v for k, v in values.items()}
        update = self.table.update().where(self.table.c.phone == phone).values(**columns)
        with self.engine.begin() as connection:
            if connection.execute(update).rowcount:
                return
            try:
                with connection.begin_nested():
                    connection.execute(self.table.insert().values(
                        **{"phone": phone, "menu": "[]", "opted_out": False, **columns}))
            except sa.exc.IntegrityError:  # the same number's first row, written a moment ago
                connection.execute(update)

    def menu(self, phone: str) -> List[str]:
        return self._get(phone)["menu"]

    def set_menu(self, phone: str, payloads: List[str]) -> None:
        self._set(phone, menu=payloads)

    def opted_out(self, phone: str) -> bool:
        return self._get(phone)["opted_out"]

    def set_opted_out(self, phone: str, opted_out: bool) -> None:
        self._set(phone, opted_out=opted_out)


class TwilioSmsOutput(OutputChannel):
    """Renders for SMS and sends through Twilio's REST API; a failure is logged, never raised."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, client: Any, from_number: str, state: SenderState, catalogs: Catalogs,
                 default_language: str) -> None:
        self.client = client
        self.from_number = from_number
        self.state = state
        self.catalogs = catalogs
        self.default_language = default_language

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        if self.state.opted_out(recipient_id):
            return
        buttons = buttons_of(message)
        if buttons:  # before sending: a quick "1" must find its menu
            self.state.set_menu(recipient_id, [str(b.get("payload", "")) for b in buttons])
        for part in self.parts_of(message):
            await self.send_text_message(recipient_id, part)

    def parts_of(self, message: Dict[str, Any]) -> List[str]:
        """The SMS one response becomes: its text, then its options last and whole, labelled in order."""
        limit = MAX_WHOLE_MESSAGES if message.get("whole") else MAX_MESSAGES
        buttons = buttons_of(message)
        menu: List[str] = []
        if buttons:
            language = message.get("language") or self.default_language
            instruction = self.catalogs.get(language, REPLY_WITH_NUMBER)
            options = numbered_options([str(b.get("title", "")) for b in buttons], instruction)
            menu = split_sms(options, max_messages=1, reserve=PART_LABEL_UNITS)
        text = message.get("text") or ""
        parts = split_sms(text, max_messages=limit - len(menu), reserve=PART_LABEL_UNITS) if text else []
        if parts and menu:
            together = f"{parts[-1]}\n{menu[0]}"
            if sms_units(together, is_gsm7(together)) <= message_capacity(together) - PART_LABEL_UNITS:
                parts[-1], menu = together, []
        parts += menu
        if len(parts) == 1:
            return parts
        return [f"({number}/{len(parts)}) {part}" for number, part in enumerate(parts, 1)]

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        from twilio.base.exceptions import TwilioException

        try:
            await self.client.messages.create_async(to=recipient_id, from_=self.from_number, body=text)
        except (TwilioException, OSError) as error:
            logger.error(f"Twilio did not take an SMS ({type(error).__name__})")


class TwilioSmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        return cls(load_settings())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None
        self._state: SenderState | None = None
        self._catalogs: Catalogs | None = None

    @property
    def enabled(self) -> bool:
        s = self.settings
        return bool(s.twilio_account_sid and s.twilio_auth_token and s.twilio_phone_number)

    def _output(self) -> TwilioSmsOutput:
        if self._client is None:  # created on first use, inside Rasa's event loop
            from twilio.http.async_http_client import AsyncTwilioHttpClient
            from twilio.rest import Client

            # The SDK logs every request's URL, query and headers at INFO: warnings and errors only.
            sdk_logger = logging.getLogger("twilio.async_http_client")
            sdk_logger.setLevel(logging.WARNING)
            self._client = Client(self.settings.twilio_account_sid, self.settings.twilio_auth_token,
                                  http_client=AsyncTwilioHttpClient(logger=sdk_logger))
            if self.settings.twilio_api_url:
                self._client.api.base_url = self.settings.twilio_api_url
            self._state = SenderState(self.settings.database_url)
            self._catalogs = Catalogs.load(self.settings.locales_dir)
        assert self._state is not None and self._catalogs is not None
        return TwilioSmsOutput(self._client, self.settings.twilio_phone_number or "", self._state,
                               self._catalogs, self.settings.default_language)

    def get_output_channel(self) -> OutputChannel | None:
        return self._output() if self.enabled else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_sms_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            from twilio.request_validator import RequestValidator

            if not self.enabled:
                return response.json({"error": "SMS is off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN "
                                      "and TWILIO_PHONE_NUMBER"}, status=503)
            params = signed_form(request.body)
            url = self.settings.twilio_webhook_url or request.url
            validator = RequestValidator(self.settings.twilio_auth_token)
            if not validator.validate(url, params, request.headers.get(SIGNATURE_HEADER, "")):
                return response.json({"error": "invalid Twilio signature"}, status=403)
            sender, body = params.get("From"), params.get("Body") or ""
            if not sender:
                return response.json({"error": "no From number"}, status=400)
            output = self._output()
            command = keyword(body)
            if command == "stop":  # Twilio confirms the opt-out itself; the assistant stays silent
                output.state.set_opted_out(sender, True)
                return _empty_twiml()
            if command == "start":
                output.state.set_opted_out(sender, False)
                body = "/greet"
            elif command == "help":
                body = "/help"
            else:
                body = chosen_option(body, output.state.menu(sender)) or body
            try:
                await on_new_message(UserMessage(body, output, sender, input_channel=self.name()))
            except Exception as error:  # Twilio would retry and the person get answers twice
                logger.error(f"An SMS could not be processed ({type(error).__name__})")
            return _empty_twiml()

        return webhook


def _empty_twiml() -> HTTPResponse:
    # Replies go through the REST API (they can come later, from a case manager); nothing inline.
    return response.text("<Response></Response>", content_type="text/xml")

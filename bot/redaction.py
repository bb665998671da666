"""Personal data kept out of the logs: e-mail addresses, phone numbers and names, in every process.

Installed as the logging record factory, so it sees every record of every library (Rasa, Sanic, the
Twilio SDK, ours) once its level is enabled, before any handler formats it. Exception tracebacks are
redacted too: an exception's message may quote what a person wrote.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# International or national numbers: 9 to 15 digits, optionally grouped with spaces, dots, dashes or
# parentheses, with their leading "+"; not a date followed by a time.
PHONE = re.compile(r"(?<![\w/.-])\+?\(?\d(?:[ .()-]{0,2}\d){8,14}(?![\w/:-])")
# Name fields as channels send them (Telegram's first_name/last_name/username, a profile's name),
# in JSON, Python reprs and key=value logs.
NAME_FIELD = re.compile(
    r"""(?P<key>["']?\b(?:first_name|last_name|full_name|username|name|ProfileName)\b["']?\s*[:=]\s*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;}\]]+)"""
)


def redact(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = NAME_FIELD.sub(lambda m: f"{m['key']}[name]", text)
    return PHONE.sub("[phone]", text)


def install() -> None:
    """Makes every log record from now on carry redacted text (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacting", False):
        return

    def redacted_record(*args, **kwargs) -> logging.LogRecord:
        record = current(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
        except (TypeError, ValueError):  # arguments that do not fit the message: logging reports it
            record.msg, record.args = redact(str(record.msg)), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    redacted_record.redacting = True
    logging.setLogRecordFactory(redacted_record)

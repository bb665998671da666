import logging

import pytest

from bot import redaction


@pytest.mark.parametrize("text, expected", [
    ("write to maria.lopez+ihp@gmail.com please", "write to [email] please"),
    ("From=+15551234567&Body=hola", "From=[phone]&Body=hola"),
    ("call me at (555) 123-4567", "call me at [phone]"),
    ("mi número es 11 98765 4321", "mi número es [phone]"),
    ('{"first_name": "Amina", "last_name": "O\'Neil", "id": 42}',
     '{"first_name": [name], "last_name": [name], "id": 42}'),
    ("user username=dr_karimi sent 3 messages", "user username=[name] sent 3 messages"),
])
def test_personal_data_is_redacted(text, expected):
    assert redaction.redact(text) == expected


@pytest.mark.parametrize("text", [
    "Handoff H-7KQ2 recorded.",
    "2026-11-24 01:17:18 training took 134 s",
    "conversation 9f2c1e0a3b4d5e6f7a8b9c0d1e2f3a4b",
    "Rasa answered 503 to POST /conversations/x/tracker/events",
    "version 3.6.21, 18873 examples",
])
def test_what_is_not_personal_stays(text):
    assert redaction.redact(text) == text


def test_installed_redaction_covers_every_logger_and_tracebacks(caplog):
    previous = logging.getLogRecordFactory()
    try:
        redaction.install()
        redaction.install()  # idempotent: one layer
        logger = logging.getLogger("some.library")
        with caplog.at_level(logging.INFO):
            logger.info("message from %s", "+44 7700 900123")
            try:
                raise ValueError("bad address ana@example.org")
            except ValueError:
                logger.exception("failed")
        assert caplog.records[0].getMessage() == "message from [phone]"
        assert "ana@example.org" not in caplog.text and "[email]" in caplog.text
    finally:
        logging.setLogRecordFactory(previous)


def test_a_record_whose_arguments_do_not_fit_is_still_redacted_and_never_raises():
    previous = logging.getLogRecordFactory()
    try:
        redaction.install()
        record = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "%d items for %s",
                                                   ("many", "ana@example.org"), None)
        assert "ana@example.org" not in record.getMessage()
    finally:
        logging.setLogRecordFactory(previous)

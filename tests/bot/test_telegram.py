import pytest

from bot.telegram import (
    MAX_CALLBACK_DATA_BYTES,
    command_payload,
    inline_keyboard,
    parse_update,
    split_message,
)


def message_update(text, language_code="es", chat_id=77):
    return {"update_id": 1, "message": {"message_id": 5, "date": 0, "text": text,
                                        "chat": {"id": chat_id, "type": "private"},
                                        "from": {"id": chat_id, "is_bot": False, "first_name": "Ana",
                                                 "language_code": language_code}}}


def test_a_text_message_gives_chat_text_and_language():
    incoming = parse_update(message_update("hola, soy enfermera"))
    assert (incoming.chat_id, incoming.text, incoming.language_code) == ("77", "hola, soy enfermera", "es")
    assert incoming.callback_query_id is None


def test_a_button_press_gives_its_payload_and_the_query_to_answer():
    update = {"update_id": 2, "callback_query": {
        "id": "cb-1", "data": "/ask_pathway", "chat_instance": "x",
        "from": {"id": 77, "is_bot": False, "first_name": "Ana", "language_code": "pt-br"},
        "message": {"message_id": 9, "date": 0, "chat": {"id": 77, "type": "private"}, "text": "..."}}}
    incoming = parse_update(update)
    assert (incoming.chat_id, incoming.text, incoming.callback_query_id) == ("77", "/ask_pathway", "cb-1")
    assert incoming.language_code == "pt-br"


@pytest.mark.parametrize("update", [
    {"update_id": 3},
    {"update_id": 4, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                 "sticker": {"file_id": "x"}}},
    {"update_id": 5, "message": "not an object"},
    {"update_id": 6, "callback_query": {"id": "q", "data": "/x"}},
])
def test_updates_without_text_or_chat_are_ignored(update):
    assert parse_update(update) is None


@pytest.mark.parametrize("text, payload", [
    ("/start", "/greet"), ("/start campaign-7", "/greet"), ("/help@ihp_navigator_bot", "/help"),
    ("/language", "/change_language"), ("/LANGUAGE", "/change_language"), ("/unknown", "/unknown"),
    ("where do I start", "where do I start"),
])
def test_commands_become_intent_payloads(text, payload):
    assert command_payload(text) == payload


def test_short_messages_are_sent_whole():
    assert split_message("Hola.\n\nAdiós.") == ["Hola.\n\nAdiós."]


def test_long_messages_split_at_paragraphs_then_lines_then_words():
    paragraphs = "\n\n".join(["a" * 30] * 5)
    parts = split_message(paragraphs, limit=70)
    assert parts == ["a" * 30 + "\n\n" + "a" * 30, "a" * 30 + "\n\n" + "a" * 30, "a" * 30]
    words = " ".join(["palabra"] * 40)
    parts = split_message(words, limit=50)
    assert all(len(p) <= 50 for p in parts) and " ".join(parts) == words


def test_a_word_longer_than_a_message_is_cut():
    parts = split_message("x" * 10_000)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_buttons_become_one_per_row_with_callback_data_or_a_link():
    keyboard = inline_keyboard([
        {"title": "Español", "payload": '/change_language{"requested_language":"es"}'},
        {"title": "ECFMG", "type": "web_url", "url": "https://www.ecfmg.org"},
    ])
    assert keyboard == [[{"text": "Español", "callback_data": '/change_language{"requested_language":"es"}'}],
                        [{"text": "ECFMG", "url": "https://www.ecfmg.org"}]]


def test_a_payload_too_long_for_telegram_sends_the_title_back():
    [[button]] = inline_keyboard([{"title": "Programas cerca de mí", "payload": "/find_program" + "x" * 80}])
    assert button["callback_data"] == "Programas cerca de mí"
    assert len(button["callback_data"].encode()) <= MAX_CALLBACK_DATA_BYTES


async def test_an_unreachable_telegram_server_is_logged_not_raised(caplog):
    from telegram import Bot

    from bot.telegram import TelegramOutput

    output = TelegramOutput(Bot("4242:unreachable", base_url="http://127.0.0.1:9/bot"))
    await output.send_text_with_buttons("77", "Hola", [{"title": "Sí", "payload": "/affirm"}])
    assert "Telegram did not take a message" in caplog.text
    assert "Hola" not in caplog.text  # nothing the person wrote or was told goes to the logs

from bot.webchat import conversation_history, language_hint, valid_session_id, widget_message

MENU = [{"title": "Español", "payload": '/change_language{"requested_language":"es"}'},
        {"title": "English", "payload": '/change_language{"requested_language":"en"}'}]


def bot(text, buttons=None, language="en"):
    return {"event": "bot", "text": text, "data": {"buttons": buttons},
            "metadata": {"language": language, "direction": "rtl" if language == "ar" else "ltr"}}


def user(text):
    return {"event": "user", "text": text}


def test_a_widget_message_carries_text_quick_replies_language_and_direction():
    shown = widget_message({"text": "¿Idioma?", "buttons": MENU, "language": "es", "direction": "ltr",
                            "utter_action": "utter_language_menu", "image": None})
    assert shown == {"text": "¿Idioma?", "quick_replies": MENU, "language": "es", "direction": "ltr"}


def test_a_widget_message_without_buttons_has_no_quick_replies_and_survives_odd_buttons():
    assert widget_message({"text": "hi"}) == {"text": "hi"}
    assert widget_message({"text": None, "buttons": ["junk", {"title": 1}]})["quick_replies"] == [
        {"title": "1", "payload": ""}
    ]


def test_history_shows_a_pressed_button_by_its_title_and_keeps_only_the_last_quick_replies():
    events = [user("/change_language"), bot("Which language?", MENU), user(MENU[0]["payload"]),
              {"event": "slot", "name": "language", "value": "es"}, bot("¡Listo!", MENU[:1], "es")]
    history = conversation_history(events)
    assert [(m["sender"], m["text"]) for m in history] == [
        ("user", "/change_language"), ("bot", "Which language?"), ("user", "Español"), ("bot", "¡Listo!"),
    ]
    assert "quick_replies" not in history[1]
    assert history[-1]["quick_replies"] == MENU[:1] and history[-1]["language"] == "es"


def test_a_payload_typed_after_an_unrelated_message_stays_as_typed():
    history = conversation_history([bot("Which language?", MENU), user("hello"), user(MENU[0]["payload"])])
    assert [m["text"] for m in history] == ["Which language?", "hello", MENU[0]["payload"]]


def test_history_is_limited_to_the_latest_messages():
    events = [user(f"message {i}") for i in range(100)]
    history = conversation_history(events, limit=10)
    assert [m["text"] for m in history] == [f"message {i}" for i in range(90, 100)]


def test_only_random_hex_session_ids_are_accepted():
    assert valid_session_id("0123456789abcdef0123456789abcdef") == "0123456789abcdef0123456789abcdef"
    for bad in (None, 42, "", "../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF", "a" * 33):
        assert valid_session_id(bad) is None


def test_only_a_supported_page_language_passes_as_metadata():
    assert language_hint({"language": "ar", "slots": {"profession": "x"}}) == {"language": "ar"}
    for bad in (None, "ar", {"language": "de"}, {"language": ["ar"]}, {}):
        assert language_hint(bad) == {}

from bot.rest import messages_pushed_before_the_latest


def user(text):
    return {"event": "user", "text": text}


def bot(text, staff=False):
    return {"event": "bot", "text": text, "metadata": {"sender": "staff"} if staff else {}}


def action(name):
    return {"event": "action", "name": name}


TURN = [user("hola"), action("utter_greet"), bot("¡Hola!"), action("action_listen")]


def test_nothing_is_pending_after_an_ordinary_turn():
    assert messages_pushed_before_the_latest([*TURN, user("¿y ahora?")]) == []
    assert messages_pushed_before_the_latest([]) == []
    assert messages_pushed_before_the_latest([action("action_listen")]) == []


def test_messages_added_from_outside_a_turn_are_pending_in_order():
    events = [*TURN, {"event": "pause"}, bot("A case manager joined"), bot("Soy Ana", staff=True),
              user("gracias")]
    pending = [e["text"] for e in messages_pushed_before_the_latest(events)]
    assert pending == ["A case manager joined", "Soy Ana"]


def test_while_paused_a_reply_after_the_persons_message_is_pending_for_the_next_one():
    events = [*TURN, {"event": "pause"}, user("¿hay alguien?"), bot("Sí, aquí estoy", staff=True),
              user("bien")]
    assert [e["text"] for e in messages_pushed_before_the_latest(events)] == ["Sí, aquí estoy"]

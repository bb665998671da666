import pytest
from sanic.exceptions import InvalidUsage

from bot.rest import body_problem, messages_pushed_before_the_latest


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


class StubRequest:
    def __init__(self, body=None, invalid=False):
        self._body, self._invalid = body, invalid

    @property
    def json(self):
        if self._invalid:
            raise InvalidUsage("Failed when parsing body as json")
        return self._body


@pytest.mark.parametrize("request_, problem", [
    (StubRequest(invalid=True), "not JSON"),
    (StubRequest(None), "JSON object"),
    (StubRequest(["hi"]), "JSON object"),
    (StubRequest({"message": "hi"}), "'sender'"),
    (StubRequest({"sender": "", "message": "hi"}), "'sender'"),
    (StubRequest({"sender": "x" * 256, "message": "hi"}), "'sender'"),
    (StubRequest({"sender": 7, "message": "hi"}), "'sender'"),
    (StubRequest({"sender": "me", "message": {"text": "hi"}}), "'message'"),
    (StubRequest({"sender": "me"}), "'message'"),
    (StubRequest({"sender": "me", "message": "hi", "metadata": "es"}), "'metadata'"),
])
def test_malformed_bodies_are_named(request_, problem):
    assert problem in body_problem(request_)


def test_a_well_formed_body_passes():
    assert body_problem(StubRequest({"sender": "me", "message": "", "metadata": {"language": "es"}})) is None
    assert body_problem(StubRequest({"sender": "me", "message": "hola"})) is None

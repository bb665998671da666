import pytest

from bot.payloads import clean_payload, known_entity_values

RESPONSES = {
    "utter_ask_profession": [{"text": "x", "buttons": [
        {"title": "a", "payload": '/inform{"profession":"dentist"}'},
        {"title": "b", "payload": "/skip"},
    ]}],
    "utter_greet": [{"text": "hi"}],
}
KNOWN = known_entity_values(RESPONSES, [("us_state", "TX"), ("city", "seattle")])


def test_known_values_come_from_buttons_and_the_gazetteer():
    assert {("profession", "dentist"), ("us_state", "TX"), ("city", "seattle")} == KNOWN


@pytest.mark.parametrize("typed, cleaned", [
    ('/inform{"profession":"dentist"}', '/inform{"profession":"dentist"}'),
    ('/inform{"us_state": "TX", "city": "<script>"}', '/inform{"us_state": "TX"}'),
    ('/inform{"us_state": 5}', "/inform"),
    ('/inform{"us_state": ["TX"]}', "/inform"),
    ('/affirm{"handoff_offered": true}', "/affirm"),
    ('/affirm{"erase_requested": "True"}', "/affirm"),
    ("/inform{not json}", "/inform"),
    ('/inform["TX"]', '/inform["TX"]'),  # not a payload: understood as words
])
def test_typed_payloads_keep_only_known_values(typed, cleaned):
    assert clean_payload(typed, KNOWN) == cleaned


@pytest.mark.parametrize("text", ["/skip", "hola", "/ ", "a/b{}", "", None, 42])
def test_other_messages_are_left_alone(text):
    assert clean_payload(text, KNOWN) == text

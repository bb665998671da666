import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlg import CatalogNLG

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: categorical
    values: [en, es, fr, ar, fa, ru, uk, pt, zh, tl]
    mappings: [{type: custom}]
responses:
  utter_greet:
    - text: utter_greet
  utter_help:
    - text: utter_help
      buttons:
        - {title: button.human, payload: /request_human}
"""
)


def tracker(text="hi", language_slot=None, metadata=None, detected=None, confidence=1.0):
    detection = {"language": detected, "confidence": confidence}
    events = [
        UserUttered(
            text,
            intent={"name": "greet", "confidence": 1.0},
            parse_data={"language_detection": detection} if detected else None,
            metadata=metadata,
        )
    ]
    if language_slot:
        events.append(SlotSet("language", language_slot))
    return DialogueStateTracker.from_events("s", events, slots=DOMAIN.slots)


@pytest.mark.parametrize(
    "slot, metadata, detected, expected",
    [("fa", {"language": "es"}, "en", "fa"), (None, {"language": "es"}, "pt", "es"), (None, None, "pt", "pt"),
     (None, None, None, "en")],
)
async def test_generate_answers_in_the_conversation_language(slot, metadata, detected, expected):
    nlg = CatalogNLG(domain=DOMAIN)
    message = await nlg.generate("utter_greet", tracker("x", slot, metadata, detected), "rest")
    assert message["language"] == expected
    assert message["text"] and message["text"] != "utter_greet"


async def test_buttons_are_translated_and_unknown_responses_give_nothing():
    nlg = CatalogNLG(domain=DOMAIN)
    message = await nlg.generate("utter_help", tracker(language_slot="es"), "rest")
    assert message["buttons"][0]["payload"] == "/request_human"
    assert message["buttons"][0]["title"] != "button.human"
    assert await nlg.generate("utter_nothing", tracker(), "rest") is None


async def test_keyboard_mashing_says_nothing_about_the_language():
    events = [
        UserUttered(
            "zxqv blorp",
            intent={"name": "nlu_fallback", "confidence": 1.0},
            parse_data={
                "intent": {"name": "nlu_fallback"},
                "language_detection": {"language": "fr"},
                "unknown_words": True,
            },
        )
    ]
    t = DialogueStateTracker.from_events("s", events, slots=DOMAIN.slots)
    message = await CatalogNLG(domain=DOMAIN).generate("utter_greet", t, "rest")
    assert message["language"] == "en"

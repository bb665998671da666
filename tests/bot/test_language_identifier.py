"""LanguageDecision turns the identifier's verdict into the intent override and the `language` entity."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.language_identifier import (
    DETECTION_KEY,
    UNKNOWN_WORDS_KEY,
    LanguageDecision,
    LanguageIdentifier,
)


def decided(text: str, intent: str, unknown_words: bool = False) -> Message:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}})
    if unknown_words:
        message.set(UNKNOWN_WORDS_KEY, True)
    LanguageIdentifier().process([message])
    LanguageDecision().process([message])
    return message


def language_entities(message: Message):
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "language"]


def test_clear_understood_message_names_its_language():
    message = decided("quiero saber cómo validar mi título de medicina", "ask_pathway")
    assert language_entities(message) == ["es"]
    assert message.get(DETECTION_KEY)["reliable"]


@pytest.mark.parametrize("text", ["ok", "ECFMG?", "J1?"])
def test_short_or_neutral_message_names_none(text):
    assert language_entities(decided(text, "affirm")) == []


def test_keyboard_mashing_names_none_even_if_it_looks_like_a_language():
    message = decided("ciao bella mamma mia pasta", "nlu_fallback", unknown_words=True)
    assert language_entities(message) == []


def test_clear_sentence_that_was_not_understood_still_names_its_language():
    message = decided("je voudrais savoir si mon chat peut voyager avec moi", "nlu_fallback")
    assert language_entities(message) == ["fr"]


@pytest.mark.parametrize(
    ("text", "language"),
    [("我老公是麻醉科医生，想了解怎么重新拿执照", "zh"), ("як довести що мої документи справжні", "uk")],
)
def test_script_evidence_names_the_language_even_in_unknown_words(text, language):
    assert language_entities(decided(text, "nlu_fallback", unknown_words=True)) == [language]


def test_foreign_language_gets_the_unsupported_language_intent():
    message = decided("Buongiorno, sono un infermiere e vorrei lavorare negli Stati Uniti", "greet")
    assert message.get("intent")["name"] == "unsupported_language"
    assert language_entities(message) == []

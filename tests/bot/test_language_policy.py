"""The language policy sets the conversation language right after a user message, and only then."""

from __future__ import annotations

import pytest
from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language_policy import ConversationLanguagePolicy

DOMAIN = Domain.from_yaml(
    """
    intents: [greet, ask_nclex, change_language]
    entities: [language]
    slots:
      language:
        type: text
        mappings: [{type: custom}]
    actions: [action_change_language]
    """
)


@pytest.fixture
def policy(tmp_path):
    return ConversationLanguagePolicy.create(
        ConversationLanguagePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("language_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def tracker_after(text: str, clear: str | None, language: str | None = None) -> DialogueStateTracker:
    tracker = DialogueStateTracker("someone", DOMAIN.slots)
    if language:
        tracker.update(SlotSet("language", language))
    tracker.update(ActionExecuted("action_listen"))
    entities = [{"entity": "language", "value": clear}] if clear else []
    tracker.update(UserUttered(text, {"name": "ask_nclex"}, entities))
    return tracker


def slot_events(prediction):
    return [(e.key, e.value) for e in prediction.events if isinstance(e, SlotSet)]


def test_first_clear_message_sets_the_language(policy):
    prediction = policy.predict_action_probabilities(tracker_after("hola, soy enfermera", "es"), DOMAIN)
    assert slot_events(prediction) == [("language", "es")]
    assert max(prediction.probabilities) == 0.0  # never competes with the rules


def test_mixed_message_keeps_the_conversation_language(policy):
    tracker = tracker_after("J-1 waiver por hardship", "en", language="es")
    assert slot_events(policy.predict_action_probabilities(tracker, DOMAIN)) == []


def test_clear_sentence_in_another_language_switches(policy):
    tracker = tracker_after("how do I get my nursing license in Texas", "en", language="es")
    assert slot_events(policy.predict_action_probabilities(tracker, DOMAIN)) == [("language", "en")]


def test_nothing_happens_after_an_action_changed_the_language(policy):
    tracker = tracker_after("cambia a inglés por favor", "es", language="es")
    tracker.update(ActionExecuted("action_change_language"))
    tracker.update(SlotSet("language", "en"))
    assert slot_events(policy.predict_action_probabilities(tracker, DOMAIN)) == []


def test_priority_is_below_the_rule_policy(policy):
    assert policy.priority < RULE_POLICY_PRIORITY

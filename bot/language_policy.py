"""Keeps the conversation's language (the `language` slot) across turns.

NLU sees one message at a time; whether a message should switch the conversation depends on the
language the conversation is already in ("Техас" in a Ukrainian chat is Ukrainian). Rasa policies see
the tracker, and the events of every policy's prediction are applied before the next action runs, so
this policy never predicts an action: it only sets the slot (`bot.languages.next_conversation_language`).
"""

from __future__ import annotations

from typing import Any, List

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language_identifier import LANGUAGE_ENTITY
from bot.languages import next_conversation_language

LANGUAGE_SLOT = "language"


def language_after_latest_message(tracker: DialogueStateTracker) -> str | None:
    """The conversation language once the latest user message is taken into account."""
    current = tracker.get_slot(LANGUAGE_SLOT)
    message = tracker.latest_message
    if message is None:
        return current
    clear = next(
        (e.get("value") for e in message.entities or [] if e.get("entity") == LANGUAGE_ENTITY), None
    )
    return next_conversation_language(current, clear, message.text or "")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class ConversationLanguagePolicy(Policy):
    """Sets the `language` slot after each user message; predicts no action (all zeros)."""

    @staticmethod
    def get_default_config() -> dict:
        return {"priority": 0}  # below every policy that predicts actions

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.RULE_DATA

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, **kwargs: Any
    ) -> PolicyPrediction:
        events = []
        # Only right after a user message: an action may have changed the language on request since.
        if tracker.latest_action_name == ACTION_LISTEN_NAME:
            language = language_after_latest_message(tracker)
            if language != tracker.get_slot(LANGUAGE_SLOT):
                events.append(SlotSet(LANGUAGE_SLOT, language))
        return self._prediction(self._default_predictions(domain), events=events)

"""NLU components around language: the identifier that runs first, and the unsupported-language guard.

The identifier stores its verdict on the message (`language_detection`, in the parse output). When the
message is clear enough to switch the conversation and was understood, `LanguageDecision` emits a
`language` entity that fills the `language` slot. Short or ambiguous messages ("ok", "USMLE?") emit no
entity, so the slot keeps its value.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import languages
from bot.languages import DETECTION_KEY, UNKNOWN_WORDS_KEY

LANGUAGE_ENTITY = "language"
UNSUPPORTED_LANGUAGE_INTENT = "unsupported_language"
FALLBACK_INTENT = "nlu_fallback"


def override_intent(message: Message, name: str) -> None:
    """Replaces the classifier's intent (a rule knows better), keeping the rest of the ranking."""
    intent = {"name": name, "confidence": 1.0}
    ranking = [intent] + [r for r in message.get(INTENT_RANKING_KEY, []) if r["name"] != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def detection_of(message: Message) -> languages.Detection:
    """The detection stored on a message, or a fresh one (training examples have none)."""
    stored = message.get(DETECTION_KEY)
    if stored:
        return languages.Detection(
            stored["language"], stored["confidence"], stored["reliable"], stored.get("by_script", False)
        )
    return languages.detect(message.get(TEXT) or "")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageIdentifier(GraphComponent):
    """Identifies the language of every incoming message (first in the pipeline, so that the
    tokenizer can use it); `LanguageDecision` acts on the verdict at the end."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        languages.warm_up()
        return cls()

    @staticmethod
    def supported_languages() -> None:
        return None

    @staticmethod
    def required_packages() -> List[str]:
        return ["lingua"]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            detection = languages.detect(message.get(TEXT) or "")
            message.set(
                DETECTION_KEY,
                {
                    "language": detection.language,
                    "confidence": round(detection.confidence, 3),
                    "reliable": detection.reliable,
                    "by_script": detection.by_script,
                },
                add_to_output=True,
            )
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageDecision(GraphComponent, EntityExtractorMixin):
    """Last in the pipeline: turns the identifier's verdict into what the dialogue uses.

    - A message clearly in a language we do not speak gets the intent `unsupported_language`.
    - A clear message emits a `language` entity, which `bot.language_policy` weighs against the
      conversation's language, even when its intent was not understood: the person then hears "I did
      not understand" in their language. Keyboard mashing (none of its words known) emits none, since
      gibberish often looks like some language.
    """

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDecision:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            detection = message.get(DETECTION_KEY) or {}
            language = detection.get("language")
            if language == languages.UNSUPPORTED:
                override_intent(message, UNSUPPORTED_LANGUAGE_INTENT)
            elif (
                detection.get("reliable")
                and language in languages.SUPPORTED_LANGUAGES
                and (not message.get(UNKNOWN_WORDS_KEY) or detection.get("by_script"))
            ):
                entity = {
                    "entity": LANGUAGE_ENTITY,
                    "value": language,
                    "start": 0,
                    "end": len(message.get(TEXT) or ""),
                    "confidence": detection.get("confidence"),
                }
                entities = message.get(ENTITIES, []) + self.add_extractor_name([entity])
                message.set(ENTITIES, entities, add_to_output=True)
        return messages

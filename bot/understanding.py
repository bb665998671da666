"""A Latin-script message with no word the assistant has ever seen is not understood, however
confident the intent classifier is.

Keyboard mashing ("zxqv blorp wug") gets a confident but meaningless intent from any classifier; here
it becomes `nlu_fallback`, so the person is asked to rephrase (and offered a human after two misses).
The vocabulary is every word of the training data (data/nlu/) plus the gazetteer's matches.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Dict, FrozenSet, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import languages
from bot.gazetteer import fold, words_with_offsets
from bot.language_identifier import FALLBACK_INTENT, UNKNOWN_WORDS_KEY, override_intent

_GAZETTEER_EXTRACTOR = "GazetteerEntityExtractor"
_LATIN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")


@functools.lru_cache(maxsize=1)
def training_vocabulary() -> FrozenSet[str]:
    from bot.config import load_settings

    texts, _ = languages.training_corpus(load_settings().nlu_dir)
    return frozenset(fold(word) for text in texts for word, _, _ in words_with_offsets(text))


def has_known_word(words: List[str], vocabulary: FrozenSet[str]) -> bool:
    """False only for Latin-script text none of whose words we know (keyboard mashing).

    Other scripts are left to the classifier: Arabic, Persian or Russian words carry attached
    pronouns and endings, so a real message can consist of forms the training data never had.
    """
    alphabetic = [w for w in words if any(ch.isalpha() for ch in w)]
    if not alphabetic or not all(_LATIN_WORD.fullmatch(w) for w in alphabetic):
        return True
    return any(fold(w) in vocabulary for w in alphabetic)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UnknownWordsClassifier(GraphComponent):
    """Sets `nlu_fallback` when none of a message's words occurs in the training data."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsClassifier:
        training_vocabulary()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        vocabulary = training_vocabulary()
        for message in messages:
            if any(e.get("extractor") == _GAZETTEER_EXTRACTOR for e in message.get(ENTITIES, [])):
                continue
            words = [word for word, _, _ in words_with_offsets(message.get(TEXT) or "")]
            if words and not has_known_word(words, vocabulary):
                override_intent(message, FALLBACK_INTENT)
                message.set(UNKNOWN_WORDS_KEY, True, add_to_output=True)
        return messages

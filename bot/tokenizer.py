"""Language-aware tokenizer: spaCy's rule-based tokenizer for the message's language, jieba for Chinese.

No trained spaCy model is loaded (`spacy.blank(lang)` only holds tokenizer rules). Han runs inside any
message are segmented with jieba, so "我是nurse在Texas" tokenizes well whatever the detected language.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot import languages
from bot.language_identifier import detection_of

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Arabic-script spellings people type interchangeably: hamza forms of alef, alef maqsura and ya, ta
# marbuta and ha, Persian and Arabic kaf and ya. Short vowels, tatweel and the zero-width non-joiner
# (Persian "می‌زنم" is as often typed "میزنم") are dropped.
_ARABIC_SCRIPT_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ئ": "ي", "ة": "ه", "ؤ": "و", "ک": "ك"}
)
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640\u200c-\u200f]")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_HAS_WORD_CHAR = re.compile(r"\w")


@functools.cache
def blank_pipeline(language: str):
    """A tokenizer-only spaCy pipeline for a language ("xx" for any other)."""
    import spacy

    code = language if language in languages.SUPPORTED_LANGUAGES and language != "zh" else "xx"
    return spacy.blank(code)


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def split_words(text: str, language: str | None) -> List[tuple]:
    """Returns (word, start) pairs; punctuation-only and emoji tokens are dropped."""
    words: List[tuple] = []
    for token in blank_pipeline(language or "xx").tokenizer(text):
        if not _HAS_WORD_CHAR.search(token.text):
            continue
        if _HAN_RUN.search(token.text):
            words.extend(_split_han(token.text, token.idx))
        else:
            words.append((token.text, token.idx))
    return words


@functools.lru_cache(maxsize=1)
def _to_simplified():
    from opencc import OpenCC

    return OpenCC("t2s").convert


def spelling_form(word: str) -> str:
    """The form the featurizers see (Rasa's "lemma"): Arabic-script spelling variants folded."""
    if not _ARABIC_LETTER.search(word):
        return word
    return _ARABIC_MARKS.sub("", word).translate(_ARABIC_SCRIPT_FOLD)


def warm_up() -> None:
    """Builds every language's rules and loads jieba's dictionary now, not in someone's first turn."""
    for language in (*languages.SUPPORTED_LANGUAGES, "xx"):
        blank_pipeline(language)
    _jieba()
    _to_simplified()


def _split_han(text: str, offset: int) -> List[tuple]:
    """Jieba words of a Han run, in Simplified characters (Traditional input reads the same), with
    offsets into the original text (the conversion maps character for character)."""
    simplified = _to_simplified()(text)
    if len(simplified) != len(text):
        simplified = text
    pieces = []
    position = 0
    for piece in _jieba().lcut(simplified, HMM=False):
        start = simplified.index(piece, position)
        position = start + len(piece)
        if _HAS_WORD_CHAR.search(piece):
            pieces.append((piece, offset + start))
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class LanguageAwareTokenizer(Tokenizer):
    """Tokenizes with the rules of the language the identifier found."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy", "jieba"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageAwareTokenizer:
        warm_up()
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        # Token texts may be normalised (Traditional → Simplified Chinese); offsets point into the
        # original text.
        text = message.get(attribute) or ""
        language = detection_of(message).language
        words = split_words(text, language)
        if not words:
            # Rasa's featurizers need at least one token: keep the whole text (emoji, "???").
            return [Token(text, 0, len(text))]
        return self._apply_token_pattern(
            [Token(w, start, start + len(w), lemma=spelling_form(w)) for w, start in words]
        )

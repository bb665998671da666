"""Language identification: script rules first, lingua for what script cannot tell.

Pure functions, shared by the NLU components (at training and at prediction time) and the tests.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

# Keys of the language identifier's output in a message's parse data (bot.language_identifier).
DETECTION_KEY = "language_detection"
# Set by bot.understanding.UnknownWordsClassifier on keyboard mashing, which often looks like some language.
UNKNOWN_WORDS_KEY = "unknown_words"
# Where channels put their language hint in a message's metadata (Telegram language_code, the widget's page).
HINT_METADATA_KEYS = ("language", "language_code", "lang")
# Below this the detection is a coin toss ("hi!" reads as English or Taglish): the default is better.
TENTATIVE_MIN_CONFIDENCE = 0.6
SUPPORTED_LANGUAGES = ("en", "es", "fr", "ar", "fa", "ru", "uk", "pt", "zh", "tl")
UNSUPPORTED = "unsupported"

SHORT_MESSAGE_SHARE = 0.97
SENTENCE_SHARE = 0.6
# An established conversation switches language only on a message this long (see
# next_conversation_language); a word marks a language against another when it occurs in at least
# MARKER_MIN_COUNT of its training examples and MARKER_RATIO times more often than in the other's.
SWITCH_MIN_WORDS = 3
MARKER_MIN_COUNT = 2
MARKER_RATIO = 10
SCRIPT_OF = {
    "en": "latin", "es": "latin", "fr": "latin", "pt": "latin", "tl": "latin",
    "ar": "arabic", "fa": "arabic", "ru": "cyrillic", "uk": "cyrillic", "zh": "han",
}
_LATIN_SUPPORTED = ("en", "es", "fr", "pt", "tl")
# Languages of another script that people also type in Latin letters: Arabizi ("3ayez a3mel el
# license"), Finglish ("mikham parastar sham"), Russian and Ukrainian translit ("ya vrach", "ya likar").
ROMANIZED = ("ar", "fa", "ru", "uk")
# How sure the Latin-letters model must be before Latin text is taken for one of them.
ROMANIZED_MIN_SHARE = 0.9
# Languages lingua may also answer for Latin-script text, so that Italian or German is recognised as
# "not ours" instead of being forced onto Spanish or English. They never become a conversation language.
_LATIN_DECOYS = ("it", "de", "nl", "pl", "tr", "vi", "id", "ro", "sv", "cs", "hu")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Letters that exist in one language of a script pair and not in the other.
_PERSIAN_ONLY = re.compile(r"[پچژگکی]")
_ARABIC_ONLY = re.compile(r"[ةيكىؤإأ]")
_URDU_ONLY = re.compile(r"[ٹڈڑںےھ]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_OTHER_SCRIPTS = re.compile(
    r"[\u0370-\u03ff\u0590-\u05ff\u0900-\u0dff\u0e00-\u0e7f\u10a0-\u10ff\u0530-\u058f\u1200-\u137f]"
)
# Official names, acronyms, numbers and links say nothing about the language of the sentence (digits
# inside a word do: Arabizi writes letters with them, "3ayez").
_NEUTRAL_TOKEN = re.compile(r"https?://\S+|\S+@\S+|\b[A-Z0-9][A-Z0-9-]{1,}\b|\b\d+\b")
_WORD = re.compile(r"\w+")

_LINGUA_NAMES = {
    "en": "ENGLISH", "es": "SPANISH", "fr": "FRENCH", "ar": "ARABIC", "fa": "PERSIAN",
    "ru": "RUSSIAN", "uk": "UKRAINIAN", "pt": "PORTUGUESE", "zh": "CHINESE", "tl": "TAGALOG",
    "it": "ITALIAN", "de": "GERMAN", "nl": "DUTCH", "pl": "POLISH", "tr": "TURKISH",
    "vi": "VIETNAMESE", "id": "INDONESIAN", "ro": "ROMANIAN", "sv": "SWEDISH", "cs": "CZECH",
    "hu": "HUNGARIAN",
}


@dataclass(frozen=True)
class Detection:
    """What one message says about its language.

    `language` is a supported code, `UNSUPPORTED`, or None when the text carries no signal (emoji,
    numbers, "USMLE?"). `reliable` says whether the message is clear enough to switch the
    conversation to that language.
    """

    language: str | None
    confidence: float
    reliable: bool
    by_script: bool = False  # decided by the script or letters only one language uses


NO_SIGNAL = Detection(None, 0.0, False)


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    latin = [getattr(Language, _LINGUA_NAMES[c]) for c in _LATIN_SUPPORTED]
    decoys = [getattr(Language, _LINGUA_NAMES[c]) for c in _LATIN_DECOYS]
    return LanguageDetectorBuilder.from_languages(*latin, *decoys).build()


@functools.lru_cache(maxsize=1)
def _pair_detectors():
    from lingua import Language, LanguageDetectorBuilder

    def pair(a: str, b: str):
        langs = (getattr(Language, _LINGUA_NAMES[a]), getattr(Language, _LINGUA_NAMES[b]))
        return LanguageDetectorBuilder.from_languages(*langs).build()

    return {"arabic": pair("ar", "fa"), "cyrillic": pair("ru", "uk")}


def _code_of(language) -> str:
    name = language.name
    return next(code for code, lingua_name in _LINGUA_NAMES.items() if lingua_name == name)


def _strip_neutral(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return _NEUTRAL_TOKEN.sub(" ", text)


def _ranked(detector, text: str):
    values = detector.compute_language_confidence_values(text)
    return [(_code_of(v.language), v.value) for v in values]


def detect(text: str) -> Detection:
    """Identifies the language of one message."""
    if not text or not text.strip():
        return NO_SIGNAL
    stripped = _strip_neutral(text)
    words = _WORD.findall(stripped)
    if not words:
        return NO_SIGNAL

    if _KANA.search(stripped) or _HANGUL.search(stripped):
        return Detection(UNSUPPORTED, 1.0, True, by_script=True)
    script = _dominant_script(words)
    if script is None:
        return NO_SIGNAL

    if script == "other":
        return Detection(UNSUPPORTED, 1.0, True, by_script=True)
    if script == "han":
        # Any Chinese, Simplified or Traditional, is answered in Simplified Chinese.
        return Detection("zh", 1.0, True, by_script=True)
    if script == "arabic":
        return _arabic_or_persian(stripped)
    if script == "cyrillic":
        return _russian_or_ukrainian(stripped)
    return _latin(stripped, len(words))


def _script_of(word: str) -> str | None:
    for name, pattern in (
        ("han", _HAN),
        ("arabic", _ARABIC_SCRIPT),
        ("cyrillic", _CYRILLIC),
        ("other", _OTHER_SCRIPTS),
        ("latin", _LATIN),
    ):
        if pattern.search(word):
            return name
    return None


def _dominant_script(words) -> str | None:
    """The script of the sentence. English terms mixed into Russian, Arabic or Chinese text are
    common ("я nurse в Texas"), the reverse is rare: a non-Latin script wins from a third of the words
    (a Han word counts for each two characters)."""
    weights: dict = {}
    for word in words:
        script = _script_of(word)
        if script:
            weight = (len(_HAN.findall(word)) + 1) // 2 if script == "han" else 1
            weights[script] = weights.get(script, 0) + weight
    if not weights:
        return None
    total = sum(weights.values())
    non_latin = {k: v for k, v in weights.items() if k != "latin"}
    if non_latin:
        best = max(non_latin, key=non_latin.get)
        if non_latin[best] * 3 >= total:
            return best
    return max(weights, key=weights.get)


def _arabic_or_persian(text: str) -> Detection:
    if _URDU_ONLY.search(text):
        return Detection(UNSUPPORTED, 0.9, True, by_script=True)
    persian, arabic = len(_PERSIAN_ONLY.findall(text)), len(_ARABIC_ONLY.findall(text))
    if persian and not arabic:
        return Detection("fa", 1.0, True, by_script=True)
    if arabic and not persian:
        return Detection("ar", 1.0, True, by_script=True)
    code, share = _fused(("ar", "fa"), _ranked(_pair_detectors()["arabic"], text), text)
    return Detection(code, share, _reliable(share, len(_WORD.findall(text))))


def _russian_or_ukrainian(text: str) -> Detection:
    ukrainian, russian = len(_UKRAINIAN_ONLY.findall(text)), len(_RUSSIAN_ONLY.findall(text))
    if ukrainian and not russian:
        return Detection("uk", 1.0, True, by_script=True)
    if russian and not ukrainian:
        return Detection("ru", 1.0, True, by_script=True)
    code, share = _fused(("ru", "uk"), _ranked(_pair_detectors()["cyrillic"], text), text)
    return Detection(code, share, _reliable(share, len(_WORD.findall(text))))


def _latin(text: str, word_count: int) -> Detection:
    romanized, probable = _romanized(text)
    if romanized:
        return Detection(romanized, probable, _reliable(probable, word_count))
    ranked = _ranked(_detector(), text)
    if not ranked:
        return NO_SIGNAL
    code, value = ranked[0]
    if code not in SUPPORTED_LANGUAGES and word_count >= 4 and value >= 0.8:
        # Only a long, clear message is declared foreign; a short one is too easily confused
        # (Spanish with typos can look Italian).
        return Detection(UNSUPPORTED, value, True)
    code, share = _fused(_LATIN_SUPPORTED, ranked, text)
    # People of every language type English terms ("J-1 waiver", "EB3 Schedule A", "help"): a switch
    # to English needs a real sentence. Asking for English by name goes through change_language.
    if code == "en" and word_count < 3:
        return Detection(code, share, False)
    # Text that looks romanized but has no word we know of that language ("tislam ya 3ammi") is not
    # clear evidence of a Latin language either.
    return Detection(code, share, _reliable(share, word_count) and probable < ROMANIZED_MIN_SHARE)


def _romanized(text: str) -> Tuple[str | None, float]:
    """Arabic, Persian, Russian or Ukrainian typed in Latin letters: (the language, or None if not
    sure; how likely the likeliest of them is). Lingua knows these languages only in their own script
    ("salam, man doktor hastam" looked Tagalog to it), so the verdict is our Latin-letters model's, and
    it must be sure: a clear share and a word of that language that the likeliest Latin language lacks."""
    model = _latin_model()
    probabilities = model.probabilities(text)
    code = max(ROMANIZED, key=lambda c: probabilities.get(c, 0.0))
    share = probabilities.get(code, 0.0)
    if share < ROMANIZED_MIN_SHARE:
        return None, share
    likeliest_latin = max(_LATIN_SUPPORTED, key=lambda c: probabilities.get(c, 0.0))
    words = [w.lower() for w in _WORD.findall(_strip_neutral(text))]
    if not any(model.is_marker(word, of=code, against=likeliest_latin) for word in words):
        return None, share
    return code, share


def _reliable(share: float, word_count: int) -> bool:
    """Clear enough to switch the conversation: "ok" or "visa?" never is, a sentence usually is."""
    return share >= SHORT_MESSAGE_SHARE if word_count <= 2 else share >= SENTENCE_SHARE


def _fused(candidates: Sequence[str], lingua_ranked, text: str) -> Tuple[str, float]:
    """Lingua's general model times a model of how our users write (trained on data/nlu): lingua
    knows the languages, ours knows Taglish, "po", "sps", "خدافظ" and the English terms people mix in."""
    lingua = {code: value for code, value in lingua_ranked if code in candidates}
    lingua_total = sum(lingua.values()) or 1.0
    domain = _domain_model().probabilities(text)
    scores = {
        code: math.log(lingua.get(code, 0.0) / lingua_total + 1e-6) + math.log(domain.get(code, 0.0) + 1e-9)
        for code in candidates
    }
    best = max(scores, key=scores.get)
    top = max(scores.values())
    weights = {code: math.exp(score - top) for code, score in scores.items()}
    return best, weights[best] / sum(weights.values())


class DomainLanguageModel:
    """Naive Bayes over character n-grams of our own training data, one class per language."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB

        self._vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=True)
        stripped = [_strip_neutral(t) for t in texts]
        features = self._vectorizer.fit_transform(stripped)
        model = MultinomialNB(alpha=0.05).fit(features, labels)
        self._classes = model.classes_
        self._class_log_prior = model.class_log_prior_
        # (n-grams × languages), contiguous: MultinomialNB's own predict_proba multiplies by a
        # transposed view, which costs a copy of the whole matrix on every message.
        self._log_likelihoods = np.ascontiguousarray(model.feature_log_prob_.T)
        # In how many training examples of each language a word occurs.
        self._word_counts: Dict[str, Counter] = {}
        for text, label in zip(stripped, labels, strict=True):
            self._word_counts.setdefault(label, Counter()).update(set(_WORD.findall(text.lower())))

    def probabilities(self, text: str) -> Dict[str, float]:
        features = self._vectorizer.transform([_strip_neutral(text)])
        joint = (features @ self._log_likelihoods)[0] + self._class_log_prior
        probabilities = np.exp(joint - joint.max())
        probabilities /= probabilities.sum()
        # Plain floats: the verdict travels in the parse data as JSON.
        return {code: float(p) for code, p in zip(self._classes, probabilities, strict=True)}

    def is_marker(self, word: str, of: str, against: str) -> bool:
        """Whether people write `word` in `of` (in MARKER_MIN_COUNT examples or more) and hardly ever
        in `against` (MARKER_RATIO times less often: English data has "en español por favor")."""
        seen_in = self._word_counts.get(of, Counter())[word]
        seen_against = self._word_counts.get(against, Counter())[word]
        return seen_in >= MARKER_MIN_COUNT and seen_against * MARKER_RATIO <= seen_in


@functools.lru_cache(maxsize=2)
def training_corpus(nlu_dir: Path) -> Tuple[List[str], List[str]]:
    """Every training example of data/nlu/<lang>/, labelled with its language."""
    import yaml

    texts: List[str] = []
    labels: List[str] = []
    for language in SUPPORTED_LANGUAGES:
        for path in sorted((nlu_dir / language).glob("*.yml")):
            for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
                for line in str(item.get("examples", "")).splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        texts.append(line[2:])
                        labels.append(language)
    return texts, labels


@functools.lru_cache(maxsize=1)
def _domain_model() -> DomainLanguageModel:
    from bot.config import load_settings

    return DomainLanguageModel(*training_corpus(load_settings().nlu_dir))


@functools.lru_cache(maxsize=1)
def _latin_model() -> DomainLanguageModel:
    """How each language is written in Latin letters: the Latin-script training examples alone, so
    that romanized Russian competes with English and Tagalog, not with its own Cyrillic."""
    from bot.config import load_settings

    texts, labels = training_corpus(load_settings().nlu_dir)
    latin = [
        (text, label)
        for text, label in zip(texts, labels, strict=True)
        if _dominant_script(_WORD.findall(_strip_neutral(text))) == "latin"
    ]
    return DomainLanguageModel([text for text, _ in latin], [label for _, label in latin])


def hint_in(metadata: Any) -> str | None:
    """The channel's language hint in a message's metadata, as the channel sent it."""
    if not isinstance(metadata, dict):
        return None
    return next((metadata[k] for k in HINT_METADATA_KEYS if isinstance(metadata.get(k), str)), None)


def tentative_language(parse_data: Any) -> str | None:
    """What the last message looked like, even when too short to switch languages ("gracias")."""
    if not isinstance(parse_data, dict) or parse_data.get(UNKNOWN_WORDS_KEY):
        return None  # gibberish often looks like some language: it says nothing about the person's
    detection = parse_data.get(DETECTION_KEY) or {}
    if detection.get("confidence", 1.0) < TENTATIVE_MIN_CONFIDENCE:
        return None
    return detection.get("language")


def reply_language(slot_value: str | None, metadata: Any, parse_data: Any, default: str = "en") -> str:
    """The language the assistant answers the latest message in (the NLG and the actions agree)."""
    return conversation_language(slot_value, hint_in(metadata) or tentative_language(parse_data), default)


def conversation_language(
    slot_value: str | None, hint: str | None, default: str = "en"
) -> str:
    """The language to answer in: the conversation's, else the channel's hint, else the default."""
    for candidate in (slot_value, normalise_hint(hint), default):
        if candidate in SUPPORTED_LANGUAGES:
            return candidate
    return "en"


def normalise_hint(hint: str | None) -> str | None:
    """Maps a channel's language tag (Telegram `pt-br`, a page's `zh-Hant`) onto a supported code."""
    if not hint or not isinstance(hint, str):
        return None
    base = hint.strip().lower().replace("_", "-").split("-")[0]
    if base == "fil":
        base = "tl"
    return base if base in SUPPORTED_LANGUAGES else None


def word_count(text: str) -> int:
    """Words that can carry a language (acronyms, numbers and links do not); Chinese, written without
    spaces, counts a word per two characters."""
    return sum(
        (len(_HAN.findall(word)) + 1) // 2 if _HAN.search(word) else 1
        for word in _WORD.findall(_strip_neutral(text))
    )


def next_conversation_language(current: str | None, clear_language: str | None, text: str) -> str | None:
    """The conversation's language after a message clearly written in `clear_language` (None if the
    message was short, unclear or not understood).

    The first clear message sets it. After that a switch needs strong evidence, because people mix
    languages without meaning to change: "J-1 waiver por hardship" is still Spanish and "Техас" is
    still Ukrainian. A message in another non-Latin script switches (unless it still has words in the
    conversation's script); otherwise it needs SWITCH_MIN_WORDS words, and either letters only the new
    language uses (Ukrainian "ї" against Russian) or no word that marks the current language against
    the new one and, between two languages of one script, a word that marks the new one: "хочу живого
    консультанта" is as Ukrainian as it is Russian, and stays in a Ukrainian conversation.
    """
    if clear_language not in SUPPORTED_LANGUAGES or clear_language == current:
        return current
    if current not in SUPPORTED_LANGUAGES:
        return clear_language
    words = [w.lower() for w in _WORD.findall(_strip_neutral(text))]
    # The script the message is written in: romanized Russian is Latin text, and switches as such.
    own_script, new_script = SCRIPT_OF[current], _dominant_script(words) or SCRIPT_OF[clear_language]
    leaves_own_script = own_script != "latin" and new_script != own_script
    if leaves_own_script and any(_script_of(w) == own_script for w in words):
        return current
    if new_script not in (own_script, "latin"):
        return clear_language
    if word_count(text) < SWITCH_MIN_WORDS:
        return current
    if _has_only_letters_of(clear_language, current, text):
        return clear_language
    model = _domain_model()
    if any(model.is_marker(word, of=current, against=clear_language) for word in words):
        return current
    if SCRIPT_OF[clear_language] == own_script and not any(
        model.is_marker(word, of=clear_language, against=current) for word in words
    ):
        return current
    return clear_language


_EXCLUSIVE_LETTERS = {"uk": _UKRAINIAN_ONLY, "ru": _RUSSIAN_ONLY, "fa": _PERSIAN_ONLY, "ar": _ARABIC_ONLY}


def _has_only_letters_of(language: str, other: str, text: str) -> bool:
    """Whether the text has letters that `language` uses and `other` does not, and none the reverse."""
    own, theirs = _EXCLUSIVE_LETTERS.get(language), _EXCLUSIVE_LETTERS.get(other)
    return bool(own and theirs and own.search(text) and not theirs.search(text))


def warm_up() -> None:
    """Builds the detectors and the domain model now (at model load), not on the first message."""
    _detector()
    _pair_detectors()
    _domain_model()
    _latin_model()

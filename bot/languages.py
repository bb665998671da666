"""Language identification: script rules first, lingua for what script cannot tell.

Pure functions, shared by the NLU components (at training and at prediction time) and the tests.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

SUPPORTED_LANGUAGES = ("en", "es", "fr", "ar", "fa", "ru", "uk", "pt", "zh", "tl")
UNSUPPORTED = "unsupported"

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
# Official names, acronyms, numbers and links say nothing about the language of the sentence.
_NEUTRAL_TOKEN = re.compile(r"https?://\S+|\S+@\S+|\b[A-Z0-9][A-Z0-9-]{1,}\b|\d+")
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

    language: Optional[str]
    confidence: float
    reliable: bool


NO_SIGNAL = Detection(None, 0.0, False)


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    latin = [getattr(Language, _LINGUA_NAMES[c]) for c in ("en", "es", "fr", "pt", "tl")]
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
        return Detection(UNSUPPORTED, 1.0, True)
    script = _dominant_script(words)
    if script is None:
        return NO_SIGNAL

    if script == "other":
        return Detection(UNSUPPORTED, 1.0, True)
    if script == "han":
        # Any Chinese, Simplified or Traditional, is answered in Simplified Chinese.
        return Detection("zh", 1.0, True)
    if script == "arabic":
        return _arabic_or_persian(stripped)
    if script == "cyrillic":
        return _russian_or_ukrainian(stripped)
    return _latin(stripped, len(words))


def _script_of(word: str) -> Optional[str]:
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


def _dominant_script(words) -> Optional[str]:
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
        return Detection(UNSUPPORTED, 0.9, True)
    persian, arabic = len(_PERSIAN_ONLY.findall(text)), len(_ARABIC_ONLY.findall(text))
    if persian and not arabic:
        return Detection("fa", 1.0, True)
    if arabic and not persian:
        return Detection("ar", 1.0, True)
    code, value = _ranked(_pair_detectors()["arabic"], text)[0]
    return Detection(code, value, True)


def _russian_or_ukrainian(text: str) -> Detection:
    ukrainian, russian = len(_UKRAINIAN_ONLY.findall(text)), len(_RUSSIAN_ONLY.findall(text))
    if ukrainian and not russian:
        return Detection("uk", 1.0, True)
    if russian and not ukrainian:
        return Detection("ru", 1.0, True)
    code, value = _ranked(_pair_detectors()["cyrillic"], text)[0]
    return Detection(code, value, True)


def _latin(text: str, word_count: int) -> Detection:
    ranked = _ranked(_detector(), text)
    if not ranked:
        return NO_SIGNAL
    code, value = ranked[0]
    supported = [(c, v) for c, v in ranked if c in SUPPORTED_LANGUAGES]
    if code not in SUPPORTED_LANGUAGES:
        # Only a long, clear message is declared foreign; a short one is too easily confused
        # (Spanish with typos can look Italian).
        if word_count >= 4 and value >= 0.8:
            return Detection(UNSUPPORTED, value, True)
        code, value = supported[0]
        return Detection(code, value, False)
    # Confidence among the languages we speak: decoys take probability mass without being options.
    share = value / (sum(v for _, v in supported) or 1.0)
    reliable = share >= 0.7 if word_count <= 2 else share >= 0.5
    return Detection(code, share, reliable)


def conversation_language(
    slot_value: Optional[str], hint: Optional[str], default: str = "en"
) -> str:
    """The language to answer in: the conversation's, else the channel's hint, else the default."""
    for candidate in (slot_value, normalise_hint(hint), default):
        if candidate in SUPPORTED_LANGUAGES:
            return candidate
    return "en"


def normalise_hint(hint: Optional[str]) -> Optional[str]:
    """Maps a channel's language tag (Telegram `pt-br`, a page's `zh-Hant`) onto a supported code."""
    if not hint or not isinstance(hint, str):
        return None
    base = hint.strip().lower().replace("_", "-").split("-")[0]
    if base == "fil":
        base = "tl"
    return base if base in SUPPORTED_LANGUAGES else None

"""The training data and domain pass Rasa's own validation, and the languages stay at parity."""

import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.languages import ROMANIZED, SUPPORTED_LANGUAGES, word_count
from scripts.evaluate_nlu import ROMANIZED_DIR

MIN_TRAINING_EXAMPLES = 30
MIN_HELD_OUT_EXAMPLES = 10
MIN_ROMANIZED_HELD_OUT_EXAMPLES = 4
NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f]")
CHINESE_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def examples(path: Path) -> Counter:
    counts: Counter = Counter()
    for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        lines = item["examples"].splitlines()
        counts[item["intent"]] += sum(1 for line in lines if line.strip().startswith("- "))
    return counts


def domain_intents():
    """The intents people express (EXTERNAL_ ones are sent by the assistant's own reminders)."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {i for i in domain["intents"] if not i.startswith("EXTERNAL_")} - {"unsupported_language"}


def test_rasa_data_validate():
    rasa = str(Path(sys.executable).parent / "rasa")
    result = subprocess.run(
        [rasa, "data", "validate", "--data", "data/nlu", "data/rules", "--domain", "domain.yml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_training_data_covers_every_intent(language):
    counts: Counter = Counter()
    for path in (PROJECT_ROOT / "data" / "nlu" / language).glob("*.yml"):
        counts.update(examples(path))
    thin = {i: counts[i] for i in domain_intents() if counts[i] < MIN_TRAINING_EXAMPLES}
    assert thin == {}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_held_out_data_covers_every_intent(language):
    counts = examples(PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml")
    thin = {i: counts[i] for i in domain_intents() if counts[i] < MIN_HELD_OUT_EXAMPLES}
    assert thin == {}


@pytest.mark.parametrize("language", ROMANIZED)
def test_romanized_held_out_data_covers_every_intent_in_latin_letters(language):
    path = ROMANIZED_DIR / f"{language}.yml"
    counts = examples(path)
    thin = {i: counts[i] for i in domain_intents() if counts[i] < MIN_ROMANIZED_HELD_OUT_EXAMPLES}
    assert thin == {}
    assert [text for text in _nlu_sentences(path) if NON_LATIN_LETTER.search(text)] == []


# A test sentence that shares this share of its words with a training sentence is a copy, reworded or not.
NEAR_COPY_SIMILARITY = 0.8
# Shorter sentences ("thank you so much", "je suis infirmière") legitimately recur reworded; from three
# words on, not word for word.
NEAR_COPY_MIN_WORDS = 4
COPY_MIN_WORDS = 3


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_test_sentences_are_not_copied_from_training(language):
    """Held-out and end-to-end sentences must be written apart from training data: no test sentence may
    be a training sentence with a word changed, added or moved."""
    training = [
        (text, _word_set(text))
        for path in sorted((PROJECT_ROOT / "data" / "nlu" / language).glob("*.yml"))
        for text in _nlu_sentences(path)
    ]
    tests = _nlu_sentences(PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml")
    if language in ROMANIZED:
        tests += _nlu_sentences(ROMANIZED_DIR / f"{language}.yml")
    tests += _e2e_sentences(PROJECT_ROOT / "tests" / "e2e" / "conversations" / f"{language}.yml")
    copies = []
    for text in tests:
        length = word_count(text)
        if length < COPY_MIN_WORDS:
            continue
        words = _word_set(text)
        copies += [
            (text, copied)
            for copied, copied_words in training
            if words == copied_words
            or (
                length >= NEAR_COPY_MIN_WORDS
                and len(words & copied_words) / len(words | copied_words) >= NEAR_COPY_SIMILARITY
            )
        ]
    assert copies == []


def _nlu_sentences(path: Path) -> list[str]:
    return [
        line.strip()[2:]
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", [])
        for line in item["examples"].splitlines()
        if line.strip().startswith("- ")
    ]


def _e2e_sentences(path: Path) -> list[str]:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    turns = list(script.get("topics", []))
    for conversation in (script.get("conversations") or {}).values():
        turns += conversation
    # Button payloads ("/inform{...}") are not written language.
    return [turn["say"] for turn in turns if not turn["say"].startswith("/")]


def _word_set(text: str) -> set[str]:
    """Lower-cased words without accents, punctuation or entity markup; Chinese, written without spaces,
    as pairs of characters."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", re.sub(r"['’-]", "", text))
    if CHINESE_CHARACTER.search(text):
        text = re.sub(r"\s+", "", text)
        return {text[i : i + 2] for i in range(len(text) - 1)}
    return set(text.split())

"""The training data and domain pass Rasa's own validation, and the languages stay at parity."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.languages import SUPPORTED_LANGUAGES, word_count

MIN_TRAINING_EXAMPLES = 30
MIN_HELD_OUT_EXAMPLES = 10


def examples(path: Path) -> Counter:
    counts: Counter = Counter()
    for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        lines = item["examples"].splitlines()
        counts[item["intent"]] += sum(1 for line in lines if line.strip().startswith("- "))
    return counts


def domain_intents():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return set(domain["intents"]) - {"unsupported_language"}


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


def test_held_out_data_is_not_copied_from_training():
    def texts(paths):
        out = set()
        for path in paths:
            for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
                for line in item["examples"].splitlines():
                    if line.strip().startswith("- "):
                        out.add(_normalise(line.strip()[2:]))
        return out

    training = texts((PROJECT_ROOT / "data" / "nlu").rglob("*.yml"))
    held_out = texts((PROJECT_ROOT / "tests" / "nlu").glob("*.yml"))
    overlap = sorted(held_out & training)
    # Single words ("ok", "hola") may legitimately appear in both; sentences may not. Chinese has no
    # spaces: word_count counts a word per two characters.
    assert [t for t in overlap if word_count(t) > 2] == []


def _normalise(text: str) -> str:
    import re

    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\s]", "", text.lower()).strip()

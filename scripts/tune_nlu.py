"""Compare NLU configurations on a development split of the training data, never on the held-out set.

    python -m scripts.tune_nlu config.yml other-config.yml [--dev-share 0.2] [--seed 13]

Splits every intent of data/nlu/<lang>/ into training and development examples (seeded), trains each
configuration on the training part (`rasa train nlu`, NLU only) and prints its training time and its
intent accuracy on the development part, per language. The held-out data in tests/nlu/ stays unseen
until a configuration is chosen.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.config import PROJECT_ROOT
from bot.languages import SUPPORTED_LANGUAGES

Examples = Dict[str, List[Tuple[str, str]]]  # language -> (text, intent)


def split(nlu_dir: Path, dev_share: float, seed: int) -> Tuple[Examples, Examples]:
    rng = random.Random(seed)
    train: Examples = {}
    dev: Examples = {}
    for language in SUPPORTED_LANGUAGES:
        train[language], dev[language] = [], []
        for path in sorted((nlu_dir / language).glob("*.yml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
                texts = [line.strip()[2:] for line in item["examples"].splitlines() if line.strip()]
                rng.shuffle(texts)
                cut = max(1, round(len(texts) * dev_share))
                dev[language] += [(t, item["intent"]) for t in texts[:cut]]
                train[language] += [(t, item["intent"]) for t in texts[cut:]]
    return train, dev


def write_nlu(examples: Examples, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for language, pairs in examples.items():
        by_intent: Dict[str, List[str]] = {}
        for text, intent in pairs:
            by_intent.setdefault(intent, []).append(text)
        lines = ['version: "3.1"', "nlu:"]
        for intent, texts in by_intent.items():
            lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {t}" for t in texts]
        (directory / f"{language}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def dev_accuracy(model: Path, dev: Examples) -> Dict[str, float]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    scores = {}
    for language, pairs in dev.items():
        right = 0
        for text, intent in pairs:
            right += (await agent.parse_message(text))["intent"]["name"] == intent
        scores[language] = right / len(pairs)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="+", type=Path)
    parser.add_argument("--dev-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.WARNING)
    rasa = str(Path(sys.executable).parent / "rasa")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        train, dev = split(PROJECT_ROOT / "data" / "nlu", args.dev_share, args.seed)
        write_nlu(train, work / "train")
        print(f"{sum(map(len, train.values()))} training and {sum(map(len, dev.values()))} development "
              "examples", flush=True)
        print("| config | training s | mean | " + " | ".join(SUPPORTED_LANGUAGES) + " |")
        print("|---|---|---|" + "---|" * len(SUPPORTED_LANGUAGES), flush=True)
        for index, config in enumerate(args.configs):
            started = time.monotonic()
            subprocess.run(
                [rasa, "train", "nlu", "--config", str(config), "--nlu", str(work / "train"),
                 "--out", str(work), "--fixed-model-name", f"m{index}"],
                cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "RASA_CACHE_DIRECTORY": str(work / "cache")},
            )
            seconds = time.monotonic() - started
            scores = asyncio.run(dev_accuracy(work / f"m{index}.tar.gz", dev))
            mean = sum(scores[lang] * len(dev[lang]) for lang in scores) / sum(map(len, dev.values()))
            cells = " | ".join(f"{scores[lang]:.1%}" for lang in SUPPORTED_LANGUAGES)
            print(f"| {config} | {seconds:.0f} | {mean:.1%} | {cells} |", flush=True)


if __name__ == "__main__":
    main()

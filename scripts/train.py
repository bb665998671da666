"""Train the model only when its inputs changed: models/<hash>.tar.gz, hash of every training input.

    python -m scripts.train          # train if needed, print the model path
    python -m scripts.train --force  # train even if a model for these inputs exists
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List

from bot.config import PROJECT_ROOT

# Everything that changes what `rasa train` produces.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules",
    "bot/languages.py",
    "bot/language_identifier.py",
    "bot/tokenizer.py",
    "bot/intent_classifier.py",
    "bot/sentence_encoder.py",
    "requirements/constraints.txt",
)
MODELS_DIR = PROJECT_ROOT / "models"
# Rasa reuses a component's cached output while its config and data are unchanged, even when our code
# that computed it (the tokenizer, the language identifier) changed: one cache per version of that code.
CODE_INPUTS = tuple(name for name in TRAINING_INPUTS if name.endswith((".py", ".txt")))
RASA_CACHE_ROOT = Path(".rasa") / "cache"


def input_files(root: Path = PROJECT_ROOT) -> List[Path]:
    files: List[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return [f for f in files if f.exists()]


def inputs_hash(files: Iterable[Path], root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def rasa_cache_dir(root: Path = PROJECT_ROOT) -> Path:
    code = [root / name for name in CODE_INPUTS if (root / name).exists()]
    return root / RASA_CACHE_ROOT / inputs_hash(code, root)


def _drop_other_caches(keep: Path) -> None:
    for entry in keep.parent.iterdir() if keep.parent.exists() else ():
        if entry.is_dir() and entry != keep:
            shutil.rmtree(entry)
        elif entry.is_file():
            entry.unlink()


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return MODELS_DIR / f"ihp-{inputs_hash(input_files(root), root)}.tar.gz"


def train(force: bool = False) -> Path:
    target = model_path()
    if target.exists() and not force:
        print(f"==> Model is up to date: {target.relative_to(PROJECT_ROOT)} (inputs unchanged)")
        return target
    MODELS_DIR.mkdir(exist_ok=True)
    print("==> Training the ten-language model (inputs changed); Rasa's progress follows")
    started = time.monotonic()
    command = [
        str(Path(sys.executable).parent / "rasa"), "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data/nlu", "data/rules",
        "--out", str(MODELS_DIR), "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    cache = rasa_cache_dir()
    _drop_other_caches(cache)
    env = {
        **os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(cache),
    }
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env)
    if result.returncode != 0 or not target.exists():
        raise SystemExit(f"error: training failed (exit code {result.returncode})")
    print(f"==> Trained in {time.monotonic() - started:.0f} s: {target.relative_to(PROJECT_ROOT)}")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="train even if the model is cached")
    train(force=parser.parse_args().force)


if __name__ == "__main__":
    main()

"""Intent accuracy, macro-F1 and language identification per language on the held-out data
(tests/nlu/<lang>.yml), and on the romanized held-out data (tests/nlu/romanized/<lang>.yml: Arabic,
Persian, Russian and Ukrainian typed in Latin letters).

    python -m scripts.evaluate_nlu [--model models/x.tar.gz] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Tuple

from bot.config import PROJECT_ROOT
from bot.languages import ROMANIZED, SUPPORTED_LANGUAGES, next_conversation_language, word_count

HELD_OUT_DIR = PROJECT_ROOT / "tests" / "nlu"
ROMANIZED_DIR = HELD_OUT_DIR / "romanized"


@dataclass
class LanguageScore:
    language: str
    examples: int
    accuracy: float
    macro_f1: float
    language_id_accuracy: float
    conversation_kept: float
    conversation_switched: float
    errors: List[Tuple[str, str, str]]


def held_out_examples(language: str, directory: Path = HELD_OUT_DIR) -> List[Tuple[str, str]]:
    """(text, intent) pairs, entity annotations stripped."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(directory / f"{language}.yml"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def conversation_language_scores(
    language: str, gold: List[str], clear: List[str | None], texts: List[str]
) -> Tuple[float, float]:
    """How the conversation language behaves with these messages, as `bot.language_policy` runs it.

    kept: share of messages after which a conversation already in `language` is still in it.
    switched: share of (message, other language) pairs, for messages of at least three words, where a
    conversation in the other language switches to `language`.
    Messages asking for a language by name (change_language) are left out: they switch on purpose.
    """
    kept, switched, pairs = 0, 0, 0
    messages = [(c, t) for g, c, t in zip(gold, clear, texts, strict=True) if g != "change_language"]
    for clear_language, text in messages:
        kept += next_conversation_language(language, clear_language, text) == language
        if word_count(text) >= 3:
            for other in SUPPORTED_LANGUAGES:
                if other != language:
                    pairs += 1
                    switched += next_conversation_language(other, clear_language, text) == language
    return kept / max(len(messages), 1), switched / max(pairs, 1)


def score(
    language: str,
    gold: List[str],
    predicted: List[str],
    detected: List[str | None],
    clear: List[str | None],
    texts: List[str],
) -> LanguageScore:
    from sklearn.metrics import accuracy_score, f1_score

    kept, switched = conversation_language_scores(language, gold, clear, texts)
    return LanguageScore(
        language=language,
        examples=len(gold),
        accuracy=accuracy_score(gold, predicted),
        # Averaged over the intents of the data: "not understood" is an error, not a class.
        macro_f1=f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0),
        language_id_accuracy=sum(1 for d in detected if d == language) / max(len(detected), 1),
        conversation_kept=kept,
        conversation_switched=switched,
        errors=[(t, g, p) for t, g, p in zip(texts, gold, predicted, strict=True) if g != p],
    )


async def evaluate(
    model_path: Path, languages=SUPPORTED_LANGUAGES, directory: Path = HELD_OUT_DIR
) -> Dict[str, LanguageScore]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    scores = {}
    for language in languages:
        examples = held_out_examples(language, directory)
        predicted, detected, clear = [], [], []
        for text, _ in examples:
            parsed = await agent.parse_message(text)
            predicted.append(parsed["intent"]["name"])
            detected.append((parsed.get("language_detection") or {}).get("language"))
            clear.append(next((e["value"] for e in parsed["entities"] if e["entity"] == "language"), None))
        scores[language] = score(
            language, [i for _, i in examples], predicted, detected, clear, [t for t, _ in examples]
        )
    return scores


def table(scores: Dict[str, LanguageScore]) -> str:
    lines = [
        "| language | examples | intent accuracy | macro-F1 | language id, one message alone "
        "| conversation language kept | switched to it |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores.values():
        lines.append(
            f"| {s.language} | {s.examples} | {s.accuracy:.1%} | {s.macro_f1:.3f} "
            f"| {s.language_id_accuracy:.1%} | {s.conversation_kept:.1%} | {s.conversation_switched:.1%} |"
        )
    return "\n".join(lines)


async def evaluate_all(model_path: Path) -> Tuple[Dict[str, LanguageScore], Dict[str, LanguageScore]]:
    """Scores on the held-out data, then on the romanized held-out data."""
    return await evaluate(model_path), await evaluate(model_path, ROMANIZED, ROMANIZED_DIR)


def markdown_page(scores: Dict[str, LanguageScore], romanized: Dict[str, LanguageScore], model: Path) -> str:
    import datetime as dt

    total = sum(s.examples for s in scores.values())
    mean = sum(s.accuracy for s in scores.values()) / len(scores)
    return f"""# Held-out NLU evaluation

Written by `python -m scripts.evaluate_nlu --markdown docs/nlu-evaluation.md` on {dt.date.today()}
(model `{model.name}`). The held-out data (`tests/nlu/<lang>.yml`, {total} utterances) was written
separately from the training data; no training sentence may repeat a held-out or end-to-end sentence,
word for word or with 80% of its words (`tests/test_data.py` checks this).

Language identification is measured two ways:

- *One message alone*: the share of utterances whose language the identifier names without any
  context. Many real messages carry no language at all ("ok", "ECFMG?", "J1?", "English please" in the
  Spanish set), so this cannot reach 100%.
- *In a conversation*, as the assistant runs it (`bot.language_policy`): **kept** is the share of
  utterances after which a conversation already in that language is still in it (the message is
  answered in the right language); **switched to it** is the share of utterances of three words or
  more that move a conversation in any of the nine other languages to this one. Requests for a
  language by name (`change_language`) are left out of both: they switch on purpose.

{table(scores)}

Mean intent accuracy: {mean:.1%}. Predictions below the fallback threshold count as errors.

## Typed in Latin letters

Many people type Arabic, Persian, Russian or Ukrainian in Latin letters on a phone (Arabizi
"3ayez a3raf", Finglish "mikham bedoonam", translit "ya vrach", "ya likar"). Their held-out data
(`tests/nlu/romanized/<lang>.yml`, {sum(s.examples for s in romanized.values())} utterances, written
apart from the training data's romanized examples) is scored on its own, so the table above stays
comparable over time. The language is right when it is the language typed, whatever the script.

{table(romanized)}
"""


def main() -> None:
    from scripts.train import model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the scores here")
    parser.add_argument("--errors", action="store_true", help="list misclassified examples")
    parser.add_argument("--markdown", type=Path, default=None, help="write the table as a Markdown page")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.WARNING)
    scores, romanized = asyncio.run(evaluate_all(args.model or model_path()))
    print(table(scores))
    print("\nTyped in Latin letters (tests/nlu/romanized):\n" + table(romanized))
    if args.errors:
        for label, results in (("", scores), ("romanized ", romanized)):
            for s in results.values():
                for text, gold, predicted in s.errors:
                    print(f"  {label}{s.language}  {gold:>26} → {predicted:<26} {text}")
    if args.json:
        args.json.write_text(json.dumps({
            "held_out": {k: asdict(v) for k, v in scores.items()},
            "romanized": {k: asdict(v) for k, v in romanized.items()},
        }, indent=2))
    if args.markdown:
        args.markdown.write_text(
            markdown_page(scores, romanized, args.model or model_path()), encoding="utf-8"
        )


if __name__ == "__main__":
    main()

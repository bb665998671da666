"""Understanding figures: intents and language id per language (scripts.evaluate_nlu), also for the
romanized held-out data, entity F1 of the gazetteer on the annotated held-out data, and the intent
confusion matrix."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Dict

from bot.config import load_settings
from bot.gazetteer import cached_index
from bot.languages import SUPPORTED_LANGUAGES
from scripts.evaluate_nlu import HELD_OUT_DIR, LanguageScore, evaluate_all
from scripts.train import model_path

ENTITY_TYPES = ("city", "us_state", "profession", "country")


def entity_scores() -> Dict[str, Dict[str, float]]:
    """Exact-span precision/recall/F1 per entity type, all languages together."""
    from rasa.shared.nlu.training_data.loading import load_data

    index = cached_index(str(load_settings().gazetteer_dir))
    counts: Dict[str, Counter] = {t: Counter() for t in ENTITY_TYPES}
    for language in SUPPORTED_LANGUAGES:
        for message in load_data(str(HELD_OUT_DIR / f"{language}.yml")).intent_examples:
            text = message.get("text")
            gold = {(e["entity"], e["start"], e["end"]) for e in message.get("entities") or []}
            found = {(m.entity, m.start, m.end) for m in index.find(text) if m.entity in ENTITY_TYPES}
            for kind in ENTITY_TYPES:
                g = {x for x in gold if x[0] == kind}
                f = {x for x in found if x[0] == kind}
                counts[kind].update(tp=len(g & f), fp=len(f - g), fn=len(g - f))
    scores = {}
    for kind, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[kind] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                        "support": c["tp"] + c["fn"]}
    return scores


def per_language(scores: Dict[str, LanguageScore]) -> Dict[str, Dict[str, float]]:
    return {
        lang: {"examples": s.examples, "accuracy": round(s.accuracy, 4), "macro_f1": round(s.macro_f1, 4),
               "language_id_accuracy": round(s.language_id_accuracy, 4),
               "conversation_kept": round(s.conversation_kept, 4),
               "conversation_switched": round(s.conversation_switched, 4)}
        for lang, s in scores.items()
    }


def understanding() -> Dict:
    scores, romanized = asyncio.run(evaluate_all(model_path()))
    confusion: Counter = Counter()
    for score in scores.values():
        for _, gold, predicted in score.errors:
            confusion[(gold, predicted)] += 1
    return {
        "intents": per_language(scores),
        "romanized": per_language(romanized),
        "entities": entity_scores(),
        "confusions": [
            {"gold": g, "predicted": p, "count": n} for (g, p), n in confusion.most_common()
        ],
    }

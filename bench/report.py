"""Turns the benchmark results into JSON, a Markdown summary and PNG charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

TARGETS = {
    "p95 ratio c=1": 1.0,
    "p95 ratio c=10": 1.0,
    "p95 ratio c=50": 1.3,
    "throughput msg/s": 40.0,
    "throughput ratio": 1.5,
    "cold start ratio": 1.0,
    "training s": 300.0,
    "memory MB": 2048.0,
    "intent accuracy": 0.97,
    "language id": 0.99,
}


def _load_at(figures: Dict, concurrency: int) -> Dict:
    return next(level for level in figures["load"] if level["concurrency"] == concurrency)


def comparison_rows(results: Dict) -> List[List[str]]:
    ours, base = results["ours"], results["baseline"]
    rows = []
    for c in (1, 10, 50):
        o, b = _load_at(ours, c), _load_at(base, c)
        for q in ("p50_ms", "p95_ms", "p99_ms"):
            target = TARGETS.get(f"p95 ratio c={c}") if q == "p95_ms" else None
            rows.append(_row(f"latency {q[:3]} at {c} concurrent (ms)", o[q], b[q], target, lower=True))
        rows.append(_row(f"errors at {c} concurrent", o["errors"], b["errors"], None, lower=True))
    o_tp = max(level["throughput_msg_per_s"] for level in ours["load"])
    b_tp = max(level["throughput_msg_per_s"] for level in base["load"])
    rows.append(_row("throughput at saturation (msg/s)", o_tp, b_tp, TARGETS["throughput ratio"], lower=False,
                     absolute=f"≥ {TARGETS['throughput msg/s']:.0f} msg/s"))
    rows.append(_row("cold start to first answer (s)", ours["cold_start_s"], base["cold_start_s"],
                     TARGETS["cold start ratio"], lower=True))
    rows.append(_row("resident memory, all processes (MB)", ours["memory_total_mb"], base["memory_total_mb"],
                     None, lower=True, absolute="≤ 2048 MB"))
    if "training_s" in ours:
        rows.append(_row("training from scratch (s)", ours["training_s"], base["training_s"], None,
                         lower=True, absolute="≤ 300 s"))
    rows.append(_row("training, cache warm (s)", ours["training_cached_s"], None, None, lower=True))
    return rows


def _row(name, ours, base, ratio_target, lower: bool, absolute: str = "") -> List[str]:
    ratio = (ours / base) if base else None
    target = f"ratio ≤ {ratio_target}" if ratio_target and lower else (
        f"ratio ≥ {ratio_target}" if ratio_target else "")
    target = ", ".join(t for t in (target, absolute) if t)
    base_text = "" if base is None else f"{base}"
    return [name, f"{ours}", base_text, "" if ratio is None else f"{ratio:.2f}", target]


def _marked(share: float, target: str) -> str:
    return f"{share:.1%}" + ("" if share >= TARGETS[target] else " ✗")


def markdown(results: Dict, charts: List[str]) -> str:
    lines = [
        f"# Benchmark {results['date']}",
        "",
        f"Machine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']}. Baseline: "
        "Rasa's `rasa init` moodbot, trained and served the same way in the same run. Load: concurrent "
        "multi-turn conversations through the REST channel (ours: the ten-language end-to-end scripts' "
        "messages).",
        "",
        "| measure | IHP Navigator | baseline | ratio | target |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in comparison_rows(results)]
    u = results["understanding"]
    lines += [
        "", "## Understanding (held-out data)", "",
        f"Targets: intent accuracy ≥ {TARGETS['intent accuracy']:.0%} and language identification ≥ "
        f"{TARGETS['language id']:.0%} in every language (✗ marks a miss). Language identification is "
        "shown for one message alone, without context (\"ok\" or \"ECFMG?\" name no language), and in "
        "a conversation as the assistant runs it: *kept* is the share of messages after which a "
        "conversation in that language is still in it, *switched* the share of messages of three words "
        "or more that move a conversation in another language to it (see docs/nlu-evaluation.md).",
        "",
        "| language | intent accuracy | macro-F1 | language id, one message alone | kept in conversation "
        "| switched to it |",
        "|---|---|---|---|---|---|",
    ]
    for lang, s in u["intents"].items():
        lines.append(
            f"| {lang} | {_marked(s['accuracy'], 'intent accuracy')} | {s['macro_f1']:.3f} "
            f"| {s['language_id_accuracy']:.1%} | {_marked(s['conversation_kept'], 'language id')} "
            f"| {_marked(s['conversation_switched'], 'language id')} |"
        )
    if u.get("romanized"):  # results of runs before 2026-11-24 have no romanized data
        lines += [
            "", "Typed in Latin letters (Arabizi, Finglish, Russian and Ukrainian translit; "
            "tests/nlu/romanized, scored apart):", "",
            "| language | examples | intent accuracy | language id, one message alone | kept in conversation "
            "| switched to it |",
            "|---|---|---|---|---|---|",
        ]
        for lang, s in u["romanized"].items():
            lines.append(
                f"| {lang} | {s['examples']} | {s['accuracy']:.1%} | {s['language_id_accuracy']:.1%} "
                f"| {s['conversation_kept']:.1%} | {s['conversation_switched']:.1%} |"
            )
    lines += ["", "| entity | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for kind, s in u["entities"].items():
        lines.append(
            f"| {kind} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
        )
    lines += ["", "Most frequent intent confusions (gold → predicted):", ""]
    lines += [f"- {c['gold']} → {c['predicted']}: {c['count']}" for c in u["confusions"][:10]]
    lines += [""] + [f"![{Path(c).stem}]({Path(c).name})" for c in charts]
    return "\n".join(lines) + "\n"


def charts(results: Dict, directory: Path, stem: str) -> List[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=False)
    for ax, c in zip(axes, (1, 10, 50), strict=True):
        o, b = _load_at(results["ours"], c), _load_at(results["baseline"], c)
        qs = ("p50_ms", "p95_ms", "p99_ms")
        x = range(len(qs))
        ax.bar([i - 0.2 for i in x], [o[q] for q in qs], 0.4, label="IHP Navigator")
        ax.bar([i + 0.2 for i in x], [b[q] for q in qs], 0.4, label="baseline")
        ax.set_xticks(list(x), ["p50", "p95", "p99"])
        ax.set_title(f"{c} concurrent")
        ax.set_ylabel("ms")
    axes[0].legend()
    fig.tight_layout()
    paths.append(directory / f"{stem}-latency.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    intents = results["understanding"]["intents"]
    fig, ax = plt.subplots(figsize=(8, 3.4))
    langs = list(intents)
    ax.bar(langs, [intents[lang]["accuracy"] * 100 for lang in langs], label="intent accuracy")
    ax.plot(langs, [intents[lang]["language_id_accuracy"] * 100 for lang in langs], "o-", color="C1",
            label="language id, one message alone")
    ax.plot(langs, [intents[lang]["conversation_kept"] * 100 for lang in langs], "s-", color="C2",
            label="language kept in conversation")
    ax.set_ylim(80, 100)
    ax.set_ylabel("%")
    ax.legend(loc="lower right")
    fig.tight_layout()
    paths.append(directory / f"{stem}-understanding.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    confusions = results["understanding"]["confusions"][:15]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{c['gold']} → {c['predicted']}" for c in confusions][::-1]
    ax.barh(labels, [c["count"] for c in confusions][::-1])
    ax.set_xlabel("held-out utterances (all languages)")
    ax.set_title("Most frequent intent confusions")
    fig.tight_layout()
    paths.append(directory / f"{stem}-confusions.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def free_stem(directory: Path, day: str) -> str:
    """`2026-11-24`, or `2026-11-24b`, `…c` for later runs of the same day: no run overwrites another."""
    for suffix in [""] + [chr(c) for c in range(ord("b"), ord("z") + 1)]:
        if not (directory / f"{day}{suffix}.json").exists():
            return day + suffix
    raise SystemExit(f"error: {directory} already holds 25 runs of {day}")


def write_report(results: Dict, directory: Path) -> List[Path]:
    stem = free_stem(directory, results["date"][:10])
    json_path = directory / f"{stem}.json"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    chart_paths = charts(results, directory, stem)
    page = markdown(results, [str(p) for p in chart_paths])
    md_path = directory / f"{stem}.md"
    md_path.write_text(page, encoding="utf-8")
    (directory / "latest.md").write_text(page, encoding="utf-8")
    return [json_path, md_path, directory / "latest.md", *chart_paths]

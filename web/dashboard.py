"""Figures for the console's dashboard and its CSV export, from the handoffs and their activity."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from typing import Any, Dict, Iterable, List, Mapping, Tuple

# The barriers internationally educated health professionals name (the seed study 000_…), and the
# topics people ask the assistant about that belong to each ("costs": they wrote about money, see
# data/gazetteer/costs.yml).
BARRIER_THEMES = {
    "costs": ("costs",),
    "credential verification": ("credential evaluation", "ECFMG certification", "VisaScreen"),
    "English requirements": ("English tests",),
    "visas and immigration": ("visas", "J-1 visa", "H-1B visa", "green card"),
    "finding a program": ("support programs",),
    "exams and licensing steps": ("licensing pathway", "personal roadmap", "official websites"),
}
WEEKS = 12
CSV_COLUMNS = ("reference", "created_at_utc", "status", "language", "channel", "reason", "profession",
               "country", "state", "immigration_status", "topics", "minutes_to_first_reply")


def week_of(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def bars(counts: Mapping[str, int] | Iterable[Tuple[str, int]]) -> List[Dict[str, Any]]:
    """Rows of a bar chart, each with its share of the largest (for the bar's length)."""
    items = list(counts.items()) if isinstance(counts, Mapping) else list(counts)
    largest = max((n for _, n in items), default=0) or 1
    return [{"label": label, "count": n, "share": n / largest} for label, n in items]


PALETTE = ("#0b5cad", "#e8710a", "#1e8e3e", "#9334e6", "#d93025", "#12b5cb", "#f9ab00", "#5f6368",
           "#e52592", "#795548")


def weekly_breakdown(handoffs: List[Dict[str, Any]], weeks: List[str], key) -> Dict[str, Any]:
    """Per week, how many handoffs of each kind (`key(handoff)` gives the kinds): a stacked chart's rows."""
    totals = Counter(kind for h in handoffs if week_of(h["created_at"]) in weeks for kind in key(h))
    series = [kind for kind, _ in totals.most_common(len(PALETTE))]
    counts = {week: Counter() for week in weeks}
    for h in handoffs:
        week = week_of(h["created_at"])
        if week in counts:
            counts[week].update(kind for kind in key(h) if kind in series)
    largest = max((sum(c.values()) for c in counts.values()), default=0) or 1
    rows = []
    for week in weeks:
        offset, segments = 0.0, []
        for index, kind in enumerate(series):
            share = counts[week][kind] / largest
            if share:
                segments.append({"kind": kind, "count": counts[week][kind], "offset": offset, "share": share,
                                 "color": PALETTE[index]})
            offset += share
        rows.append({"label": week, "count": sum(counts[week].values()), "segments": segments})
    return {"series": [{"kind": k, "color": PALETTE[i]} for i, k in enumerate(series)], "rows": rows}


def dashboard_figures(
    handoffs: List[Dict[str, Any]], first_replies: Mapping[str, dt.datetime], now: dt.datetime,
    language_name=lambda code: code, channel_name=lambda channel: channel or "unknown",
) -> Dict[str, Any]:
    weeks = [week_of(now - dt.timedelta(weeks=n)) for n in range(WEEKS - 1, -1, -1)]
    per_week = Counter(week_of(h["created_at"]) for h in handoffs)
    waits = {
        h["reference"]: (first_replies[h["reference"]] - h["created_at"]).total_seconds() / 60
        for h in handoffs if h["reference"] in first_replies
    }
    topics = Counter(topic for h in handoffs for topic in h["topics"])
    themes = Counter({
        theme: sum(1 for h in handoffs if set(h["topics"]) & set(members))
        for theme, members in BARRIER_THEMES.items()
    })
    median_wait = statistics.median(waits.values()) if waits else None
    return {
        "total": len(handoffs),
        "open": sum(1 for h in handoffs if h["status"] != "resolved"),
        "median_minutes_to_first_reply": round(median_wait) if median_wait is not None else None,
        "answered": len(waits),
        "per_week": bars((week, per_week.get(week, 0)) for week in weeks),
        "weekly_by_language": weekly_breakdown(handoffs, weeks, lambda h: [language_name(h["language"])]),
        "weekly_by_channel": weekly_breakdown(handoffs, weeks, lambda h: [channel_name(h["channel"])]),
        "weekly_by_topic": weekly_breakdown(handoffs, weeks, lambda h: h["topics"]),
        "by_language": bars(Counter(language_name(h["language"]) for h in handoffs).most_common()),
        "by_channel": bars(Counter(channel_name(h["channel"]) for h in handoffs).most_common()),
        "by_topic": bars(topics.most_common()),
        "by_theme": bars(themes.most_common()),
        "waits": waits,
    }


def handoffs_csv(handoffs: List[Dict[str, Any]], waits: Mapping[str, float]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for h in handoffs:
        profile = h["profile"]
        wait = waits.get(h["reference"])
        writer.writerow([
            h["reference"], h["created_at"].strftime("%Y-%m-%d %H:%M"), h["status"], h["language"] or "",
            h["channel"] or "", h["reason"], profile.get("profession", ""), profile.get("country", ""),
            profile.get("us_state") or profile.get("place", ""), profile.get("immigration_status", ""),
            "; ".join(h["topics"]), "" if wait is None else round(wait),
        ])
    return out.getvalue()

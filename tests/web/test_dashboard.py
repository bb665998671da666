import csv
import datetime as dt
import io

from web.dashboard import dashboard_figures, handoffs_csv, week_of

NOW = dt.datetime(2026, 11, 23, 12, 0)


def handoff(reference, days_ago, language="es", channel="socketio", topics=("English tests",), status="open"):
    return {"reference": reference, "created_at": NOW - dt.timedelta(days=days_ago), "language": language,
            "channel": channel, "topics": list(topics), "status": status, "reason": "requested",
            "profile": {"profession": "nurse", "us_state": "TX"}}


HANDOFFS = [
    handoff("H-1", 0, topics=("English tests", "visas")),
    handoff("H-2", 1, "ar", "telegram", topics=("credential evaluation",), status="resolved"),
    handoff("H-3", 8, topics=()),
    handoff("H-4", 400),  # over a year ago: counted in totals, not in the last twelve weeks
]
REPLIES = {"H-1": NOW + dt.timedelta(minutes=30), "H-2": NOW - dt.timedelta(days=1, minutes=-90)}


def test_counts_per_week_language_channel_topic_and_barrier():
    figures = dashboard_figures(HANDOFFS, REPLIES, NOW)
    assert figures["total"] == 4 and figures["open"] == 3
    weeks = {row["label"]: row["count"] for row in figures["per_week"]}
    assert len(weeks) == 12 and sum(weeks.values()) == 3  # 2026-11-23 is a Monday: H-2 is last week
    assert weeks[week_of(NOW)] == 1 and weeks[week_of(NOW - dt.timedelta(days=1))] == 1
    assert {r["label"]: r["count"] for r in figures["by_language"]} == {"es": 3, "ar": 1}
    assert {r["label"]: r["count"] for r in figures["by_channel"]} == {"socketio": 3, "telegram": 1}
    themes = {r["label"]: r["count"] for r in figures["by_theme"]}
    assert themes["English requirements"] == 2 and themes["credential verification"] == 1
    assert themes["visas and immigration"] == 1 and themes["finding a program"] == 0
    assert max(r["share"] for r in figures["by_language"]) == 1.0


def test_median_time_to_the_first_reply_counts_answered_handoffs_only():
    figures = dashboard_figures(HANDOFFS, REPLIES, NOW)
    assert figures["median_minutes_to_first_reply"] == 60 and figures["answered"] == 2
    assert dashboard_figures(HANDOFFS, {}, NOW)["median_minutes_to_first_reply"] is None


def test_the_csv_has_one_row_per_handoff_and_no_conversation_ids():
    figures = dashboard_figures(HANDOFFS, REPLIES, NOW)
    rows = list(csv.DictReader(io.StringIO(handoffs_csv(HANDOFFS, figures["waits"]))))
    assert [r["reference"] for r in rows] == ["H-1", "H-2", "H-3", "H-4"]
    assert rows[0]["minutes_to_first_reply"] == "30" and rows[2]["minutes_to_first_reply"] == ""
    assert rows[0]["topics"] == "English tests; visas" and rows[0]["state"] == "TX"
    assert "conversation_id" not in rows[0]


def test_weekly_breakdowns_stack_each_weeks_handoffs_by_kind():
    figures = dashboard_figures(HANDOFFS, REPLIES, NOW)
    by_language = figures["weekly_by_language"]
    assert [s["kind"] for s in by_language["series"]] == ["es", "ar"]
    this_week, last_week = by_language["rows"][-1], by_language["rows"][-2]
    assert [(s["kind"], s["count"]) for s in this_week["segments"]] == [("es", 1)]
    assert [(s["kind"], s["count"]) for s in last_week["segments"]] == [("ar", 1)]
    assert this_week["segments"][0]["offset"] == 0.0
    topics = figures["weekly_by_topic"]["rows"][-1]
    assert {s["kind"] for s in topics["segments"]} == {"English tests", "visas"} and topics["count"] == 2

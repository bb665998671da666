import datetime as dt

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.renderer import Renderer
from web.console import _safe_next, case_brief, conversation_lines, filtered

HANDOFF = {
    "reference": "H-ABC123", "language": "es", "channel": "socketio", "reason": "requested", "status": "open",
    "profile": {"profession": "nurse", "country": "CO", "us_state": "TX", "immigration_status": "green_card"},
    "topics": ["licensing pathway", "English tests"], "created_at": dt.datetime(2026, 11, 20, 9, 0),
}


def test_the_brief_is_in_english_whatever_the_persons_language():
    brief = case_brief(HANDOFF, Renderer(Catalogs.load(load_settings().locales_dir)), None)
    assert brief["language"] == "Spanish"
    assert brief["country of training"] == "Colombia"
    assert brief["state"] == "Texas"
    assert brief["topics asked"] == "licensing pathway, English tests"
    assert brief["reason"] == "asked for a person"
    assert brief["roadmap"] == "none"
    assert brief["profession"] == "nurse" and brief["channel"] == "web widget"


def test_a_brief_with_nothing_known_says_so():
    empty = {**HANDOFF, "profile": {}, "topics": [], "reason": "not_understood", "language": None}
    brief = case_brief(empty, Renderer(Catalogs.load(load_settings().locales_dir)), None)
    assert brief["profession"] == brief["state"] == brief["status"] == "not given"
    assert brief["reason"] == "the bot did not understand twice"


def test_conversation_lines_keep_the_text_verbatim_and_label_the_topic_in_english():
    events = [
        {"event": "user", "text": "¿qué examen tomo? <script>", "timestamp": 1795000000,
         "parse_data": {"intent": {"name": "ask_english_test"}}},
        {"event": "bot", "text": "El IELTS…", "timestamp": 1795000001, "metadata": {"language": "es"}},
        {"event": "slot", "name": "language", "value": "es"},
        {"event": "bot", "text": "Hola, soy Ana", "timestamp": 1795000002, "metadata": {"sender": "staff"}},
    ]
    lines = conversation_lines(events)
    assert [(line["who"], line["text"]) for line in lines] == [
        ("person", "¿qué examen tomo? <script>"), ("bot", "El IELTS…"), ("case manager", "Hola, soy Ana"),
    ]
    assert lines[0]["topic"] == "English tests" and lines[0]["at"].startswith("2026-")
    assert len(conversation_lines(events * 20, limit=5)) == 5
    pressed = {"event": "user", "text": '/change_language{"requested_language":"es"}',
               "timestamp": 1795000003, "parse_data": {"intent": {"name": "change_language"}}}
    assert conversation_lines([pressed])[0]["text"] == "(button: change language)"


def test_filters_narrow_the_inbox():
    other = {**HANDOFF, "reference": "H-OTHER", "language": "ar", "profile": {"us_state": "MI"},
             "created_at": dt.datetime(2026, 10, 1)}
    now = dt.datetime(2026, 11, 23)
    assert filtered([HANDOFF, other], {"language": "ar"}, now) == [other]
    assert filtered([HANDOFF, other], {"state": "TX", "status": "open"}, now) == [HANDOFF]
    assert filtered([HANDOFF, other], {"age": "7"}, now) == [HANDOFF]
    assert filtered([HANDOFF, other], {}, now) == [HANDOFF, other]


def test_after_login_only_paths_on_this_site_are_followed():
    assert _safe_next("/cases/H-1") == "/cases/H-1"
    for unsafe in (None, "", "https://evil.example", "//evil.example", "javascript:alert(1)"):
        assert _safe_next(unsafe) == "/"

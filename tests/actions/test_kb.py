import copy
import datetime as dt

import pytest

from actions.kb import domain_response_names, due_for_review, read_kb, rows_for, validate
from actions.store import Store, create_engine
from bot.config import load_settings


@pytest.fixture(scope="module")
def kb():
    settings = load_settings()
    return read_kb(settings.kb_dir, settings.gazetteer_dir)


@pytest.fixture
def store(tmp_path, kb):
    store = Store(create_engine(f"sqlite:///{tmp_path / 'app.db'}"))
    store.replace_kb(*rows_for(kb))
    return store


def test_the_knowledge_base_is_valid(kb):
    assert validate(kb, domain_response_names()) == []


def test_every_entry_has_sources_and_a_review_date(kb):
    entries = list(kb["professions"]["professions"].values()) + list(kb["topics"]["topics"].values())
    for entry in entries + kb["programs"]["programs"]:
        assert entry["sources"] and isinstance(entry["last_reviewed"], dt.date)


def test_validation_catches_problems(kb):
    broken = copy.deepcopy(kb)
    broken["programs"]["programs"][0]["url"] = "not a url"
    del broken["professions"]["professions"]["nurse"]["sources"]
    broken["topics"]["topics"]["ecfmg"]["answer"] = "utter_missing"
    errors = "\n".join(validate(broken, domain_response_names()))
    assert "url is not a URL" in errors and "no sources" in errors and "utter_missing" in errors


@pytest.mark.parametrize(
    "state, expected",
    [
        ("WA", {"wbc_puget_sound", "wbc_northwest_washington", "timga"}),
        ("PA", {"welcoming_center_philadelphia", "drexel_reentry"}),
        ("CA", {"ucla_img", "wbc_san_diego"}),
        ("MN", {"mn_img_program"}),
        ("CO", {"wbc_colorado", "cpep"}),
    ],
)
def test_programs_by_state(store, state, expected):
    assert {p["id"] for p in store.programs_in_state(state)} == expected


def test_every_seed_program_is_in_the_kb(kb):
    ids = {p["id"] for p in kb["programs"]["programs"]}
    seeds = {"ucla_img", "mn_img_program", "whitetulip", "gt_docs", "timga", "drexel_reentry", "cpep",
             "kstar",
             "wbc_puget_sound", "wbc_northwest_washington", "wbc_colorado", "wbc_suburban_maryland",
             "welcoming_center_philadelphia", "wbc_syracuse", "wbc_rhode_island", "nmrc_maine"}
    assert seeds <= ids


def test_no_program_state_returns_nothing(store):
    assert store.programs_in_state("OH") == []


def test_professions_and_aliases_are_queryable(store):
    assert store.kb_entry("profession", "nurse")["answers"]["pathway"] == "utter_pathway_nurse"
    assert store.kb_entry("profession", "midwife")["answers"]["pathway"] == "utter_pathway_other"
    assert store.kb_entry("state", "WA")["name"] == "Washington"


def test_handoff_is_durable(store):
    reference = store.create_handoff("c1", "rest", "es", "requested", {"profession": "nurse"}, ["visas"])
    [handoff] = store.handoffs_for("c1")
    assert handoff["reference"] == reference
    assert handoff["profile"] == {"profession": "nurse"} and handoff["topics"] == ["visas"]
    assert handoff["status"] == "requested"


def test_review_lists_entries_older_than_a_year_and_check_notes(kb):
    kb = copy.deepcopy(kb)
    program = kb["programs"]["programs"][0]
    program["last_reviewed"] = dt.date(2025, 1, 10)
    due = due_for_review(kb, today=dt.date(2026, 11, 23))
    assert (f"programs.{program['id']}", "last reviewed 2025-01-10, over 12 months ago") in due
    flagged = {where for where, why in due if why.startswith("CHECK: ")}
    assert flagged == {
        where for where, entry in
        [(f"programs.{p['id']}", p) for p in kb["programs"]["programs"]]
        + [(f"topics.{k}", t) for k, t in kb["topics"]["topics"].items()]
        + [(f"professions.{k}", p) for k, p in kb["professions"]["professions"].items()]
        if entry.get("check")
    }


def test_fresh_entries_without_notes_are_not_due(kb):
    kb = copy.deepcopy(kb)
    for section, key in (("programs", None), ("topics", "topics"), ("professions", "professions")):
        entries = kb[section]["programs"] if key is None else kb[section][key].values()
        for entry in entries:
            entry.pop("check", None)
            entry["last_reviewed"] = dt.date(2026, 6, 1)
    assert due_for_review(kb, today=dt.date(2026, 11, 23)) == []

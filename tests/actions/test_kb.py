import copy
import datetime as dt

import pytest

from actions.kb import (
    domain_response_names,
    due_for_review,
    missing_translations,
    read_kb,
    rows_for,
    validate,
)
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
    entries += list(kb["roadmaps"]["roadmaps"].values()) + kb["roadmaps"]["state_notes"]
    entries += [t for t in kb["glossary"]["terms"].values() if "topic" not in t]
    for entry in entries + kb["programs"]["programs"]:
        assert entry["sources"] and isinstance(entry["last_reviewed"], dt.date)


def test_validation_catches_problems(kb):
    broken = copy.deepcopy(kb)
    broken["programs"]["programs"][0]["url"] = "not a url"
    del broken["professions"]["professions"]["nurse"]["sources"]
    broken["topics"]["topics"]["ecfmg"]["answer"] = "utter_missing"
    errors = "\n".join(validate(broken, domain_response_names()))
    assert "url is not a URL" in errors and "no sources" in errors and "utter_missing" in errors


def test_program_languages_are_stated_with_their_source_or_marked_not_published(kb):
    assert all("languages" in program for program in kb["programs"]["programs"])
    broken = copy.deepcopy(kb)
    programs = broken["programs"]["programs"]
    del programs[0]["languages"]
    programs[1]["languages"] = ["es", "klingon"]
    programs[1]["languages_source"] = "https://example.org/languages"
    programs[2]["languages"] = ["es"]
    programs[2].pop("languages_source", None)
    errors = validate(broken, domain_response_names())
    first, second, third = (f"programs.{program['id']}" for program in programs[:3])
    assert f"{first}: languages must be a list of language codes or 'not_published'" in errors
    assert f"{second}: unknown language code 'klingon'" in errors
    assert f"{third}: languages need a languages_source URL" in errors


def test_roadmap_validation_catches_problems(kb):
    broken = copy.deepcopy(kb)
    del broken["roadmaps"]["roadmaps"]["midwife"]
    broken["roadmaps"]["roadmaps"]["nurse"]["steps"][0]["done_with"] = ["nclex", "moon_landing"]
    broken["roadmaps"]["roadmaps"]["dentist"]["steps"][0]["site"] = "ece.org"
    broken["roadmaps"]["state_notes"][0]["states"] = ["Tennessee"]
    broken["roadmaps"]["state_notes"][1]["professions"] = ["astronaut"]
    errors = "\n".join(validate(broken, domain_response_names()))
    for problem in (
        "no roadmap for profession 'midwife'",
        "unknown milestone 'moon_landing'",
        "site is not a URL",
        "states must be two-letter codes",
        "no roadmap for profession 'astronaut'",
    ):
        assert problem in errors


def test_glossary_validation_catches_problems(kb):
    broken = copy.deepcopy(kb)
    terms = broken["glossary"]["terms"]
    terms["ecfmg"]["topic"] = "astrology"
    del terms["att"]["sources"]
    terms["match"]["answer"] = "utter_missing"
    terms["moon"] = {**terms["att"], "sources": ["https://m.gov"]}
    del terms["oet"]
    terms["tn"]["answers_for"] = ["visa", "weather"]
    errors = "\n".join(validate(broken, domain_response_names()))
    for problem in (
        "glossary.ecfmg: unknown topic 'astrology'",
        "glossary.att: no sources",
        "glossary.match: answer 'utter_missing'",
        "glossary.moon: no gazetteer names find it",
        "gazetteer term 'oet' has no glossary entry",
        "glossary.tn: answers_for names an unknown topic 'weather'",
    ):
        assert problem in errors


def test_glossary_terms_explained_by_a_topic_get_its_answer_and_sources(store, kb):
    ecfmg = store.kb_entry("term", "ecfmg")
    assert ecfmg["answer"] == "utter_ecfmg" and ecfmg["sources"] == kb["topics"]["topics"]["ecfmg"]["sources"]
    assert store.kb_entry("term", "o1")["answers_for"] == ["visa"]
    assert store.kb_entry("term", "h1b")["answers_for"] == ["visa"]
    ordered = sorted(store.kb_entries("term"), key=lambda e: e["order"])
    assert [e["key"] for e in ordered] == list(kb["glossary"]["terms"])


def test_every_kb_text_is_in_every_catalog(kb):
    from bot.catalog import po_path, read_catalog
    from bot.languages import SUPPORTED_LANGUAGES

    locales = load_settings().locales_dir
    catalogs = {lang: read_catalog(po_path(locales, lang)) for lang in SUPPORTED_LANGUAGES}
    assert missing_translations(kb, catalogs) == []
    del catalogs["fa"]["roadmap.detail.nurse.nclex"]
    expected = ["catalog fa: no translation of 'roadmap.detail.nurse.nclex'"]
    assert missing_translations(kb, catalogs) == expected


def test_roadmaps_carry_their_state_notes(store):
    physician = store.kb_entry("roadmap", "physician")
    assert [s["id"] for s in physician["steps"]][:3] == ["school_check", "ecfmg_application", "usmle_step1"]
    assert {n["id"] for n in physician["state_notes"]} >= {"physician_tn", "physician_alternative"}
    assert all("physician" in n["professions"] for n in physician["state_notes"])
    assert store.kb_entry("roadmap", "physician_assistant")["steps"][0]["id"] == "pa_program"


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
    assert store.kb_entry("profession", "midwife")["alias_of"] == "other"
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
        + [(f"roadmaps.{k}", r) for k, r in kb["roadmaps"]["roadmaps"].items()]
        + [(f"state_notes.{n['id']}", n) for n in kb["roadmaps"]["state_notes"]]
        + [(f"glossary.{k}", t) for k, t in kb["glossary"]["terms"].items()]
        if entry.get("check")
    }


def test_fresh_entries_without_notes_are_not_due(kb):
    kb = copy.deepcopy(kb)
    sections = (kb["programs"]["programs"], kb["topics"]["topics"].values(),
                kb["professions"]["professions"].values(), kb["roadmaps"]["roadmaps"].values(),
                kb["roadmaps"]["state_notes"],
                [t for t in kb["glossary"]["terms"].values() if "topic" not in t])
    for entries in sections:
        for entry in entries:
            entry.pop("check", None)
            entry["last_reviewed"] = dt.date(2026, 6, 1)
    assert due_for_review(kb, today=dt.date(2026, 11, 23)) == []


def test_a_conversations_roadmap_keeps_one_stable_link(store):
    token = store.save_roadmap("c9", "es", {"profession": "nurse"})
    assert store.save_roadmap("c9", "en", {"profession": "nurse", "us_state": "OH"}) == token
    record = store.roadmap(token)
    assert record["language"] == "en" and record["profile"]["us_state"] == "OH"
    assert store.save_roadmap("c10", "es", {}) != token
    assert store.roadmap("no-such-token") is None

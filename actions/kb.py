"""The knowledge base: reviewed YAML under data/kb/, validated and loaded into the app database.

    python -m actions.kb check   # validate the YAML (schema, URLs, review dates, references, translations)
    python -m actions.kb review  # entries due for review: older than 12 months, or flagged CHECK
    python -m actions.kb load    # validate, then replace the KB tables in DATABASE_URL
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml
from babel import Locale

from actions.answers import INTENT_TOPICS
from bot.catalog import po_path, read_catalog
from bot.config import PROJECT_ROOT, load_settings
from bot.languages import SUPPORTED_LANGUAGES

URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
STATE_CODE = re.compile(r"[A-Z]{2}")
NOT_PUBLISHED = "not_published"
# Place names are reference data (USPS codes, city names), not facts that age.
PLACES_REVIEWED = dt.date(2026, 11, 23)
REVIEW_AFTER_DAYS = 365
KB_FILES = ("professions", "topics", "programs", "roadmaps", "glossary")
# Milestones a person can report (the gazetteer's `milestones`); roadmap steps name them in `done_with`.
MILESTONES = frozenset(
    {
        "credential_evaluation", "english_test", "usmle_step1", "usmle_step2", "usmle_step3",
        "ecfmg_certificate", "residency", "nclex", "fpgee", "naplex", "inbde", "npte", "visascreen",
    }
)


def _read_yaml(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def read_kb(kb_dir: Path, gazetteer_dir: Path | None = None) -> Dict[str, Any]:
    kb = {name: _read_yaml(kb_dir / f"{name}.yml") for name in KB_FILES}
    gazetteer_dir = gazetteer_dir or kb_dir.parent / "gazetteer"
    places = gazetteer_dir / "places.yml"
    kb["places"] = _read_yaml(places) if places.exists() else {}
    # Every glossary term the gazetteer can find, in any language's file.
    kb["gazetteer_terms"] = {
        key
        for language in SUPPORTED_LANGUAGES
        if (gazetteer_dir / f"{language}.yml").exists()
        for key in _read_yaml(gazetteer_dir / f"{language}.yml").get("terms") or {}
    }
    return kb


def _check_sourced(where: str, entry: Dict[str, Any], errors: List[str]) -> None:
    sources = entry.get("sources") or []
    if not sources:
        errors.append(f"{where}: no sources")
    for url in sources:
        if not URL.fullmatch(str(url)):
            errors.append(f"{where}: source is not a URL: {url!r}")
    if not isinstance(entry.get("last_reviewed"), dt.date):
        errors.append(f"{where}: last_reviewed must be a date (YYYY-MM-DD)")


def validate(kb: Dict[str, Any], response_names: set) -> List[str]:
    """Every problem in the KB; an empty list means it is fit to load."""
    errors: List[str] = []
    professions = kb["professions"].get("professions") or {}
    for key, profession in professions.items():
        where = f"professions.{key}"
        _check_sourced(where, profession, errors)
        for topic in ("pathway", "credentials", "english_test", "visa"):
            answer = (profession.get("answers") or {}).get(topic)
            if answer not in response_names:
                errors.append(f"{where}: answer for {topic} {answer!r} is not a domain response")
        for body in profession.get("bodies") or []:
            if not body.get("name") or not URL.fullmatch(str(body.get("url", ""))):
                errors.append(f"{where}: body needs a name and a URL: {body!r}")
    for alias, target in (kb["professions"].get("aliases") or {}).items():
        if target not in professions:
            errors.append(f"professions.aliases.{alias}: unknown profession {target!r}")
    for key, topic in (kb["topics"].get("topics") or {}).items():
        _check_sourced(f"topics.{key}", topic, errors)
        if topic.get("answer") not in response_names:
            errors.append(f"topics.{key}: answer {topic.get('answer')!r} is not a domain response")
    seen = set()
    for program in kb["programs"].get("programs") or []:
        where = f"programs.{program.get('id')}"
        if program.get("id") in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(program.get("id"))
        _check_sourced(where, program, errors)
        for field in ("id", "name", "url", "services"):
            if not program.get(field):
                errors.append(f"{where}: missing {field}")
        if not URL.fullmatch(str(program.get("url", ""))):
            errors.append(f"{where}: url is not a URL")
        if not program.get("national") and not STATE_CODE.fullmatch(str(program.get("state", ""))):
            errors.append(f"{where}: a local program needs a state code")
        _check_program_languages(where, program, errors)
    _validate_roadmaps(kb, set(professions) | set(kb["professions"].get("aliases") or {}), errors)
    _validate_glossary(kb, response_names, errors)
    return errors


def _check_program_languages(where: str, program: Dict[str, Any], errors: List[str]) -> None:
    """`languages` is stated either way: the codes the program's page gives, with that page, or
    `not_published`."""
    spoken = program.get("languages")
    if spoken == NOT_PUBLISHED:
        return
    if not isinstance(spoken, list) or not spoken:
        errors.append(f"{where}: languages must be a list of language codes or {NOT_PUBLISHED!r}")
        return
    known = Locale("en").languages
    for code in spoken:
        if code not in known:
            errors.append(f"{where}: unknown language code {code!r}")
    if not URL.fullmatch(str(program.get("languages_source", ""))):
        errors.append(f"{where}: languages need a languages_source URL")


def _validate_glossary(kb: Dict[str, Any], response_names: set, errors: List[str]) -> None:
    terms = kb["glossary"].get("terms") or {}
    topics = kb["topics"].get("topics") or {}
    for key, term in terms.items():
        where = f"glossary.{key}"
        if "topic" in term:
            if term["topic"] not in topics:
                errors.append(f"{where}: unknown topic {term['topic']!r}")
            continue
        _check_sourced(where, term, errors)
        if term.get("answer") not in response_names:
            errors.append(f"{where}: answer {term.get('answer')!r} is not a domain response")
    for key, term in terms.items():
        for topic in set(term.get("answers_for") or ()) - set(INTENT_TOPICS.values()):
            errors.append(f"glossary.{key}: answers_for names an unknown topic {topic!r}")
    for key in sorted(kb.get("gazetteer_terms", set()) - set(terms)):
        errors.append(f"gazetteer term {key!r} has no glossary entry")
    for key in sorted(set(terms) - kb.get("gazetteer_terms", set())):
        errors.append(f"glossary.{key}: no gazetteer names find it")


def _validate_roadmaps(kb: Dict[str, Any], professions: set, errors: List[str]) -> None:
    roadmaps = kb["roadmaps"].get("roadmaps") or {}
    for profession in professions - set(roadmaps):
        errors.append(f"roadmaps: no roadmap for profession {profession!r}")
    for profession, roadmap in roadmaps.items():
        where = f"roadmaps.{profession}"
        if profession not in professions:
            errors.append(f"{where}: unknown profession")
        _check_sourced(where, roadmap, errors)
        steps = roadmap.get("steps") or []
        if not steps:
            errors.append(f"{where}: no steps")
        ids = [step.get("id") for step in steps]
        if len(set(ids)) != len(ids):
            errors.append(f"{where}: duplicate step ids")
        for step in steps:
            if not URL.fullmatch(str(step.get("site", ""))):
                errors.append(f"{where}.{step.get('id')}: site is not a URL")
            for milestone in set(step.get("done_with") or []) - MILESTONES:
                errors.append(f"{where}.{step.get('id')}: unknown milestone {milestone!r}")
    seen = set()
    for note in kb["roadmaps"].get("state_notes") or []:
        where = f"state_notes.{note.get('id')}"
        if note.get("id") in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(note.get("id"))
        _check_sourced(where, note, errors)
        for profession in note.get("professions") or [None]:
            if profession not in roadmaps:
                errors.append(f"{where}: no roadmap for profession {profession!r}")
        states = note.get("states") or []
        if not states or not all(STATE_CODE.fullmatch(str(code)) for code in states):
            errors.append(f"{where}: states must be two-letter codes")
        for code in note.get("hours") or {}:
            if code not in states:
                errors.append(f"{where}: hours for {code}, which is not in states")
        if not note.get("message") or not URL.fullmatch(str(note.get("site", ""))):
            errors.append(f"{where}: needs a message and a site URL")


def missing_translations(kb: Dict[str, Any], catalogs: Dict[str, Dict[str, str]]) -> List[str]:
    """Every text the KB names that some language's catalog lacks."""
    from bot.extract import kb_message_ids

    ids = {
        message_id
        for name in KB_FILES
        for message_id, _ in kb_message_ids(kb[name])
    }
    return [
        f"catalog {language}: no translation of {message_id!r}"
        for language, messages in sorted(catalogs.items())
        for message_id in sorted(ids - set(messages))
    ]


def sourced_entries(kb: Dict[str, Any]) -> List[Tuple[str, Dict[str, Any]]]:
    """(where, entry) for every entry that carries facts: professions, topics, programs."""
    entries = [(f"professions.{k}", v) for k, v in (kb["professions"].get("professions") or {}).items()]
    entries += [(f"topics.{k}", v) for k, v in (kb["topics"].get("topics") or {}).items()]
    entries += [(f"programs.{p.get('id')}", p) for p in kb["programs"].get("programs") or []]
    entries += [(f"roadmaps.{k}", v) for k, v in (kb["roadmaps"].get("roadmaps") or {}).items()]
    entries += [(f"state_notes.{n.get('id')}", n) for n in kb["roadmaps"].get("state_notes") or []]
    entries += [
        (f"glossary.{k}", v) for k, v in (kb["glossary"].get("terms") or {}).items() if "topic" not in v
    ]
    return entries


def due_for_review(kb: Dict[str, Any], today: dt.date) -> List[Tuple[str, str]]:
    """(where, why) for entries last reviewed over REVIEW_AFTER_DAYS ago or carrying a `check:` note
    (facts the fact sheet marks CHECK: verify with the official source before relying on them)."""
    due = []
    for where, entry in sourced_entries(kb):
        reviewed = entry.get("last_reviewed")
        if isinstance(reviewed, dt.date) and (today - reviewed).days > REVIEW_AFTER_DAYS:
            due.append((where, f"last reviewed {reviewed.isoformat()}, over 12 months ago"))
        notes = entry.get("check") or []
        for note in notes if isinstance(notes, list) else [notes]:
            due.append((where, f"CHECK: {' '.join(str(note).split())}"))
    return due


def rows_for(kb: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """KB entries and program rows as the store expects them."""

    def entry(kind: str, key: str, data: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "kind": kind,
            "key": key,
            "data": json.dumps(data, default=str, ensure_ascii=False),
            "last_reviewed": data["last_reviewed"],
        }

    professions = kb["professions"]
    entries = [entry("profession", k, v) for k, v in professions["professions"].items()]
    for alias, target in (professions.get("aliases") or {}).items():
        entries.append(entry("profession", alias, {**professions["professions"][target], "alias_of": target}))
    entries += [entry("topic", k, v) for k, v in kb["topics"]["topics"].items()]
    # Each profession's roadmap carries the state notes that apply to it.
    notes = kb["roadmaps"].get("state_notes") or []
    for profession, roadmap in kb["roadmaps"]["roadmaps"].items():
        own_notes = [n for n in notes if profession in n["professions"]]
        entries.append(entry("roadmap", profession, {**roadmap, "state_notes": own_notes}))
    # A term explained by a topic gets that topic's answer, sources and review date.
    topics = kb["topics"]["topics"]
    for order, (key, term) in enumerate((kb["glossary"].get("terms") or {}).items()):
        data = {**topics[term["topic"]], **term} if "topic" in term else term
        entries.append(entry("term", key, {**data, "order": order}))
    # English names of places: cities in answers, states for staff (answers name a state from the
    # catalogs, in the person's language).
    for kind, key in (("states", "state"), ("cities", "city")):
        for code, place in (kb.get("places", {}).get(kind) or {}).items():
            data = {"name": place["names"][0], "state": place.get("state", code)}
            entries.append({**entry(key, code, {**data, "last_reviewed": PLACES_REVIEWED})})
    programs = []
    for program in kb["programs"]["programs"]:
        location = ", ".join(x for x in (program.get("city"), program.get("state")) if x)
        data = {**program, "location": location}
        programs.append(
            {
                "id": program["id"],
                "name": program["name"],
                "state": program.get("state"),
                "city": program.get("city"),
                "national": bool(program.get("national")),
                "url": program["url"],
                "data": json.dumps(data, default=str, ensure_ascii=False),
                "last_reviewed": program["last_reviewed"],
            }
        )
    return entries, programs


def domain_response_names() -> set:
    with (PROJECT_ROOT / "domain.yml").open(encoding="utf-8") as handle:
        return set((yaml.safe_load(handle) or {}).get("responses", {}))


def load_into_database() -> Dict[str, int]:
    from actions.store import Store, create_engine

    settings = load_settings()
    kb = read_kb(settings.kb_dir, settings.gazetteer_dir)
    errors = validate(kb, domain_response_names())
    if errors:
        raise SystemExit("Knowledge base has errors:\n  " + "\n  ".join(errors))
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    store = Store(create_engine(settings.database_url))
    store.replace_kb(*rows_for(kb))
    return store.kb_counts()


def main(argv: List[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "check":
        settings = load_settings()
        kb = read_kb(settings.kb_dir)
        catalogs = {lang: read_catalog(po_path(settings.locales_dir, lang)) for lang in SUPPORTED_LANGUAGES}
        errors = validate(kb, domain_response_names()) + missing_translations(kb, catalogs)
        for error in errors:
            print(f"error: {error}")
        print("knowledge base OK" if not errors else f"{len(errors)} error(s)")
        return 1 if errors else 0
    if command == "review":
        due = due_for_review(read_kb(load_settings().kb_dir), dt.date.today())
        for where, why in due:
            print(f"{where}: {why}")
        print(f"{len(due)} item(s) to review" if due else "nothing due for review")
        return 0
    if command == "load":
        counts = load_into_database()
        print(f"==> Knowledge base loaded: {counts['kb_entries']} entries, {counts['programs']} programs")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

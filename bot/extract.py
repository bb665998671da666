"""Babel extractors for the YAML sources of message ids (see babel.cfg and scripts/catalogs.py)."""

from __future__ import annotations

from typing import Any, BinaryIO, Dict, Iterator, List, Tuple

import yaml

from bot.renderer import message_ids_of

Extracted = Iterator[Tuple[int, str, str, List[str]]]


def extract_domain(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Response texts and button titles of domain.yml."""
    domain = yaml.safe_load(fileobj) or {}
    for message_id in message_ids_of(domain.get("responses") or {}):
        yield 0, "", message_id, []


def extract_kb(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Labels and texts the knowledge base names: professions, services, roadmap steps, state notes."""
    kb = yaml.safe_load(fileobj) or {}
    for message_id, comment in kb_message_ids(kb):
        yield 0, "", message_id, [comment]


def extract_places(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Names of U.S. states and territories (data/gazetteer/places.yml), shown in answers and plans."""
    places = yaml.safe_load(fileobj) or {}
    for code in places.get("states") or {}:
        yield 0, "", f"state.{code}", ["Name of a U.S. state or territory."]


def kb_message_ids(kb: Dict[str, Any]) -> Iterator[Tuple[str, str]]:
    """(message id, note for translators) for every text one KB file refers to."""
    professions = {**(kb.get("professions") or {}), **(kb.get("aliases") or {})}
    for key in professions:
        yield f"profession.{key}", "Plural label inside sentences."
    for program in kb.get("programs") or []:
        for code in program.get("services") or []:
            yield f"service.{code}", "A service a support program offers."
    for profession, roadmap in (kb.get("roadmaps") or {}).items():
        for step in roadmap.get("steps") or []:
            yield f"roadmap.title.{step['id']}", "Short title of a step in a personal roadmap."
            yield (
                f"roadmap.detail.{profession}.{step['id']}",
                "What to do in this roadmap step, shown when it is the person's next step.",
            )
    for key in kb.get("terms") or {}:
        yield f"term.{key}", "Name of a glossary term in a list (\"I can explain: ECFMG, the Match…\")."
    for note in kb.get("state_notes") or []:
        yield note["message"], "What differs in one U.S. state; {place} is the state's name."

"""Babel extractors for the YAML sources of message ids (see babel.cfg and scripts/catalogs.py)."""

from __future__ import annotations

from typing import Any, BinaryIO, Iterator, List, Tuple

import yaml

from bot.renderer import message_ids_of

Extracted = Iterator[Tuple[int, str, str, List[str]]]


def extract_domain(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Response texts and button titles of domain.yml."""
    domain = yaml.safe_load(fileobj) or {}
    for message_id in message_ids_of(domain.get("responses") or {}):
        yield 0, "", message_id, []


def extract_kb(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Profession labels and program service labels used by the knowledge base."""
    kb = yaml.safe_load(fileobj) or {}
    professions = {**(kb.get("professions") or {}), **(kb.get("aliases") or {})}
    for key in professions:
        yield 0, "", f"profession.{key}", ["Plural label inside sentences."]
    for program in kb.get("programs") or []:
        for code in program.get("services") or []:
            yield 0, "", f"service.{code}", ["A service a support program offers."]

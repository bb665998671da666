"""The personal roadmap: which profile question to ask next, and the ordered plan once it is known.

Pure functions over the profile and the knowledge base's roadmap entries (data/kb/roadmaps.yml); the
action only reads slots and sends what these return. Tested in tests/actions/test_roadmap.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Sequence, Tuple

# The questions, in the order they are asked, and the response that asks each.
QUESTIONS: Tuple[Tuple[str, str], ...] = (
    ("profession", "utter_ask_profession"),
    ("country", "utter_ask_country"),
    ("us_state", "utter_ask_location"),
    ("immigration_status", "utter_ask_status"),
    ("milestones", "utter_ask_milestones"),
)
IMMIGRATION_STATUSES = ("citizen", "green_card", "refugee_asylee", "work_permit", "visa", "no_status")
# Statuses that already allow permanent work in the U.S.: visa steps do not apply.
NO_VISA_NEEDED = frozenset({"citizen", "green_card", "refugee_asylee"})
DEFAULT_ROADMAP = "other"
PROGRAMS_SHOWN = 3

DONE, NEXT, LATER = "done", "next", "later"


@dataclass(frozen=True)
class RoadmapProfile:
    profession: str | None = None
    country: str | None = None
    us_state: str | None = None
    immigration_status: str | None = None
    milestones: Tuple[str, ...] = ()

    def value(self, field: str) -> Any:
        return getattr(self, field)


def next_question(profile: RoadmapProfile, asked: Iterable[str]) -> str | None:
    """The first profile field still unknown and never asked (nobody is asked twice)."""
    already = set(asked)
    for field, _ in QUESTIONS:
        if not profile.value(field) and field not in already:
            return field
    return None


def question_response(field: str) -> str:
    return dict(QUESTIONS)[field]


def merge_milestones(known: Iterable[str] | None, reported: Iterable[str]) -> List[str]:
    """Milestones accumulate over the conversation ("I passed Step 1" … later "and Step 2 CK")."""
    return list(dict.fromkeys([*(known or []), *reported]))


def plan_steps(roadmap: Dict[str, Any], profile: RoadmapProfile) -> List[Dict[str, Any]]:
    """The roadmap's steps for this person, each marked done, next (the first not done) or later."""
    milestones = set(profile.milestones)
    skip_visa = profile.immigration_status in NO_VISA_NEEDED
    steps = []
    next_found = False
    for step in roadmap["steps"]:
        if step.get("visa") and skip_visa:
            continue
        if milestones & set(step.get("done_with") or []):
            state = DONE
        elif not next_found:
            state, next_found = NEXT, True
        else:
            state = LATER
        steps.append({"id": step["id"], "site": step["site"], "state": state})
    return steps


def state_notes(roadmap: Dict[str, Any], us_state: str | None) -> List[Dict[str, Any]]:
    """What differs in the person's state (alternative licensure laws, board rules, intern hours)."""
    if not us_state:
        return []
    notes = []
    for note in roadmap.get("state_notes") or []:
        if us_state in note["states"]:
            arguments = {"message": note["message"], "site": note["site"]}
            hours = (note.get("hours") or {}).get(us_state)
            if hours:
                arguments["hours"] = hours
            notes.append(arguments)
    return notes


def nearest_programs(programs: Sequence[Dict[str, Any]], city_key: str | None) -> List[Dict[str, Any]]:
    """Programs in the person's state, their own city first, at most PROGRAMS_SHOWN."""
    ordered = sorted(programs, key=lambda p: city_key_of(p.get("city")) != city_key)
    return ordered[:PROGRAMS_SHOWN]


def city_key_of(name: str | None) -> str | None:
    """"St. Paul" → "st_paul", the key the gazetteer uses for cities."""
    return name.lower().replace(".", "").replace(" ", "_") if name else None

"""What the printable roadmap page shows: every step in full, state notes, programs, in one language.

Pure over the store's queries and the renderer, so it is tested without a server
(tests/web/test_plan_page.py); web/app.py only serves it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from actions import roadmap
from actions.answers import KnowledgeBase
from bot.catalog import RIGHT_TO_LEFT, autonym, msgid
from bot.languages import SUPPORTED_LANGUAGES
from bot.renderer import Renderer

PAGE_LABELS = {
    "title": msgid("page.title"),
    "print": msgid("page.print"),
    "done": msgid("page.done"),
    "next": msgid("page.next"),
    "state_notes": msgid("page.state_notes"),
    "programs": msgid("page.programs"),
    "sources": msgid("page.sources"),
    "disclaimer": msgid("page.disclaimer"),
}


def plan_view(record: Dict[str, Any], kb: KnowledgeBase, renderer: Renderer, language: str) -> Dict[str, Any]:
    """The page's content for a stored roadmap (see actions.store.Store.save_roadmap)."""
    profile = record["profile"]
    known = roadmap.RoadmapProfile(
        profession=profile.get("profession"),
        country=profile.get("country"),
        us_state=profile.get("us_state"),
        immigration_status=profile.get("immigration_status"),
        milestones=tuple(profile.get("milestones") or ()),
    )
    profession = known.profession or roadmap.DEFAULT_ROADMAP
    entry = kb.kb_entry("roadmap", profession) or kb.kb_entry("roadmap", roadmap.DEFAULT_ROADMAP)
    place = profile.get("place")

    def text(message_id: str, **arguments: Any) -> str:
        return renderer.text(language, message_id, arguments)

    steps: List[Dict[str, Any]] = [
        {
            "number": number,
            "state": step["state"],
            "title": text(f"roadmap.title.{step['id']}"),
            "detail": text(f"roadmap.detail.{profession}.{step['id']}"),
            "site": step["site"],
        }
        for number, step in enumerate(roadmap.plan_steps(entry, known), start=1)
    ]
    notes = [
        {"text": text(note["message"], place=known.us_state, hours=note.get("hours")), "site": note["site"]}
        for note in roadmap.state_notes(entry, known.us_state)
    ]
    programs = (
        roadmap.nearest_programs(kb.programs_in_state(known.us_state), profile.get("city"))
        if known.us_state else []
    )
    return {
        "language": language,
        "direction": "rtl" if language in RIGHT_TO_LEFT else "ltr",
        "heading": text(msgid("page.plan_heading"), profession=profession),
        "summary": renderer.profile_summary(
            language,
            {"country": known.country, "place": place, "immigration_status": known.immigration_status},
        ),
        "steps": steps,
        "notes": notes,
        "programs": [renderer.program_line(language, p) for p in programs],
        "sources": entry.get("sources") or [],
        "last_reviewed": entry.get("last_reviewed"),
        "updated": record["updated_at"].date().isoformat(),
        "labels": {key: text(message_id) for key, message_id in PAGE_LABELS.items()},
        "languages": [(code, autonym(code)) for code in SUPPORTED_LANGUAGES],
    }

"""The one renderer: (response, arguments, language, channel) → the message a channel shows.

Responses come from the domain (structure: message ids and button payloads); text comes from the
catalogs. Arguments that name things (a profession, a list of programs) are rendered here too, so no
action ever builds a sentence.
"""

from __future__ import annotations

import re
import string
from typing import Any, Dict, Iterable, List, Mapping

from bot.catalog import RIGHT_TO_LEFT, Catalogs, autonym, babel_locale, msgid
from bot.languages import SUPPORTED_LANGUAGES

AUTONYM_PREFIX = "autonym."
ROADMAP_LINES = {
    "done": msgid("roadmap.line_done"),
    "next": msgid("roadmap.line_next"),
    "later": msgid("roadmap.line_later"),
    "overview": msgid("roadmap.line_overview"),
}
_EMPTY_LINES = re.compile(r"\n{3,}")
_STATE_CODE = re.compile(r"[A-Z]{2}")


class _Arguments(dict):
    """Unknown placeholders stay visible instead of raising in front of a user."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholders(text: str) -> List[str]:
    """The `{name}` placeholders of a message, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


class Renderer:
    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs

    def text(self, language: str, message_id: str, arguments: Mapping[str, Any] | None = None) -> str:
        template = self.catalogs.get(language, message_id)
        values = _Arguments(self._format_arguments(language, arguments or {}))
        # An optional part left empty (no summary, no notes) must not leave a gap.
        return _EMPTY_LINES.sub("\n\n", string.Formatter().vformat(template, (), values)).strip()

    def _format_arguments(self, language: str, arguments: Mapping[str, Any]) -> Dict[str, str]:
        formatted: Dict[str, str] = {"languages": ", ".join(autonym(c) for c in SUPPORTED_LANGUAGES)}
        for key, value in arguments.items():
            if key == "profession" and value:
                formatted[key] = self.catalogs.get(language, f"profession.{value}")
            elif key == "programs":
                formatted[key] = "\n".join(self.program_line(language, p) for p in value or [])
            elif key == "sites":
                formatted[key] = "\n".join(
                    self.text(language, msgid("website_line"), site) for site in value or []
                )
            elif key == "steps":
                formatted[key] = self._roadmap_steps(language, arguments.get("profession"), value or [])
            elif key == "terms":
                formatted[key] = self.catalogs.get(language, msgid("list_separator")).join(
                    self.catalogs.get(language, f"term.{term}") for term in value or []
                )
            elif key == "place" and value:
                formatted[key] = self.place(language, value)
            elif key == "summary":
                formatted[key] = self.profile_summary(language, value or {})
            elif key == "message":
                # A state note: its own text, with this response's other arguments ({place}, {hours}).
                others = {k: v for k, v in arguments.items() if k != "message"}
                formatted["note"] = self.text(language, value, others)
            elif isinstance(value, (str, int, float)):
                formatted[key] = str(value)
        return formatted

    def _roadmap_steps(self, language: str, profession: str | None, steps: List[Mapping[str, Any]]) -> str:
        lines = []
        for number, step in enumerate(steps, start=1):
            lines.append(
                self.text(
                    language,
                    ROADMAP_LINES[step["state"]],
                    {
                        "number": number,
                        "title": self.catalogs.get(language, f"roadmap.title.{step['id']}"),
                        "detail": self.catalogs.get(language, f"roadmap.detail.{profession}.{step['id']}"),
                        "site": step.get("site", ""),
                    },
                )
            )
        return "\n".join(lines)

    def profile_summary(self, language: str, summary: Mapping[str, Any]) -> str:
        """What the plan is based on: "studied in Colombia · Texas · green card"."""
        parts = []
        country = summary.get("country")
        if country:
            name = babel_locale(language).territories.get(country, country)
            parts.append(self.text(language, msgid("roadmap.summary_country"), {"country": name}))
        if summary.get("place"):
            parts.append(self.place(language, summary["place"]))
        if summary.get("immigration_status"):
            parts.append(self.catalogs.get(language, f"status.{summary['immigration_status']}"))
        return " · ".join(parts)

    def place(self, language: str, place: str) -> str:
        """A state code ("TX") becomes the state's name in the language; a place as written stays."""
        return self.catalogs.get(language, f"state.{place}") if _STATE_CODE.fullmatch(place) else place

    def program_line(self, language: str, program: Mapping[str, Any]) -> str:
        separator = self.catalogs.get(language, msgid("list_separator"))
        services = separator.join(
            self.catalogs.get(language, f"service.{code}") for code in program.get("services", [])
        )
        arguments = {
            "name": program["name"],
            "location": program.get("location", ""),
            "services": services,
            "url": program.get("url", ""),
        }
        # Most programs do not publish the languages they work in (`not_published` in the KB): the
        # line then says nothing rather than guess.
        spoken = program.get("languages")
        if not isinstance(spoken, list):
            return self.text(language, msgid("program_line"), arguments)
        names = babel_locale(language).languages
        arguments["languages"] = separator.join(names.get(code, code) for code in spoken)
        return self.text(language, msgid("program_line_languages"), arguments)

    def render(
        self,
        template: Mapping[str, Any],
        language: str,
        arguments: Mapping[str, Any] | None = None,
        channel: str | None = None,
    ) -> Dict[str, Any]:
        """One domain response variation → a Rasa message dict in the given language."""
        # A response may fix its language (the unsupported-language notice is always English), and an
        # action may name it (the confirmation of a language change, before the slot is updated).
        language = (
            (template.get("metadata") or {}).get("language")
            or _supported((arguments or {}).get("language"))
            or language
        )
        message: Dict[str, Any] = {"text": self.text(language, template["text"], arguments)}
        buttons = template.get("buttons") or []
        if buttons:
            message["buttons"] = [
                {"title": self._button_title(language, b["title"]), "payload": b["payload"]}
                for b in buttons
            ]
        message["language"] = language
        message["direction"] = "rtl" if language in RIGHT_TO_LEFT else "ltr"
        if (template.get("metadata") or {}).get("whole"):
            message["whole"] = True  # the content asked for (a plan): channels must not cut it short
        return message

    def _button_title(self, language: str, title: str) -> str:
        if title.startswith(AUTONYM_PREFIX):
            return autonym(title[len(AUTONYM_PREFIX):])
        return self.text(language, title)


def _supported(language: Any) -> str | None:
    return language if language in SUPPORTED_LANGUAGES else None


def message_ids_of(responses: Mapping[str, Iterable[Mapping[str, Any]]]) -> List[str]:
    """Every message id a domain's responses use (texts and button titles)."""
    ids: List[str] = []
    for variations in responses.values():
        for variation in variations:
            ids.append(variation["text"])
            ids.extend(
                b["title"] for b in variation.get("buttons") or []
                if not b["title"].startswith(AUTONYM_PREFIX)
            )
    return list(dict.fromkeys(ids))

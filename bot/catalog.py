"""Gettext catalogs (locales/<lang>/LC_MESSAGES/messages.po), read with Babel.

Message ids are symbolic (`utter_greet`, `profession.nurse`); English lives in the `en` catalog like
every other language. A message missing in a language falls back to English (the tests make sure none
is missing).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Mapping

from babel import Locale
from babel.messages.pofile import read_po

from bot.languages import SUPPORTED_LANGUAGES

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"ar", "fa"})


def msgid(message_id: str) -> str:
    """Marks a message id used in code, so that `make catalogs` extracts it."""
    return message_id


def babel_locale(language: str) -> Locale:
    """Babel's locale for a supported code (Tagalog's CLDR data lives under `fil`)."""
    return Locale.parse("fil" if language == "tl" else language)


@functools.cache
def autonym(language: str) -> str:
    """A language's name in that language, as a menu shows it ("Español", "فارسی", "中文")."""
    name = babel_locale(language).languages.get(language) or babel_locale(language).display_name
    return name[:1].upper() + name[1:]


def po_path(locales_dir: Path, language: str) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path) -> Dict[str, str]:
    """Translated messages of one .po file; fuzzy and empty entries count as missing."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        message.id: message.string
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


class Catalogs:
    """All languages' messages, loaded once."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self._messages = messages

    @classmethod
    def load(cls, locales_dir: Path) -> Catalogs:
        messages = {}
        for language in SUPPORTED_LANGUAGES:
            path = po_path(locales_dir, language)
            messages[language] = read_catalog(path) if path.exists() else {}
        return cls(messages)

    def get(self, language: str, message_id: str) -> str:
        """The message in a language, else in English; an unknown id is a programming error."""
        for candidate in (language, SOURCE_LANGUAGE):
            text = self._messages.get(candidate, {}).get(message_id)
            if text:
                return text
        raise KeyError(f"message {message_id!r} is in no catalog")

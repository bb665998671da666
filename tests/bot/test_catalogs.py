"""Catalog completeness: every message in every language, placeholders intact, ids in sync."""

from __future__ import annotations

import string

import pytest
from babel.messages.pofile import read_po

from bot.catalog import po_path, read_catalog
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.renderer import placeholders
from scripts.catalogs import extract_template

LOCALES = load_settings().locales_dir


@pytest.fixture(scope="module")
def template_ids():
    return {m.id for m in extract_template() if m.id}


@pytest.fixture(scope="module")
def english():
    return read_catalog(po_path(LOCALES, "en"))


def test_english_catalog_has_every_extracted_message(template_ids, english):
    assert template_ids - set(english) == set()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_message_is_translated(language, template_ids):
    translated = read_catalog(po_path(LOCALES, language))
    missing = sorted(template_ids - set(translated))
    assert missing == [], f"{language}: {len(missing)} untranslated: {missing[:10]}"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_placeholders_match_english(language, english):
    translated = read_catalog(po_path(LOCALES, language))
    wrong = {
        message_id: (sorted(placeholders(text)), sorted(placeholders(english[message_id])))
        for message_id, text in translated.items()
        if message_id in english and sorted(placeholders(text)) != sorted(placeholders(english[message_id]))
    }
    assert wrong == {}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_catalog_has_no_stale_ids(language, template_ids):
    with po_path(LOCALES, language).open("rb") as handle:
        ids = {m.id for m in read_po(handle) if m.id}
    assert ids - template_ids == set(), "run `make catalogs` to drop ids no longer used"


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_translations_are_not_english_copies(language, english):
    translated = read_catalog(po_path(LOCALES, language))
    copied = [
        k for k, v in translated.items()
        if k.startswith("utter_") and k != "utter_unsupported_language" and v == english.get(k)
        and has_words(v)
    ]
    assert copied == []


def has_words(template: str) -> bool:
    """A template of placeholders and symbols only ("📍 {note}") reads the same in every language."""
    literal = "".join(text for text, _, _, _ in string.Formatter().parse(template))
    return any(ch.isalpha() for ch in literal)

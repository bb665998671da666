"""Extract message ids with Babel into locales/messages.pot and update every language's catalog.

New ids appear untranslated (empty msgstr) in every language, so the catalog test fails until a
translator fills them; removed ids are marked obsolete.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.catalog import DOMAIN, babel_locale, po_path
from bot.config import PROJECT_ROOT, load_settings
from bot.languages import SUPPORTED_LANGUAGES

METHOD_MAP = [
    ("bot/**.py", "python"),
    ("web/**.py", "python"),
    ("domain.yml", "bot.extract:extract_domain"),
    ("data/kb/**.yml", "bot.extract:extract_kb"),
    ("data/gazetteer/places.yml", "bot.extract:extract_places"),
]
KEYWORDS = {"msgid": None}


def extract_template() -> Catalog:
    template = Catalog(project="IHP Navigator", domain=DOMAIN)
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PROJECT_ROOT), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, locations=[(filename, lineno)], auto_comments=comments)
    return template


def update_catalogs() -> None:
    locales_dir = load_settings().locales_dir
    template = extract_template()
    with (locales_dir / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)
    for language in SUPPORTED_LANGUAGES:
        path = po_path(locales_dir, language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=babel_locale(language))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=babel_locale(language), domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, ignore_obsolete=True)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"  {language}: {len(catalog)} messages, {missing} untranslated")


if __name__ == "__main__":
    update_catalogs()

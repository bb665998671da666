"""Gazetteer entities: U.S. states and cities, professions, countries, language names, immigration
statuses and licensing milestones, in every script.

Names come from `data/gazetteer/` (places, professions, inflected forms) and from Babel's CLDR data
(country and language names in the ten languages). Matching uses spaCy's PhraseMatcher over a
script-neutral word split, with case and diacritics folded, so "filadelfia", "Филадельфии" and "費城"
all find Philadelphia; abbreviations ("MN", "LA") match only as typed.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import languages

logger = logging.getLogger(__name__)

US_STATE, CITY, PROFESSION, COUNTRY, REQUESTED_LANGUAGE = (
    "us_state",
    "city",
    "profession",
    "country",
    "requested_language",
)
IMMIGRATION_STATUS, MILESTONE, TERM = "immigration_status", "milestone", "term"
# Sections of data/gazetteer/<lang>.yml and the entity each one names.
_LANGUAGE_FILE_SECTIONS = {
    "professions": PROFESSION,
    "languages": REQUESTED_LANGUAGE,
    "countries": COUNTRY,
    "statuses": IMMIGRATION_STATUS,
    "milestones": MILESTONE,
    "terms": TERM,
}
# When two kinds claim the same words ("Georgia"), the earlier kind wins.
_PRIORITY = (CITY, US_STATE, PROFESSION, REQUESTED_LANGUAGE, COUNTRY, IMMIGRATION_STATUS, MILESTONE, TERM)
# Countries whose names are mostly read as something else in a message about U.S. licensure.
_SKIPPED_COUNTRIES = {"US", "UM", "JE", "GE"}
# "تونی": Persian "لتونی" (Latvia) without its leading ل, also the end of "می‌تونی" ("you can").
_SKIPPED_COUNTRY_NAMES = {"mali", "chad", "jordan", "turkey", "oman", "تونی"}

_ARABIC_PROCLITICS = re.compile(r"^(?:[وف]?(?:ب|ل|ک)?ال|[وف]?[بلک]|[وف])(?=[\u0600-\u06ff])")
_ABBREVIATION = re.compile(r"[A-Z][A-Z.]{1,4}")
_ZIP_CODE = re.compile(r"(?<![\d-])(\d{3})\d{2}(?:-\d{4})?(?![\d-])")
# A five-digit number is a ZIP code only when the message says so or is nothing else: "I paid 12000"
# must not move anyone to New York.
_ZIP_WORDS = re.compile(
    r"zip|c[oó]digo postal|code postal|\bcep\b|индекс|поштов|邮编|邮政编码|郵遞區號|郵政編碼|"
    r"الرمز البريدي|الرمز البريد|کد پستی|کدپستی",
    re.IGNORECASE,
)
_ONLY_A_ZIP = re.compile(r"\W*\d{5}(?:-\d{4})?\W*")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_OR_HAN = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")
_ARABIC_FOLDS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ـ": None, "\u200c": None}
)


def fold(word: str) -> str:
    """Case, diacritics, Arabic/Persian letter variants and Arabic proclitics folded away.

    Arabic attaches "and", "with", "for", "like" and the article to the next word (بالممرضين, وسياتل);
    both names and messages lose them here, so whole-word matching still works.
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFC", stripped).translate(_ARABIC_FOLDS)
    match = _ARABIC_PROCLITICS.match(folded)
    if match and len(folded) - match.end() >= 3:
        folded = folded[match.end():]
    return folded


def words_with_offsets(text: str) -> List[Tuple[str, int, int]]:
    """Words of any script, each Han character on its own (so names match inside Chinese text)."""
    return [(m.group(), m.start(), m.end()) for m in _WORD_OR_HAN.finditer(text)]


@dataclass(frozen=True)
class Match:
    entity: str
    value: str
    start: int
    end: int
    text: str


class GazetteerIndex:
    """All names, compiled into two PhraseMatchers (folded names, as-typed abbreviations)."""

    def __init__(
        self,
        names: Dict[Tuple[str, str], Iterable[str]],
        abbreviations,
        city_states,
        zip_states: Dict[int, str] | None = None,
    ):
        from spacy.matcher import PhraseMatcher
        from spacy.vocab import Vocab

        self._vocab = Vocab()
        self._names = PhraseMatcher(self._vocab, attr="ORTH")
        self._abbreviations = PhraseMatcher(self._vocab, attr="ORTH")
        self._labels: Dict[str, Tuple[str, str]] = {}
        self.city_states: Dict[str, str] = dict(city_states)
        self.zip_states: Dict[int, str] = dict(zip_states or {})
        self._add(self._names, names, folded=True)
        self._add(self._abbreviations, abbreviations, folded=False)

    def entity_values(self) -> Set[Tuple[str, str]]:
        """Every (entity, value) pair a name in the index can produce."""
        return set(self._labels.values())

    def _add(self, matcher, entries, folded: bool) -> None:
        for (entity, value), terms in entries.items():
            key = f"{entity}\t{value}"
            self._labels[key] = (entity, value)
            docs = [self._doc(term, folded) for term in set(terms) if term and str(term).strip()]
            matcher.add(key, [d for d in docs if len(d)])

    def _doc(self, text: str, folded: bool):
        from spacy.tokens import Doc

        words = [w for w, _, _ in words_with_offsets(str(text))]
        return Doc(self._vocab, words=[fold(w) if folded else w for w in words])

    def find(self, text: str) -> List[Match]:
        """Every entity in the text; overlaps resolved by length, then by kind.

        Glossary terms are resolved on their own, so "NCLEX" is both a milestone and a term; only a
        place inside a longer term ("TN visa": not Tennessee) is dropped.
        """
        from spacy.tokens import Doc

        spans = words_with_offsets(text)
        if not spans:
            return []
        words = [w for w, _, _ in spans]
        candidates = []
        for matcher, doc in (
            (self._names, Doc(self._vocab, words=[fold(w) for w in words])),
            (self._abbreviations, Doc(self._vocab, words=words)),
        ):
            for match_id, start, end in matcher(doc):
                entity, value = self._labels[self._vocab.strings[match_id]]
                candidates.append((start, end, entity, value))
        terms = _without_overlaps([c for c in candidates if c[2] == TERM], len(words))
        others = [
            c for c in candidates
            if c[2] != TERM and not (c[2] in (US_STATE, CITY) and _overlapped_by_longer(c, terms))
        ]
        found = [
            Match(entity, value, spans[start][1], spans[end - 1][2], text[spans[start][1]:spans[end - 1][2]])
            for start, end, entity, value in terms + _without_overlaps(others, len(words))
        ]
        return sorted(found, key=lambda m: (m.start, m.entity))

    def zip_code_state(self, text: str) -> Dict[str, Any] | None:
        """The state of a ZIP code in the text, as an entity (first three digits → state)."""
        if not (_ZIP_WORDS.search(text) or _ONLY_A_ZIP.fullmatch(text)):
            return None
        for match in _ZIP_CODE.finditer(text):
            state = self.zip_states.get(int(match.group(1)))
            if state:
                return {
                    "entity": US_STATE, "value": state,
                    "start": match.start(), "end": match.end(), "text": match.group(),
                }
        return None

    def entities(self, text: str) -> List[Dict[str, Any]]:
        """Rasa entity dicts; a ZIP code or else a city yields its state unless the text names one."""
        matches = self.find(text)
        result = [
            {"entity": m.entity, "value": m.value, "start": m.start, "end": m.end, "text": m.text}
            for m in matches
        ]
        if not any(m.entity == US_STATE for m in matches):
            zip_state = self.zip_code_state(text)
            if zip_state:
                return result + [zip_state]
            for m in matches:
                if m.entity == CITY and m.value in self.city_states:
                    result.append(
                        {
                            "entity": US_STATE,
                            "value": self.city_states[m.value],
                            "start": m.start,
                            "end": m.end,
                            "text": m.text,
                        }
                    )
                    break
        return result


Candidate = Tuple[int, int, str, str]  # first word, word after the last, entity, value


def _without_overlaps(candidates: List[Candidate], length: int) -> List[Candidate]:
    """Longest first, then by kind: each word belongs to one match."""
    taken = [False] * length
    kept = []
    for start, end, entity, value in sorted(
        candidates, key=lambda c: (-(c[1] - c[0]), _PRIORITY.index(c[2]), c[0])
    ):
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            kept.append((start, end, entity, value))
    return kept


def _overlapped_by_longer(candidate: Candidate, others: List[Candidate]) -> bool:
    start, end = candidate[0], candidate[1]
    return any(o[0] < end and start < o[1] and o[1] - o[0] > end - start for o in others)


def _load_yaml(path: Path) -> Dict[str, Any]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _cldr_names() -> Tuple[Dict[Tuple[str, str], set], Dict[Tuple[str, str], set]]:
    """Country and language names in every supported language, from Babel's CLDR data."""
    from bot.catalog import babel_locale

    countries: Dict[Tuple[str, str], set] = {}
    language_names: Dict[Tuple[str, str], set] = {}
    for code in languages.SUPPORTED_LANGUAGES:
        locale = babel_locale(code)
        for territory, name in locale.territories.items():
            is_country = len(territory) == 2 and territory.isalpha()
            if (
                is_country
                and territory not in _SKIPPED_COUNTRIES
                and fold(name) not in _SKIPPED_COUNTRY_NAMES
            ):
                countries.setdefault((COUNTRY, territory), set()).add(name)
        for target in languages.SUPPORTED_LANGUAGES:
            name = locale.languages.get("fil" if target == "tl" else target)
            if name:
                language_names.setdefault((REQUESTED_LANGUAGE, target), set()).add(name)
        language_names.setdefault((REQUESTED_LANGUAGE, code), set()).add(locale.display_name)
    return countries, language_names


def load_index(directory: Path) -> GazetteerIndex:
    """Builds the index from the gazetteer directory plus CLDR names."""
    names: Dict[Tuple[str, str], set] = {}
    abbreviations: Dict[Tuple[str, str], set] = {}
    city_states: Dict[str, str] = {}

    def add(target, entity, value, terms):
        for term in terms or []:
            term = str(term)
            # Short all-caps terms (RN, PA, MN) are abbreviations: matched as typed, so that "pa" or
            # "me" in a sentence is not taken for one.
            kind = abbreviations if _ABBREVIATION.fullmatch(term) else target
            kind.setdefault((entity, str(value)), set()).add(term)

    places = _load_yaml(directory / "places.yml")
    for code, state in (places.get("states") or {}).items():
        add(names, US_STATE, code, state.get("names"))
        add(abbreviations, US_STATE, code, state.get("abbreviations"))
    for key, city in (places.get("cities") or {}).items():
        add(names, CITY, key, city.get("names"))
        add(abbreviations, CITY, key, city.get("abbreviations"))
        city_states[key] = city.get("state")

    zip_states = {
        prefix: state
        for first, last, state in places.get("zip3") or []
        for prefix in range(first, last + 1)
    }
    countries, language_names = _cldr_names()
    for (entity, value), terms in {**countries, **language_names}.items():
        add(names, entity, value, terms)
    for code in languages.SUPPORTED_LANGUAGES:
        extra = _load_yaml(directory / f"{code}.yml")
        for section, entity in _LANGUAGE_FILE_SECTIONS.items():
            for value, terms in (extra.get(section) or {}).items():
                add(names, entity, value, terms)
    return GazetteerIndex(names, abbreviations, city_states, zip_states)


@functools.lru_cache(maxsize=4)
def cached_index(directory: str) -> GazetteerIndex:
    return load_index(Path(directory))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds places, professions, countries and language names in every language."""

    def __init__(self, directory: str | None) -> None:
        self._directory = directory
        self._index: GazetteerIndex | None = None

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"directory": None}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerEntityExtractor:
        return cls(config.get("directory"))

    @property
    def index(self) -> GazetteerIndex:
        if self._index is None:
            from bot.config import load_settings

            directory = self._directory or str(load_settings().gazetteer_dir)
            self._index = cached_index(directory)
        return self._index

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self.index.entities(message.get(TEXT) or "")
            if found:
                entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages

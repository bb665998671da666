"""Rasa's NLG seam (`nlg: type: bot.nlg.CatalogNLG` in endpoints.yml): in process, no HTTP hop."""

from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.language_identifier import DETECTION_KEY, UNKNOWN_WORDS_KEY
from bot.languages import conversation_language
from bot.renderer import Renderer

logger = logging.getLogger(__name__)

HINT_METADATA_KEYS = ("language", "language_code", "lang")
# Below this the detection is a coin toss ("hi!" reads as English or Taglish): the default is better.
TENTATIVE_MIN_CONFIDENCE = 0.6


def language_hint(tracker: DialogueStateTracker) -> str | None:
    """The channel's hint (Telegram language_code, the widget's page language) from the last message."""
    latest = tracker.latest_message
    metadata = (latest.metadata if latest else None) or {}
    for key in HINT_METADATA_KEYS:
        if isinstance(metadata.get(key), str):
            return metadata[key]
    return None


def tentative_language(tracker: DialogueStateTracker) -> str | None:
    """What the last message looked like, even when too short to switch languages ("gracias")."""
    latest = tracker.latest_message
    parse_data = (latest.parse_data if latest else None) or {}
    if parse_data.get(UNKNOWN_WORDS_KEY):
        return None  # gibberish often looks like some language: it says nothing about the person's
    detection = parse_data.get(DETECTION_KEY) or {}
    if detection.get("confidence", 1.0) < TENTATIVE_MIN_CONFIDENCE:
        return None
    return detection.get("language")


class CatalogNLG(TemplatedNaturalLanguageGenerator):
    """Renders domain responses from the gettext catalogs in the conversation's language.

    A subclass of Rasa's templated generator because Rasa's agent refreshes `responses` on that
    class when it loads a model (the domain given at construction is empty under `rasa run`).
    """

    def __init__(self, endpoint_config: Any = None, domain: Any = None) -> None:
        super().__init__(domain.responses if domain else {})
        self._settings = load_settings()
        self._renderer: Renderer | None = None

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(Catalogs.load(self._settings.locales_dir))
        return self._renderer

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Dict[str, Any] | None:
        variations = self.responses.get(utter_action)
        if not variations:
            logger.error("No response %r in the domain.", utter_action)
            return None
        language = conversation_language(
            tracker.get_slot("language"),
            language_hint(tracker) or tentative_language(tracker),
            self._settings.default_language,
        )
        return self.renderer.render(variations[0], language, kwargs, output_channel)

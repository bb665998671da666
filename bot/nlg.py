"""Rasa's NLG seam (`nlg: type: bot.nlg.CatalogNLG` in endpoints.yml): in process, no HTTP hop."""

from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.languages import reply_language
from bot.renderer import Renderer

logger = logging.getLogger(__name__)

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
        latest = tracker.latest_message
        language = reply_language(
            tracker.get_slot("language"),
            latest.metadata if latest else None,
            latest.parse_data if latest else None,
            self._settings.default_language,
        )
        return self.renderer.render(variations[0], language, kwargs, output_channel)

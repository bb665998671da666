"""Button payloads typed by hand (`/inform{"us_state": "TX"}`): only values a button or a word could give.

Every channel delivers a pressed button as its payload text, so anyone can type one. Rasa takes a
payload's entities as they come, and from-entity slots fill from them: a number, a list, an unknown
state code or a script in a payload would reach the slots, the actions and the answers. Here a typed
payload keeps its intent and only the entity values that the domain's buttons or the gazetteer produce.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping, Set, Tuple

_PAYLOAD = re.compile(r"^\s*/(?P<intent>[^\s{}/]+)(?P<entities>\{.*\})?\s*$", re.DOTALL)

EntityValue = Tuple[str, str]


def known_entity_values(
    responses: Mapping[str, Any], gazetteer_values: Iterable[EntityValue]
) -> Set[EntityValue]:
    """The (entity, value) pairs the assistant itself produces: in its buttons and from the gazetteer."""
    known = set(gazetteer_values)
    for variations in responses.values():
        for variation in variations or []:
            for button in variation.get("buttons") or []:
                match = _PAYLOAD.match(str(button.get("payload", "")))
                if match and match["entities"]:
                    known |= {(k, v) for k, v in json.loads(match["entities"]).items() if isinstance(v, str)}
    return known


def clean_payload(text: Any, known: Set[EntityValue]) -> Any:
    """The message with only known entity values left in a typed payload; other text unchanged."""
    match = _PAYLOAD.match(text) if isinstance(text, str) else None
    if not match or not match["entities"]:
        return text
    try:
        entities = json.loads(match["entities"])
    except ValueError:
        entities = None
    kept = {
        name: value for name, value in (entities.items() if isinstance(entities, dict) else ())
        if isinstance(value, str) and (name, value) in known
    }
    if kept == entities:
        return text  # as the button sent it: the widget shows a pressed button by its payload
    return f"/{match['intent']}{json.dumps(kept, ensure_ascii=False)}" if kept else f"/{match['intent']}"

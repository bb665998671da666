"""The few calls the staff console makes to Rasa's HTTP API (`rasa run --enable-api --auth-token …`).

Conversations are read from Rasa (whatever its tracker store), and a case manager's actions become
tracker events: `pause` while a case manager holds the conversation, the reply as a bot message sent
through the person's own channel (`execute_side_effects`), `resume` when the case is resolved.
"""

from __future__ import annotations

from typing import Any, Dict, List

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=30)


class RasaUnavailableError(Exception):
    """Rasa could not be reached or refused the call."""


class RasaAPI:
    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def _params(self, **extra: str) -> Dict[str, str]:
        return {**({"token": self.token} if self.token else {}), **extra}

    async def _call(self, method: str, path: str, json: Any = None, **params: str) -> Any:
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.request(
                method, f"{self.base_url}{path}", json=json, params=self._params(**params)
            ) as response:
                if response.status >= 400:
                    raise RasaUnavailableError(f"Rasa answered {response.status} to {method}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailableError(f"Rasa is unreachable ({type(error).__name__})") from error

    async def events(self, conversation_id: str) -> List[Dict[str, Any]]:
        tracker = await self._call("GET", f"/conversations/{_quoted(conversation_id)}/tracker")
        return tracker.get("events") or []

    async def append(
        self, conversation_id: str, events: List[Dict[str, Any]], channel: str | None = None
    ) -> None:
        """Adds events to the conversation; bot messages among them are sent through `channel`."""
        params = {"execute_side_effects": "true", "output_channel": channel} if channel else {}
        path = f"/conversations/{_quoted(conversation_id)}/tracker/events"
        await self._call("POST", path, events, **params)


def _quoted(conversation_id: str) -> str:
    """Only what would break the URL is escaped: Rasa's router takes the path as it comes, so an SMS
    conversation "+15551234567" quoted as "%2B15551234567" would be another conversation."""
    from urllib.parse import quote

    return quote(conversation_id, safe="+@:!$&'()*,;=")

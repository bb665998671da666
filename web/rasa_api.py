"""The few calls the staff console makes to Rasa's HTTP API (`python -m bot.server run --enable-api`).

Conversations are read from Rasa (whatever its tracker store), and a case manager's actions become
tracker events: `pause` while a case manager holds the conversation, the reply as a bot message sent
through the person's own channel (`execute_side_effects`), `resume` when the case is resolved.

Every call carries a short-lived JSON Web Token (HS256, the secret shared through RASA_JWT_SECRET) in
its Authorization header: never a token in the query string, where proxies and logs keep it.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

import aiohttp
import jwt

TIMEOUT = aiohttp.ClientTimeout(total=30)
TOKEN_LIFETIME_SECONDS = 60


class RasaUnavailableError(Exception):
    """Rasa could not be reached or refused the call."""


class RasaAPI:
    def __init__(self, base_url: str, jwt_secret: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.jwt_secret = jwt_secret

    def _headers(self) -> Dict[str, str]:
        if not self.jwt_secret:
            return {}
        return {"Authorization": f"Bearer {bearer_token(self.jwt_secret)}"}

    async def _call(self, method: str, path: str, json: Any = None, **params: str) -> Any:
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.request(
                method, f"{self.base_url}{path}", json=json, params=params, headers=self._headers()
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


def bearer_token(secret: str, now: float | None = None) -> str:
    """An administrator's token for Rasa's API (sanic-jwt checks the signature and the expiry)."""
    issued = int(now if now is not None else time.time())
    payload = {"user": {"username": "staff-console", "role": "admin"}, "iat": issued,
               "exp": issued + TOKEN_LIFETIME_SECONDS}
    return jwt.encode(payload, secret, algorithm="HS256")


def _quoted(conversation_id: str) -> str:
    """Only what would break the URL is escaped: Rasa's router takes the path as it comes, so an SMS
    conversation "+15551234567" quoted as "%2B15551234567" would be another conversation."""
    from urllib.parse import quote

    return quote(conversation_id, safe="+@:!$&'()*,;=")

"""`python -m actions.server`: the action server (rasa_sdk's), answering Rasa only.

Every call but `/health` must carry the shared secret Rasa sends (`Authorization: Bearer
$ACTION_SERVER_TOKEN`, set in endpoints.yml): the actions read and write people's profiles and cases.
Errors are answered without echoing the request, which holds the whole conversation.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from sanic import Sanic, response
from sanic.request import Request

from bot import redaction

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/health",)


def create_app(token: str) -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    if not token:
        raise SystemExit("error: set ACTION_SERVER_TOKEN (the secret Rasa sends the action server)")
    app = create_sdk_app("actions.actions", cors_origins=None)
    expected = f"Bearer {token}"

    @app.middleware("request")
    async def require_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(request.headers.get("Authorization", ""), expected):
            return response.json({"error": "missing or wrong token"}, status=401)
        return None

    @app.exception(Exception)
    async def internal_error(request: Request, exception: Exception):
        # rasa_sdk's own handler echoes the request body (the conversation) back and into the logs.
        logger.error("The action server failed on %s: %s", request.path, type(exception).__name__)
        return response.json({"error": "internal error"}, status=500)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT") or 5055))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST") or "127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    redaction.install()
    app = create_app(os.environ.get("ACTION_SERVER_TOKEN", ""))
    app.run(args.host, args.port, access_log=False)


if __name__ == "__main__":
    main()

"""Telegram without a public URL, for development: `make telegram-poll` (with `make run` running).

Long-polls Telegram's getUpdates and hands each update to the local webhook, with the secret token,
so messages take exactly the path they take in production. Telegram allows either a webhook or
polling: this removes a webhook that is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys

import httpx

from bot.config import load_settings
from bot.telegram import SECRET_HEADER


def warn(text: str) -> None:
    print(f"warning: {text}", file=sys.stderr, flush=True)


async def forward_updates(token: str, secret: str, webhook_url: str, api_url: str) -> None:
    from telegram import Bot
    from telegram.error import NetworkError, TimedOut

    offset = None
    async with Bot(token, base_url=api_url) as bot, httpx.AsyncClient(timeout=120) as local:
        await bot.delete_webhook()
        print(f"==> Polling Telegram as @{bot.username}; forwarding to {webhook_url} (Ctrl-C stops)")
        while True:
            try:
                updates = await bot.get_updates(offset=offset, timeout=30)
            except (NetworkError, TimedOut) as error:
                warn(f"Telegram unreachable ({error}); retrying in 5 s")
                await asyncio.sleep(5)
                continue
            for update in updates:
                offset = update.update_id + 1
                try:
                    reply = await local.post(
                        webhook_url, json=update.to_dict(), headers={SECRET_HEADER: secret}
                    )
                except httpx.HTTPError as error:
                    warn(f"the assistant is not answering at {webhook_url} ({error})")
                    continue
                if reply.status_code != 200:
                    warn(f"the webhook answered {reply.status_code}: {reply.text[:200]}")


def main() -> None:
    settings = load_settings()
    token, secret = settings.telegram_bot_token, settings.telegram_secret_token
    if not token or not secret:
        raise SystemExit("error: set TELEGRAM_BOT_TOKEN (from @BotFather) and TELEGRAM_SECRET_TOKEN (any "
                         "random string, also given to `make run`)")
    port = os.environ.get("RASA_PORT", "5005")
    webhook_url = f"http://127.0.0.1:{port}/webhooks/telegram/webhook"
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(forward_updates(token, secret, webhook_url, settings.telegram_api_url))


if __name__ == "__main__":
    main()

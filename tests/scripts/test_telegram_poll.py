import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.telegram import SECRET_HEADER
from scripts.telegram_poll import forward_updates
from tests.fakes.telegram_api import FakeTelegramAPI


class Webhook:
    """Stands in for the assistant's Telegram webhook: records what the poller forwards."""

    def __init__(self):
        self.received = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.received.append((self.headers.get(SECRET_HEADER), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/telegram/webhook"


async def test_polled_updates_reach_the_webhook_once_with_the_secret():
    telegram = FakeTelegramAPI(token="4242:poll").start()
    webhook = Webhook()
    update = {"update_id": 501, "message": {"message_id": 1, "date": 0, "text": "hola",
                                            "chat": {"id": 77, "type": "private"}}}
    telegram.queue_update(update)
    poller = asyncio.create_task(forward_updates("4242:poll", "s3cret", webhook.url, telegram.base_url))
    try:
        for _ in range(200):
            if webhook.received or poller.done():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # time to forward it a second time, which it must not do
    finally:
        poller.cancel()
        await asyncio.wait({poller}, timeout=10)
        telegram.stop()
        webhook.server.shutdown()
    assert poller.cancelled()
    assert [(secret, body["update_id"], body["message"]["text"]) for secret, body in webhook.received] == [
        ("s3cret", 501, "hola")
    ]
    assert telegram.calls_to("deleteWebhook")  # polling and a webhook cannot both be set

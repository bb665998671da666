"""The one place that reads configuration: environment variables with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    locales_dir: Path
    kb_dir: Path
    nlu_dir: Path
    gazetteer_dir: Path
    default_language: str
    web_port: int
    public_url: str
    # Where browsers reach the Rasa server (the widget's socket.io), for the demo page.
    rasa_public_url: str = "http://localhost:5005"
    # Where the web app reaches Rasa's HTTP API (the staff console), and the secret its tokens are
    # signed with (JSON Web Tokens, HS256).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_jwt_secret: str | None = None
    # The shared secret Rasa sends the action server (Authorization: Bearer …); required when set.
    action_server_token: str | None = None
    # Telegram channel: off unless both are set.
    telegram_bot_token: str | None = None
    telegram_secret_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    # SMS through Twilio: off unless the first three are set.
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_phone_number: str | None = None
    twilio_api_url: str | None = None  # a local stand-in for api.twilio.com (tests)
    twilio_webhook_url: str | None = None  # the public URL Twilio signs, when behind a proxy
    # Staff are told about new handoffs by e-mail when SMTP_HOST and HANDOFF_EMAIL_TO are set, and by
    # a webhook when HANDOFF_WEBHOOK_URL is.
    smtp_host: str | None = None
    # How often the console looks for people writing again after their case was resolved (seconds).
    reopen_check_seconds: float = 30.0
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_from: str = "IHP Navigator <no-reply@localhost>"
    handoff_email_to: str | None = None
    handoff_webhook_url: str | None = None
    handoff_webhook_secret: str | None = None
    # Rasa's tracker store (conversations), as endpoints.yml configures it, for the retention command.
    tracker_db_dialect: str = "sqlite"
    tracker_db: str = str(PROJECT_ROOT / "var" / "tracker.db")
    tracker_db_host: str | None = None  # PostgreSQL (endpoints.prod.yml)
    tracker_db_port: int | None = None
    tracker_db_user: str | None = None
    tracker_db_password: str | None = None
    # Conversations, handoffs and plans with no activity for this many days are deleted
    # (`make retention`, scheduled daily in production; docs/privacy.md).
    retention_days: int = 365
    # Per sender (bot.limits): longer messages are cut; over the rate the person is asked to slow down.
    max_message_chars: int = 4000
    rate_limit_messages: int = 30
    rate_limit_seconds: float = 60.0
    # How long Rasa waits for the action server before apologising, and how often a handoff it could
    # not record is tried again (bot.server.apply_action_fallback).
    action_timeout_seconds: float = 20.0
    handoff_retry_seconds: float = 60.0
    # Reverse proxies in front of the web app whose X-Forwarded-For/-Proto are believed (0: none).
    trusted_proxies: int = 0
    # Several Rasa replicas: the socket.io channel's shared message queue (the production profile).
    socketio_redis_url: str | None = None
    # Where the web app listens: loopback unless a container or proxy needs otherwise.
    web_host: str = "127.0.0.1"


def load_settings() -> Settings:
    """Reads the settings when asked, never at import time."""
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    web_port = int(os.environ.get("WEB_PORT") or 8000)
    rasa_port = int(os.environ.get("RASA_PORT") or 5005)
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_db,
        locales_dir=Path(os.environ.get("IHP_LOCALES_DIR") or PROJECT_ROOT / "locales"),
        kb_dir=Path(os.environ.get("IHP_KB_DIR") or PROJECT_ROOT / "data" / "kb"),
        nlu_dir=PROJECT_ROOT / "data" / "nlu",
        gazetteer_dir=Path(
            os.environ.get("IHP_GAZETTEER_DIR") or PROJECT_ROOT / "data" / "gazetteer"
        ),
        default_language=os.environ.get("IHP_DEFAULT_LANGUAGE") or "en",
        web_port=web_port,
        # Where people open links the assistant sends (printable plans): the web app's public address.
        public_url=(os.environ.get("PUBLIC_URL") or f"http://localhost:{web_port}").rstrip("/"),
        rasa_public_url=(os.environ.get("RASA_PUBLIC_URL") or f"http://localhost:{rasa_port}").rstrip("/"),
        rasa_url=(os.environ.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        rasa_jwt_secret=os.environ.get("RASA_JWT_SECRET") or None,
        action_server_token=os.environ.get("ACTION_SERVER_TOKEN") or None,
        telegram_bot_token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_secret_token=os.environ.get("TELEGRAM_SECRET_TOKEN") or None,
        telegram_api_url=os.environ.get("TELEGRAM_API_URL") or "https://api.telegram.org/bot",
        twilio_account_sid=os.environ.get("TWILIO_ACCOUNT_SID") or None,
        twilio_auth_token=os.environ.get("TWILIO_AUTH_TOKEN") or None,
        twilio_phone_number=os.environ.get("TWILIO_PHONE_NUMBER") or None,
        twilio_api_url=os.environ.get("TWILIO_API_URL") or None,
        twilio_webhook_url=os.environ.get("TWILIO_WEBHOOK_URL") or None,
        smtp_host=os.environ.get("SMTP_HOST") or None,
        reopen_check_seconds=float(os.environ.get("REOPEN_CHECK_SECONDS") or 30),
        smtp_port=int(os.environ.get("SMTP_PORT") or 587),
        smtp_user=os.environ.get("SMTP_USER") or None,
        smtp_password=os.environ.get("SMTP_PASSWORD") or None,
        smtp_starttls=(os.environ.get("SMTP_STARTTLS") or "true").lower() not in ("0", "false", "no"),
        smtp_from=os.environ.get("SMTP_FROM") or "IHP Navigator <no-reply@localhost>",
        handoff_email_to=os.environ.get("HANDOFF_EMAIL_TO") or None,
        handoff_webhook_url=os.environ.get("HANDOFF_WEBHOOK_URL") or None,
        handoff_webhook_secret=os.environ.get("HANDOFF_WEBHOOK_SECRET") or None,
        tracker_db_dialect=os.environ.get("TRACKER_DB_DIALECT") or "sqlite",
        tracker_db=os.environ.get("TRACKER_DB") or str(PROJECT_ROOT / "var" / "tracker.db"),
        tracker_db_host=os.environ.get("TRACKER_DB_HOST") or None,
        tracker_db_port=int(os.environ["TRACKER_DB_PORT"]) if os.environ.get("TRACKER_DB_PORT") else None,
        tracker_db_user=os.environ.get("TRACKER_DB_USER") or None,
        tracker_db_password=os.environ.get("TRACKER_DB_PASSWORD") or None,
        retention_days=int(os.environ.get("RETENTION_DAYS") or 365),
        max_message_chars=int(os.environ.get("MAX_MESSAGE_CHARS") or 4000),
        rate_limit_messages=int(os.environ.get("RATE_LIMIT_MESSAGES") or 30),
        rate_limit_seconds=float(os.environ.get("RATE_LIMIT_SECONDS") or 60),
        action_timeout_seconds=float(os.environ.get("ACTION_TIMEOUT_SECONDS") or 20),
        handoff_retry_seconds=float(os.environ.get("HANDOFF_RETRY_SECONDS") or 60),
        trusted_proxies=int(os.environ.get("TRUSTED_PROXIES") or 0),
        socketio_redis_url=os.environ.get("SOCKETIO_REDIS_URL") or None,
        web_host=os.environ.get("WEB_HOST") or "127.0.0.1",
    )

"""Telling staff about a new handoff: an e-mail (SMTP) and an optional webhook, both from the environment.

Called after the handoff is in the database, on a background thread: a slow or dead mail server never
delays the person's answer, and a failure is logged (without personal data), not raised. The e-mail
carries no message text, only what a case manager needs to decide to open the console.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import threading
import urllib.request
from email.message import EmailMessage
from typing import Any, Dict

from bot.config import Settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-IHP-Signature"  # sha256=<hex HMAC of the body with HANDOFF_WEBHOOK_SECRET>


def summary(handoff: Dict[str, Any], console_url: str) -> Dict[str, Any]:
    """What staff are told: the reference, how and in which language, what about, and where to go."""
    return {
        "reference": handoff["reference"],
        "language": handoff.get("language"),
        "channel": handoff.get("channel"),
        "reason": handoff.get("reason"),
        "profession": (handoff.get("profile") or {}).get("profession"),
        "topics": handoff.get("topics") or [],
        "url": f"{console_url}/cases/{handoff['reference']}",
    }


def email_message(facts: Dict[str, Any], sender: str, recipients: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"New handoff {facts['reference']} ({facts['language'] or 'language unknown'})"
    message["From"] = sender
    message["To"] = recipients
    lines = [
        f"A person asked for a case manager: {facts['reference']}.",
        f"Language: {facts['language'] or 'unknown'}; channel: {facts['channel'] or 'unknown'}; "
        f"profession: {facts['profession'] or 'not given'}.",
        f"Topics asked: {', '.join(facts['topics']) or 'none'}.",
        "",
        f"Open it in the console: {facts['url']}",
    ]
    message.set_content("\n".join(lines))
    return message


def send_email(settings: Settings, facts: Dict[str, Any]) -> None:
    message = email_message(facts, settings.smtp_from, settings.handoff_email_to)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def post_webhook(settings: Settings, facts: Dict[str, Any]) -> None:
    body = json.dumps({"event": "handoff.created", **facts}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if settings.handoff_webhook_secret:
        digest = hmac.new(settings.handoff_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={digest}"
    request = urllib.request.Request(settings.handoff_webhook_url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310 - an https URL from settings
        pass


def notify_staff(settings: Settings, handoff: Dict[str, Any]) -> None:
    """Every configured notification, each failure logged on its own."""
    facts = summary(handoff, settings.public_url)
    reference = facts["reference"]
    if settings.smtp_host and settings.handoff_email_to:
        try:
            send_email(settings, facts)
        except (OSError, smtplib.SMTPException) as error:
            logger.error("The e-mail about handoff %s was not sent (%s)", reference, type(error).__name__)
    if settings.handoff_webhook_url:
        try:
            post_webhook(settings, facts)
        except OSError as error:
            logger.error("The webhook for handoff %s failed (%s)", reference, type(error).__name__)


def notify_staff_in_background(settings: Settings, handoff: Dict[str, Any]) -> threading.Thread:
    thread = threading.Thread(target=notify_staff, args=(settings, handoff), name="notify-staff", daemon=True)
    thread.start()
    return thread

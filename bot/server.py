"""`python -m bot.server run …`: Rasa's own command line, with the project's fixes for Rasa 3.6 applied.

Each fix is a function that `main` applies before handing the arguments to Rasa, so nothing changes
when this module is merely imported.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, Dict, List

logger = logging.getLogger(__name__)
REQUEST_MAX_BYTES = 1_000_000

# Rasa's HTTP API accepts only JSON Web Tokens signed with this secret (HS256). Read from the
# environment inside the process: a secret on the command line would show in every process list.
JWT_SECRET_VARIABLE = "RASA_JWT_SECRET"


@functools.lru_cache(maxsize=1)
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_response(_action: Any, result: Dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the validator built once.

    Rasa calls `jsonschema.validate` on every action server response, which first checks Rasa's event
    schema against the JSON-Schema metaschema: 6 of the 8 ms each call costs, 11% of the server's CPU
    under load (py-spy, docs/performance.md). The verdicts and the error message are Rasa's.
    """
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
    raise error


def apply_fixes() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_response


RETRY_HANDOFF_INTENT = "EXTERNAL_retry_handoff"


class ConversationStorageError(Exception):
    """The tracker store failed: the turn cannot be read or kept."""


def raise_storage_unavailable(error: Exception) -> None:
    raise ConversationStorageError() from error


def apply_action_fallback(settings: Any) -> None:
    """When the action server does not answer (down, or slower than `ACTION_TIMEOUT_SECONDS`; Rasa waits
    five minutes), the person gets a short apology in their language and the offer of a case manager,
    instead of silence. A handoff the action server could not record is tried again every
    `HANDOFF_RETRY_SECONDS` (a Rasa reminder) until it is back, then recorded and confirmed."""
    import asyncio
    import datetime as dt

    from rasa.core import jobs
    from rasa.core.actions import action as rasa_action
    from rasa.shared.core.events import ReminderScheduled, SlotSet
    from rasa.shared.exceptions import RasaException

    rasa_action.DEFAULT_REQUEST_TIMEOUT = settings.action_timeout_seconds
    run = rasa_action.RemoteAction.run

    @functools.wraps(run)
    async def run_or_apologise(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise
        except (RasaException, asyncio.TimeoutError):
            logger.error("The action server did not answer for %s.", self.name())
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if self.name() == "action_handoff" and intent not in ("deny", "skip"):
            later = dt.datetime.now() + dt.timedelta(seconds=settings.handoff_retry_seconds)
            # Rasa names the scheduler's job after the reminder alone: one name per conversation.
            retry = ReminderScheduled(RETRY_HANDOFF_INTENT, later, name=f"retry_handoff:{tracker.sender_id}",
                                      kill_on_user_message=False)
            if intent == RETRY_HANDOFF_INTENT:
                return [retry]  # still down: the person was told already
            said = await self._utter_responses([{"response": "utter_handoff_delayed"}], output_channel, nlg,
                                               tracker)
            return [*said, retry, SlotSet("handoff_offered", False)]
        said = await self._utter_responses([{"response": "utter_actions_unavailable"}], output_channel, nlg,
                                           tracker)
        return [*said, SlotSet("handoff_offered", True)]

    rasa_action.RemoteAction.run = run_or_apologise

    create_scheduler = jobs.scheduler

    async def scheduler_running_late_jobs() -> Any:
        scheduler = await create_scheduler()
        # A retry due while the server was busy still runs: APScheduler drops jobs over 1 s late.
        scheduler._job_defaults["misfire_grace_time"] = None
        return scheduler

    jobs.scheduler = scheduler_running_late_jobs


def apply_limits(settings: Any) -> None:
    """Per-sender limits (bot.limits) and typed payloads cleaned (bot.payloads) on
    `Agent.handle_message`, where every channel's messages enter, and a 1 MB cap on request bodies
    (Sanic's default is 100 MB)."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore

    from bot.catalog import Catalogs
    from bot.gazetteer import cached_index
    from bot.languages import conversation_language, hint_in
    from bot.limits import SLOW_DOWN_MESSAGE, STORAGE_UNAVAILABLE_MESSAGE, SenderRateLimiter, shorten
    from bot.payloads import clean_payload, known_entity_values

    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(REQUEST_MAX_BYTES))
    limiter = SenderRateLimiter(settings.rate_limit_messages, settings.rate_limit_seconds)
    handle_message = Agent.handle_message

    known_values: Dict[int, Any] = {}  # per loaded domain's responses (a new model may bring others)
    catalogs = functools.lru_cache(maxsize=1)(lambda: Catalogs.load(settings.locales_dir))

    def known_for(responses: Any) -> Any:
        if id(responses) not in known_values:
            gazetteer = cached_index(str(settings.gazetteer_dir)).entity_values()
            known_values.clear()
            known_values[id(responses)] = known_entity_values(responses, gazetteer)
        return known_values[id(responses)]

    @functools.wraps(handle_message)
    async def handle_within_limits(agent: Any, message: Any) -> Any:
        message.text = shorten(message.text, settings.max_message_chars)
        if isinstance(message.text, str) and message.text.lstrip().startswith("/") and agent.domain:
            message.text = clean_payload(message.text, known_for(agent.domain.responses))
        # Rasa's fail-safe store answers from an empty, in-memory conversation when the database is
        # down (and loses the turn): made to raise instead, the person is asked to write again.
        if isinstance(agent.tracker_store, FailSafeTrackerStore):
            agent.tracker_store._on_tracker_store_error = raise_storage_unavailable
        try:
            if limiter.allow(message.sender_id):
                return await handle_message(agent, message)
            logger.warning("A sender went over the rate limit; they were asked to slow down.")
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            language = conversation_language(
                tracker.get_slot("language") if tracker else None, hint_in(message.metadata),
                settings.default_language,
            )
            text = catalogs().get(language, SLOW_DOWN_MESSAGE)
        except ConversationStorageError:
            logger.error("The conversation database does not answer; the person was asked to write again.")
            language = conversation_language(None, hint_in(message.metadata), settings.default_language)
            text = catalogs().get(language, STORAGE_UNAVAILABLE_MESSAGE)
        await message.output_channel.send_text_message(message.sender_id, text)
        return None

    Agent.handle_message = handle_within_limits


def with_jwt_secret(argv: List[str], environ: Dict[str, str]) -> List[str]:
    """`rasa run` arguments with the JWT secret from the environment; `--enable-api` without one, or
    with Rasa's query-string token, is refused: the API changes conversations."""
    if len(argv) < 2 or argv[1] != "run" or "--enable-api" not in argv:
        return argv
    if any(arg.startswith(("--auth-token", "-t")) for arg in argv[2:]):
        raise SystemExit("error: the HTTP API takes JSON Web Tokens only; drop --auth-token")
    secret = environ.get(JWT_SECRET_VARIABLE)
    if not secret:
        raise SystemExit(f"error: --enable-api needs {JWT_SECRET_VARIABLE} in the environment")
    return [*argv, "--jwt-method=HS256", f"--jwt-secret={secret}"]  # "=": a secret may start with "-"


def main() -> None:
    import sys

    from rasa.__main__ import main as rasa_main

    from bot import redaction
    from bot.config import load_settings

    redaction.install()
    apply_fixes()
    settings = load_settings()
    apply_limits(settings)
    apply_action_fallback(settings)
    # Changing sys.argv here leaves the process's visible command line as it was started.
    sys.argv = with_jwt_secret(sys.argv, dict(os.environ))
    rasa_main()


if __name__ == "__main__":
    main()

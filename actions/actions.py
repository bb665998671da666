"""Thin Rasa actions: read the tracker, ask actions.answers / the store, send response names.

They never build a sentence: every reply is a domain response rendered from the catalogs.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import answers, roadmap
from actions.notify import notify_staff_in_background
from actions.store import Store, create_engine
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES, reply_language

logger = logging.getLogger(__name__)

PLACE_ENTITIES = ("city", "us_state")
PROFILE_ENTITIES = ("profession", "country", "city", "us_state", "immigration_status", "milestone")


@functools.lru_cache(maxsize=1)
def cost_patterns() -> list:
    path = load_settings().gazetteer_dir / "costs.yml"
    return answers.cost_patterns(yaml.safe_load(path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=1)
def store() -> Store:
    """The app database, opened on first use (never at import time)."""
    return Store(create_engine(load_settings().database_url))


def profile_of(tracker: Tracker, updates: Dict[str, Any] | None = None) -> answers.Profile:
    """The profile from the slots, with this turn's updates (slot events apply after the action)."""
    slots = {name: tracker.get_slot(name) for name in answers.PROFILE_SLOTS}
    slots.update(updates or {})
    return answers.Profile(**{**slots, "milestones": tuple(slots["milestones"] or ())})


def roadmap_answers(tracker: Tracker) -> List[Dict[str, Any]]:
    """Slot events for a status and for steps already done, named in this message."""
    events = []
    statuses = entity_values(tracker, ("immigration_status",))
    if statuses:
        events.append(SlotSet("immigration_status", statuses[-1]))
    reported = entity_values(tracker, ("milestone",))
    if reported:
        events.append(
            SlotSet("milestones", roadmap.merge_milestones(tracker.get_slot("milestones"), reported))
        )
    return events


def roadmap_state_of(tracker: Tracker) -> answers.RoadmapState:
    return answers.RoadmapState(
        asked=tuple(tracker.get_slot("roadmap_asked") or ()),
        question=tracker.get_slot("roadmap_question"),
    )


def entity_values(tracker: Tracker, names: tuple) -> List[str]:
    return [
        e["value"] for e in tracker.latest_message.get("entities", []) if e.get("entity") in names
    ]


def place_name(tracker: Tracker, kb: Store) -> str | None:
    """The place as the person wrote it in this message (not a ZIP code), else the city's English name,
    else the state's code (the renderer names it in the person's language)."""
    for entity in tracker.latest_message.get("entities", []):
        written = entity.get("text") or ""
        if entity.get("entity") in PLACE_ENTITIES and written and not written[:1].isdigit():
            return written
    city = tracker.get_slot("city")
    entry = kb.kb_entry("city", city) if city else None
    return entry["name"] if entry else tracker.get_slot("us_state")


def user_intents_newest_first(tracker: Tracker) -> List[str | None]:
    return [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]


def printable_roadmap(tracker: Tracker, kb: Store, profile: answers.Profile, place: str | None) -> str:
    """Stores the profile behind the plan and returns its stable printable link."""
    settings = load_settings()
    language = tracker.get_slot("language") or settings.default_language
    token = kb.save_roadmap(tracker.sender_id, language, {**vars(profile), "place": place})
    return f"{settings.public_url}/plan/{token}"


def send(dispatcher: CollectingDispatcher, reply: answers.Reply) -> List[Dict[str, Any]]:
    for response in reply.responses:
        dispatcher.utter_message(**response)
    return [SlotSet(name, value) for name, value in reply.slots.items()]


class ActionAnswerTopic(Action):
    """Answers a licensing, visa or program question from the knowledge base."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        return answer_topic(dispatcher, tracker)


def answer_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """The knowledge-base answer for the latest message, in the context of the roadmap."""
    intent = tracker.latest_message.get("intent", {}).get("name")
    pending_topic = tracker.get_slot("pending_topic")
    state = roadmap_state_of(tracker)
    # An answer to a roadmap question counts even when it reads like a question ("H-1B") or was not
    # understood as a whole ("my profession is nurse" at low confidence): it names a profile fact.
    # "What is the NCLEX?" names a milestone but reports nothing.
    answering = pending_topic == "roadmap" and state.question is not None and intent != "explain_term"
    names_fact = bool(entity_values(tracker, PROFILE_ENTITIES))
    informing = intent == "inform" or (names_fact and (answering or intent == "nlu_fallback"))
    events = roadmap_answers(tracker) if informing or answering else []
    profile = profile_of(tracker, {e["name"]: e["value"] for e in events})
    try:
        kb = store()
        place = place_name(tracker, kb)
        if informing:
            reply = answers.after_inform(pending_topic, profile, kb, place, state)
        elif intent in answers.REPLY_INTENTS:
            reply = answers.after_reply(pending_topic, profile, kb, place, state)
        else:
            terms = entity_values(tracker, ("term",))
            reply = answers.answer(answers.INTENT_TOPICS[intent], profile, kb, place, state, terms)
        if reply.gives("utter_roadmap"):
            reply.say("utter_roadmap_printable", url=printable_roadmap(tracker, kb, profile, place))
    except SQLAlchemyError:
        logger.exception("The knowledge base is unavailable.")
        reply = answers.Reply().say("utter_temporarily_unavailable")
    return events + send(dispatcher, reply)


class ActionChangeLanguage(Action):
    """Switches to the language the person asked for, or shows the language menu."""

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        requested = [
            e.get("value")
            for e in tracker.latest_message.get("entities", [])
            if e.get("entity") == "requested_language" and e.get("value") in SUPPORTED_LANGUAGES
        ]
        # "In Spanish please" written in English names Spanish; a message written in Spanish asking
        # for English names English: the last named language other than the current one wins.
        current = tracker.get_slot("language")
        choices = [lang for lang in requested if lang != current] or requested
        if not choices:
            dispatcher.utter_message(response="utter_language_menu")
            return []
        language = choices[-1]
        dispatcher.utter_message(response="utter_language_changed", language=language)
        return [SlotSet("language", language)]


def topics_of(tracker: Tracker, intents: List[str | None]) -> List[str]:
    """English labels of what the person asked about, "costs" included if they asked about money."""
    topics = answers.topics_asked(reversed(intents))
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return topics + [answers.COSTS_LABEL] if answers.mentions_costs(said, cost_patterns()) else topics


class ActionHandoff(Action):
    """Records a handoff to a human case manager (durably, first), then confirms it."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        events: List[Dict[str, Any]] = [SlotSet("handoff_offered", False)]
        if intent in ("deny", "skip"):
            dispatcher.utter_message(response="utter_handoff_declined")
            return events
        intents = user_intents_newest_first(tracker)
        profile = profile_of(tracker)
        try:
            reference = store().create_handoff(
                conversation_id=tracker.sender_id,
                channel=tracker.get_latest_input_channel(),
                # The language the person is answered in, for the console's replies and notices to them.
                language=reply_language(
                    tracker.get_slot("language"), tracker.latest_message.get("metadata"),
                    tracker.latest_message, load_settings().default_language,
                ),
                # A retried handoff (bot.server) was asked for when the action server was down.
                reason="not_understood" if intent in ("affirm", "nlu_fallback") else "requested",
                profile={k: v for k, v in vars(profile).items() if v},
                topics=topics_of(tracker, intents),
            )
        except SQLAlchemyError:
            logger.exception("Could not record the handoff.")
            dispatcher.utter_message(response="utter_handoff_failed")
            return events
        logger.info("Handoff %s recorded.", reference)
        notify_staff_in_background(load_settings(), store().handoff(reference))
        dispatcher.utter_message(response="utter_handoff_confirmed", reference=reference)
        return events


class ActionDefaultFallback(Action):
    """First miss: ask to rephrase. Second miss in a row: offer a human case manager."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if tracker.get_slot("pending_topic") == "roadmap" and entity_values(tracker, PROFILE_ENTITIES):
            return answer_topic(dispatcher, tracker)  # a roadmap answer or correction, worded unusually
        misses = answers.consecutive_fallbacks(user_intents_newest_first(tracker))
        if misses >= 2:
            dispatcher.utter_message(response="utter_offer_handoff")
            return [SlotSet("handoff_offered", True), SlotSet("erase_requested", False)]
        dispatcher.utter_message(response="utter_default")
        return []


class ActionEraseData(Action):
    """"Delete my data": asks to confirm, then erases the person's handoffs, case history and plan here,
    and ends with `Restarted`, on which the tracker store deletes the conversation itself
    (bot.tracker_store)."""

    def name(self) -> str:
        return "action_erase_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        answering = tracker.get_slot("erase_requested") and answers.just_asked(tracker.events, self.name())
        if intent not in answers.REPLY_INTENTS and not answering:
            dispatcher.utter_message(response="utter_confirm_erase")
            return [SlotSet("erase_requested", True), SlotSet("handoff_offered", False)]
        if not answering:
            # A "yes" to something asked since: the confirmation is stale, answer it as usual.
            return [SlotSet("erase_requested", False)] + answer_topic(dispatcher, tracker)
        # The turn ends here whatever happens (no rule needs to predict after a restart).
        events: List[Dict[str, Any]] = [SlotSet("erase_requested", False), FollowupAction("action_listen")]
        if intent not in ("affirm", "delete_my_data"):  # "yes, delete it" may read as either
            dispatcher.utter_message(response="utter_erase_cancelled")
            return events
        try:
            erased = store().erase_conversation(tracker.sender_id)
        except SQLAlchemyError:
            logger.exception("Could not erase a conversation's data.")
            dispatcher.utter_message(response="utter_erase_failed")
            return events
        logger.info("Erased a conversation at the person's request: %s.", erased)
        dispatcher.utter_message(response="utter_data_erased")
        return events + [Restarted()]

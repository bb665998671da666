"""Pure decisions behind the actions: which response to give, with which arguments.

Nothing here touches Rasa; everything is tested directly (tests/actions/test_answers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Protocol, Tuple

from actions import roadmap

# Intent → topic. Profession topics need a profession; the others do not.
INTENT_TOPICS = {
    "ask_pathway": "pathway",
    "ask_credential_evaluation": "credentials",
    "ask_english_test": "english_test",
    "ask_visa": "visa",
    "ask_official_website": "websites",
    "ask_ecfmg": "ecfmg",
    "ask_j1_visa": "j1_visa",
    "ask_h1b_visa": "h1b_visa",
    "ask_visascreen": "visascreen",
    "ask_green_card": "green_card",
    "find_program": "programs",
    "ask_roadmap": "roadmap",
    "explain_term": "glossary",
}
PROFESSION_TOPICS = {"pathway", "credentials", "english_test", "visa", "websites"}

# English labels of intents for staff (case brief); the person never sees these.
TOPIC_LABELS = {
    "pathway": "licensing pathway",
    "credentials": "credential evaluation",
    "english_test": "English tests",
    "visa": "visas",
    "websites": "official websites",
    "ecfmg": "ECFMG certification",
    "j1_visa": "J-1 visa",
    "h1b_visa": "H-1B visa",
    "visascreen": "VisaScreen",
    "green_card": "green card",
    "programs": "support programs",
    "roadmap": "personal roadmap",
    "glossary": "meaning of a term",
}
# "What are ERAS, the Match and NRMP?": at most this many definitions in one reply.
MAX_TERMS_EXPLAINED = 3
# Answers to a question the bot asked ("skip", "no", "nothing yet", "yes").
REPLY_INTENTS = {"skip", "deny", "affirm"}


class KnowledgeBase(Protocol):
    def kb_entry(self, kind: str, key: str) -> Dict[str, Any] | None: ...

    def kb_entries(self, kind: str) -> List[Dict[str, Any]]: ...

    def programs_in_state(self, state: str) -> List[Dict[str, Any]]: ...


@dataclass
class Reply:
    """What an action sends: responses with arguments, and slot values to set."""

    responses: List[Dict[str, Any]] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)

    def say(self, response: str, **arguments: Any) -> Reply:
        self.responses.append({"response": response, **arguments})
        return self

    def gives(self, response: str) -> bool:
        return any(r["response"] == response for r in self.responses)


PROFILE_SLOTS = ("profession", "us_state", "city", "country", "immigration_status", "milestones")


@dataclass(frozen=True)
class Profile:
    profession: str | None = None
    us_state: str | None = None
    city: str | None = None
    country: str | None = None
    immigration_status: str | None = None
    milestones: Tuple[str, ...] = ()


@dataclass(frozen=True)
class RoadmapState:
    """Where the roadmap conversation is: the fields already asked and the question just asked."""

    asked: Tuple[str, ...] = ()
    question: str | None = None


def answer(
    topic: str,
    profile: Profile,
    kb: KnowledgeBase,
    place_name: str | None = None,
    roadmap_state: RoadmapState = RoadmapState(),
    terms: Iterable[str] = (),
) -> Reply:
    """The reply for a topic given what we know of the person and the glossary terms the message names."""
    if topic == "roadmap":
        return roadmap_reply(profile, kb, place_name, roadmap_state)
    if topic == "glossary":
        return glossary_reply(terms, kb)
    # A visa question that names one specific visa ("can a doctor get an O-1?") is answered about it.
    specific = [e for e in _term_entries(terms, kb) if topic in (e.get("answers_for") or ())]
    if len(specific) == 1:
        return Reply().say(specific[0]["answer"])
    if topic in PROFESSION_TOPICS:
        entry = kb.kb_entry("profession", profile.profession) if profile.profession else None
        if entry is None:
            return Reply(slots={"pending_topic": topic}).say("utter_ask_profession")
        reply = Reply(slots={"pending_topic": None})
        roadmap_entry = kb.kb_entry("roadmap", profile.profession) if entry.get("alias_of") else None
        if topic == "pathway" and roadmap_entry:
            # Professions without their own pathway answer (OT, PA, midwife…) get their roadmap's steps.
            steps = [{"id": s["id"], "site": s["site"], "state": "overview"} for s in roadmap_entry["steps"]]
            return reply.say("utter_pathway_overview", profession=profile.profession, steps=steps).say(
                "utter_offer_roadmap"
            )
        if topic == "websites":
            return reply.say("utter_official_websites", profession=profile.profession, sites=entry["bodies"])
        reply.say(entry["answers"][topic], profession=profile.profession)
        if topic == "pathway":
            reply.say("utter_offer_roadmap")
        return reply
    if topic == "programs":
        return programs_reply(profile, kb, place_name)
    entry = kb.kb_entry("topic", topic)
    return Reply().say(entry["answer"])


def _term_entries(terms: Iterable[str], kb: KnowledgeBase) -> List[Dict[str, Any]]:
    entries = (kb.kb_entry("term", term) for term in dict.fromkeys(terms))
    return [entry for entry in entries if entry]


def glossary_reply(terms: Iterable[str], kb: KnowledgeBase) -> Reply:
    """The definitions of the terms a message names, or the list of terms the glossary explains."""
    entries = _term_entries(terms, kb)
    if not entries:
        known = sorted(kb.kb_entries("term"), key=lambda e: e["order"])
        return Reply().say("utter_term_unknown", terms=[e["key"] for e in known])
    reply = Reply()
    for entry in entries[:MAX_TERMS_EXPLAINED]:
        reply.say(entry["answer"])
    return reply


def programs_reply(profile: Profile, kb: KnowledgeBase, place_name: str | None) -> Reply:
    if not profile.us_state:
        return Reply(slots={"pending_topic": "programs"}).say("utter_ask_location")
    place = place_name or profile.us_state
    # Programs in the person's own city first.
    found = sorted(
        kb.programs_in_state(profile.us_state),
        key=lambda p: roadmap.city_key_of(p.get("city")) != profile.city,
    )
    reply = Reply(slots={"pending_topic": None})
    if not found:
        return reply.say("utter_no_programs", place=place)
    return reply.say("utter_programs_found", place=place, programs=found)


def roadmap_reply(
    profile: Profile, kb: KnowledgeBase, place_name: str | None, state: RoadmapState
) -> Reply:
    """The next profile question, or the plan once every question was answered or skipped."""
    known = roadmap.RoadmapProfile(
        profession=profile.profession,
        country=profile.country,
        us_state=profile.us_state,
        immigration_status=profile.immigration_status,
        milestones=tuple(profile.milestones),
    )
    question = roadmap.next_question(known, state.asked)
    if question:
        reply = Reply(
            slots={
                "pending_topic": "roadmap",
                "roadmap_question": question,
                "roadmap_asked": [*state.asked, question],
            }
        )
        if not state.asked:
            reply.say("utter_roadmap_intro")
        return reply.say(roadmap.question_response(question))
    profession = profile.profession or roadmap.DEFAULT_ROADMAP
    entry = kb.kb_entry("roadmap", profession) or kb.kb_entry("roadmap", roadmap.DEFAULT_ROADMAP)
    reply = Reply(slots={"pending_topic": "roadmap", "roadmap_question": None})
    reply.say(
        "utter_roadmap",
        profession=profession,
        summary={
            "country": profile.country,
            "place": place_name,
            "immigration_status": profile.immigration_status,
        },
        steps=roadmap.plan_steps(entry, known),
    )
    for note in roadmap.state_notes(entry, profile.us_state):
        # A state note is about the state, whatever place the person named.
        reply.say("utter_roadmap_state_note", place=profile.us_state, **note)
    if profile.us_state:
        programs = roadmap.nearest_programs(kb.programs_in_state(profile.us_state), profile.city)
        if programs:
            reply.say("utter_programs_found", place=place_name, programs=programs)
    return reply


def after_inform(
    pending_topic: str | None,
    profile: Profile,
    kb: KnowledgeBase,
    place_name: str | None = None,
    roadmap_state: RoadmapState = RoadmapState(),
) -> Reply:
    """The person told us something about themselves: answer what was waiting for it, if anything.

    After a roadmap, a correction ("actually I live in Ohio") shows the plan again, updated.
    """
    if pending_topic:
        return answer(pending_topic, profile, kb, place_name, roadmap_state)
    return Reply().say("utter_profile_noted")


def after_reply(
    pending_topic: str | None,
    profile: Profile,
    kb: KnowledgeBase,
    place_name: str | None = None,
    roadmap_state: RoadmapState = RoadmapState(),
) -> Reply:
    """"Skip", "no", "nothing yet" or "yes": moves a roadmap question on, else an acknowledgement."""
    if pending_topic == "roadmap" and roadmap_state.question:
        return roadmap_reply(profile, kb, place_name, roadmap_state)
    return Reply().say("utter_acknowledge")


def just_asked(events: Iterable[Dict[str, Any]], action_name: str) -> bool:
    """Whether `action_name` was the last action before the latest user message: the message answers
    its question, not one asked since."""
    seen_latest_message = False
    for event in reversed(list(events)):
        if event.get("event") == "user":
            if seen_latest_message:
                return False
            seen_latest_message = True
        elif seen_latest_message and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == action_name
    return False


def consecutive_fallbacks(user_intents: Iterable[str | None]) -> int:
    """How many of the latest user messages in a row were not understood (newest first)."""
    count = 0
    for intent in user_intents:
        if intent != "nlu_fallback":
            break
        count += 1
    return count


COSTS_LABEL = "costs"


def cost_patterns(terms_by_language: Dict[str, List[str]]) -> List[re.Pattern]:
    """One pattern per language from data/gazetteer/costs.yml: whole words, or any word a term ending
    in * begins; Chinese, written without spaces, anywhere."""
    patterns = []
    for language, terms in terms_by_language.items():
        spaced = language != "zh"
        alternatives = "|".join(
            re.escape(term.lower().rstrip("*")) + ("" if term.endswith("*") or not spaced else r"(?!\w)")
            for term in sorted(terms, key=len, reverse=True)
        )
        patterns.append(re.compile(rf"(?<!\w)(?:{alternatives})" if spaced else f"(?:{alternatives})"))
    return patterns


def mentions_costs(texts: Iterable[str], patterns: List[re.Pattern]) -> bool:
    return any(p.search(text.lower()) for text in texts if text for p in patterns)


def topics_asked(user_intents: Iterable[str | None]) -> List[str]:
    """English labels of the topics a person asked about, in order, without repeats."""
    labels = [TOPIC_LABELS[INTENT_TOPICS[i]] for i in user_intents if i in INTENT_TOPICS]
    return list(dict.fromkeys(labels))

"""The roadmap's printable page and the step-by-step answers built from roadmaps, in every language."""

from __future__ import annotations

import re

import pytest
import requests
from markupsafe import escape

from actions.kb import read_kb
from bot.catalog import Catalogs
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.renderer import Renderer

pytestmark = pytest.mark.e2e

# The profile questions answered with the buttons' payloads, so this checks the page, not the NLU.
ROADMAP_BY_BUTTONS = [
    "/ask_roadmap",
    '/inform{"profession":"nurse"}',
    "/skip",
    '/inform{"us_state":"OR"}',
    '/inform{"immigration_status":"visa"}',
    "/deny",
]
PLAN_LINK = re.compile(r"https?://\S+/plan/[\w-]+")


@pytest.fixture(scope="module")
def catalogs():
    return Catalogs.load(load_settings().locales_dir)


def plan_link(assistant, sender, language):
    assistant.send(sender, f'/change_language{{"requested_language":"{language}"}}')
    for message in ROADMAP_BY_BUTTONS:
        replies = assistant.send(sender, message)
    links = PLAN_LINK.findall(" ".join(r.get("text", "") for r in replies))
    assert len(links) == 1, replies
    return links[0]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_printable_plan_in_the_persons_language(assistant, sender, catalogs, language):
    page = requests.get(plan_link(assistant, sender, language), timeout=30)
    assert page.status_code == 200
    body = page.text
    assert f'lang="{language}"' in body
    assert f'dir="{"rtl" if language in ("ar", "fa") else "ltr"}"' in body
    for message_id in ("roadmap.title.nclex", "roadmap.detail.nurse.visa", "roadmap.state.nurse_oet"):
        text = catalogs.get(language, message_id).split("{")[0].strip()
        assert escape(text) in body, message_id
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_the_link_is_stable_and_shows_corrections(assistant, sender, catalogs):
    first = plan_link(assistant, sender, "en")
    replies = assistant.send(sender, '/inform{"us_state":"ND"}')
    assert PLAN_LINK.findall(" ".join(r.get("text", "") for r in replies)) == [first]
    body = requests.get(first, timeout=30).text
    assert catalogs.get("en", "roadmap.state.nurse_nd_evaluators")[:40] in body
    spanish = requests.get(first, params={"lang": "es"}, timeout=30).text
    assert 'lang="es"' in spanish and escape(catalogs.get("es", "roadmap.title.nclex")) in spanish


def test_an_unknown_link_is_a_polite_404(assistant):
    response = requests.get(f"{assistant.web_url}/plan/not-a-real-plan", params={"lang": "fr"}, timeout=30)
    assert response.status_code == 404 and 'lang="fr"' in response.text


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_professions_without_their_own_guide_get_their_steps(assistant, sender, catalogs, language):
    assistant.send(sender, f'/change_language{{"requested_language":"{language}"}}')
    assistant.send(sender, '/inform{"profession":"physician_assistant"}')
    replies = assistant.send(sender, "/ask_pathway")
    [event] = [
        e for e in assistant.bot_events_since_last_user(sender)
        if e["metadata"]["utter_action"] == "utter_pathway_overview"
    ]
    assert event["metadata"]["language"] == language
    for message_id in ("roadmap.title.pa_program", "roadmap.detail.physician_assistant.pance"):
        assert catalogs.get(language, message_id) in event["text"]
    assert "https://www.arc-pa.org" in " ".join(r.get("text", "") for r in replies)


# (profession, state, status, step already done, the state note's id or None, whether visa steps show)
PROFILES = [
    ("physician", "TN", "no_status", "usmle_step1", "physician_tn", True),
    ("dentist", "MN", "citizen", "inbde", "dentist_mn_equivalency", False),
    ("pharmacist", "FL", "refugee_asylee", "fpgee", "pharmacist_intern_hours", False),
    ("physical_therapist", "CA", "work_permit", "npte", None, True),
]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("profession, state, status, done, note, visa", PROFILES)
def test_plans_across_professions_states_and_statuses(
    assistant, sender, catalogs, language, profession, state, status, done, note, visa
):
    assistant.send(sender, f'/change_language{{"requested_language":"{language}"}}')
    for message in (
        "/ask_roadmap",
        f'/inform{{"profession":"{profession}"}}',
        "/skip",
        f'/inform{{"us_state":"{state}"}}',
        f'/inform{{"immigration_status":"{status}"}}',
        f'/inform{{"milestone":"{done}"}}',
    ):
        assistant.send(sender, message)
    events = {e["metadata"]["utter_action"]: e for e in assistant.bot_events_since_last_user(sender)}
    plan = events["utter_roadmap"]["text"]
    assert events["utter_roadmap"]["metadata"]["language"] == language
    assert (catalogs.get(language, "roadmap.title.visa") in plan) is visa
    # The step already done is ticked, at its place in this person's plan.
    title = catalogs.get(language, f"roadmap.title.{done}")
    number = _step_number(profession, done, visa)
    assert Renderer(catalogs).text(language, "roadmap.line_done", {"number": number, "title": title}) in plan
    if note:
        [entry] = [n for n in _kb()["roadmaps"]["state_notes"] if n["id"] == note]
        hours = (entry.get("hours") or {}).get(state)
        arguments = {"message": entry["message"], "site": entry["site"], "place": state, "hours": hours}
        expected = Renderer(catalogs).text(language, "utter_roadmap_state_note", arguments)
        assert events["utter_roadmap_state_note"]["text"] == expected
    else:
        assert "utter_roadmap_state_note" not in events


def _kb():
    settings = load_settings()
    return read_kb(settings.kb_dir, settings.gazetteer_dir)


def _step_number(profession: str, step_id: str, with_visa: bool) -> int:
    steps = _kb()["roadmaps"]["roadmaps"][profession]["steps"]
    shown = [s["id"] for s in steps if with_visa or not s.get("visa")]
    return shown.index(step_id) + 1

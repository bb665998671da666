import re

import pytest
from rasa.shared.core.domain import Domain

from actions import answers
from actions.kb import read_kb, rows_for
from actions.store import Store, create_engine
from bot.catalog import Catalogs
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.renderer import Renderer
from bot.sms import (
    MAX_MESSAGES,
    MAX_WHOLE_MESSAGES,
    SenderState,
    TwilioSmsOutput,
    chosen_option,
    gsm7_stand_ins,
    is_gsm7,
    keyword,
    message_capacity,
    numbered_options,
    sms_units,
    split_sms,
)


def test_latin_text_is_gsm7_and_other_scripts_are_ucs2():
    assert is_gsm7("Hello! Price: £10 (ECFMG)") and is_gsm7("Señor, ¿qué tal? ñ ü é")
    assert not is_gsm7("مرحبا") and not is_gsm7("Привет") and not is_gsm7("你好") and not is_gsm7("número ú")


def test_extension_characters_count_twice_and_emoji_count_as_two_units():
    assert sms_units("{€}", gsm7=True) == 6
    assert sms_units("😀a", gsm7=False) == 3


def test_capacity_follows_the_encoding():
    assert message_capacity("hello", segments=1) == 160 and message_capacity("привет", segments=1) == 70
    assert message_capacity("hello", segments=4) == 612 and message_capacity("你好", segments=4) == 268


def test_a_short_answer_is_one_message():
    assert split_sms("Hola, ¿en qué te ayudo?") == ["Hola, ¿en qué te ayudo?"]


@pytest.mark.parametrize("word", ["word", "слово", "كلمة", "字字"])
def test_long_answers_split_between_words_within_the_capacity(word):
    text = " ".join([word] * 400)
    parts = split_sms(text, segments=1, max_messages=50)
    gsm7 = is_gsm7(text)
    assert all(sms_units(p, gsm7) <= message_capacity(text, 1) for p in parts)
    assert " ".join(parts) == text


def test_links_stay_whole():
    link = "https://www.ecfmg.org/certification-requirements-2026-match/index.html"
    text = ("word " * 140) + link + " end"
    parts = split_sms(text, segments=1, max_messages=10)
    assert any(link in p for p in parts)


def test_more_than_the_maximum_is_cut_with_an_ellipsis():
    parts = split_sms("palabra " * 500, segments=1, max_messages=3)
    assert len(parts) == 3 and parts[-1].endswith(" ...") and sms_units(parts[-1], True) <= 160


def test_a_no_break_space_does_not_make_french_ucs2():
    assert split_sms("Étapes\u00a0: voir le site") == ["Étapes : voir le site"]


@pytest.mark.parametrize("body, expected", [
    ("STOP", "stop"), (" stop ", "stop"), ("Unsubscribe", "stop"), ("START", "start"), ("help", "help"),
    ("stop sending me the same thing", None), ("hola", None),
])
def test_keywords(body, expected):
    assert keyword(body) == expected


@pytest.mark.parametrize("body, expected", [
    ("1", "/a"), (" 2 ", "/b"), ("2.", "/b"), ("٢", "/b"), ("۲", "/b"), ("２", "/b"),
    ("3", None), ("0", None),
    ("1 please", None), ("", None),
])
def test_a_reply_of_just_a_number_is_that_option(body, expected):
    assert chosen_option(body, ["/a", "/b"]) == expected


def test_options_are_numbered_above_the_instruction():
    assert numbered_options(["Mi plan", "Programas"], "Responde con el número.") == (
        "1. Mi plan\n2. Programas\nResponde con el número."
    )


def test_sender_state_keeps_the_menu_and_the_opt_out(tmp_path):
    state = SenderState(f"sqlite:///{tmp_path / 'app.db'}")
    assert state.menu("+15550001") == [] and not state.opted_out("+15550001")
    state.set_menu("+15550001", ["/a", "/b"])
    state.set_opted_out("+15550001", True)
    again = SenderState(f"sqlite:///{tmp_path / 'app.db'}")
    assert again.menu("+15550001") == ["/a", "/b"] and again.opted_out("+15550001")
    assert again.menu("+15550002") == []


def test_writing_one_of_the_two_never_undoes_the_other(tmp_path):
    first, second = (SenderState(f"sqlite:///{tmp_path / 'app.db'}") for _ in range(2))
    first.set_opted_out("+15550003", True)  # the number's first row
    second.set_menu("+15550003", ["/x"])  # another process, the other column
    assert first.opted_out("+15550003") and first.menu("+15550003") == ["/x"]
    first.set_opted_out("+15550003", False)
    assert second.menu("+15550003") == ["/x"] and not second.opted_out("+15550003")


def test_options_stay_whole_when_a_message_is_split_between_lines():
    menu = numbered_options(["Pasos para la licencia", "Programas"], "Responde con el número.")
    parts = split_sms("x " * 200 + "\n\n" + menu, segments=2, max_messages=10)
    assert any(p.startswith("1. Pasos para la licencia") or "\n1. Pasos para la licencia" in p for p in parts)
    assert parts[-1].endswith("Responde con el número.")


def test_blank_form_fields_are_kept_for_the_signature():
    from bot.sms import signed_form

    body = b"From=%2B15551234567&Body=&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm.jpg&NumMedia=1"
    assert signed_form(body) == {"From": "+15551234567", "Body": "", "NumMedia": "1",
                                 "MediaUrl0": "https://api.twilio.com/m.jpg"}


def test_pictographs_get_gsm7_stand_ins_only_when_that_makes_the_text_gsm7():
    assert gsm7_stand_ins("👉 1. Exam · Texas\n✅ 2. English") == ">> 1. Exam - Texas\n(ok) 2. English"
    assert gsm7_stand_ins("👉 1. Экзамен") == "👉 1. Экзамен"  # Cyrillic is UCS-2 anyway


@pytest.fixture(scope="module")
def sms_output():
    return TwilioSmsOutput(None, "+15550000", None, Catalogs.load(load_settings().locales_dir), "en")


def test_parts_are_labelled_in_order_and_options_come_last_and_whole(sms_output):
    message = {"text": "\n".join(f"Line {n} " + "word " * 20 for n in range(30)), "language": "es",
               "buttons": [{"title": "Mi plan", "payload": "/ask_roadmap"}]}
    parts = sms_output.parts_of(message)
    assert len(parts) == MAX_MESSAGES
    assert [p.split(" ", 1)[0] for p in parts] == ["(1/3)", "(2/3)", "(3/3)"]
    assert parts[1].endswith(" ...")  # the answer is cut visibly, not silently
    assert parts[2].startswith("(3/3) 1. Mi plan\n")
    assert all(sms_units(p, is_gsm7(p)) <= message_capacity(p) for p in parts)


def test_a_short_answer_and_its_options_share_one_sms(sms_output):
    message = {"text": "Hello!", "buttons": [{"title": "My plan", "payload": "/ask_roadmap"}]}
    assert sms_output.parts_of(message) == ["Hello!\n1. My plan\nReply with the number of your choice."]


def test_a_whole_response_is_never_cut(sms_output):
    text = "\n".join(f"{n}. Step " + "word " * 20 for n in range(1, 25))
    assert len(sms_output.parts_of({"text": text})) == MAX_MESSAGES
    parts = sms_output.parts_of({"text": text, "whole": True})
    assert MAX_MESSAGES < len(parts) <= MAX_WHOLE_MESSAGES
    assert " ".join(" ".join(p.split(" ", 1)[1] for p in parts).split()) == " ".join(text.split())


@pytest.fixture(scope="module")
def kb_store():
    settings = load_settings()
    store = Store(create_engine("sqlite://"))
    store.replace_kb(*rows_for(read_kb(settings.kb_dir, settings.gazetteer_dir)))
    return store


def without_labels(parts):
    return " ".join(" ".join(re.sub(r"^\(\d+/\d+\) ", "", p) for p in parts).split())


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_real_plan_arrives_whole_by_sms(sms_output, kb_store, language):
    """Each roadmap in each state that has programs or notes, as the plan, state notes and programs
    the person receives: nothing cut, every SMS within its segments."""
    settings = load_settings()
    kb = read_kb(settings.kb_dir, settings.gazetteer_dir)
    renderer = Renderer(sms_output.catalogs)
    responses = Domain.load("domain.yml").responses
    states = {p["state"] for p in kb["programs"]["programs"] if p.get("state")}
    states |= {s for note in kb["roadmaps"]["state_notes"] for s in note["states"]}
    asked = ("profession", "country", "us_state", "immigration_status", "milestones")
    counts = []
    for profession in kb["roadmaps"]["roadmaps"]:
        for us_state in sorted(states):
            profile = answers.Profile(profession, us_state, None, "IN", "no_status", ("english_test",))
            reply = answers.roadmap_reply(profile, kb_store, us_state, answers.RoadmapState(asked))
            assert reply.gives("utter_roadmap")
            for said in reply.responses:
                arguments = {k: v for k, v in said.items() if k != "response"}
                message = renderer.render(responses[said["response"]][0], language, arguments)
                parts = sms_output.parts_of(message)
                assert all(sms_units(p, is_gsm7(p)) <= message_capacity(p) for p in parts)
                assert not parts[-1].endswith(("...", "…")), (profession, us_state, said["response"])
                assert without_labels(parts).startswith(" ".join(gsm7_stand_ins(message["text"]).split()))
                counts.append(len(parts))
    assert max(counts) <= MAX_WHOLE_MESSAGES

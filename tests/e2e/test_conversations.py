"""Every topic in every language, profile memory, handoff and fallback, through the REST channel."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from actions.store import Store, create_engine
from bot.catalog import Catalogs
from bot.config import load_settings

pytestmark = pytest.mark.e2e

SCRIPTS = sorted((Path(__file__).parent / "conversations").glob("*.yml"))


def load(path: Path) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def topic_cases():
    for path in SCRIPTS:
        script = load(path)
        for turn in script["topics"]:
            name = turn["expect"] if isinstance(turn["expect"], str) else turn["expect"][0]
            yield pytest.param(script["language"], turn, id=f"{script['language']}-{name}")


def conversation_cases():
    for path in SCRIPTS:
        script = load(path)
        for name, turns in script["conversations"].items():
            yield pytest.param(script["language"], turns, id=f"{script['language']}-{name}")


def check_turn(assistant, sender: str, language: str, turn: Dict[str, Any]) -> List[Dict]:
    replies = assistant.send(sender, turn["say"])
    bot_events = assistant.bot_events_since_last_user(sender)
    sent = [(e.get("metadata") or {}).get("utter_action") for e in bot_events]
    # `expect` names the response; a list names responses that answer the question equally well
    # (OET Medicine is both "the English test for doctors" and part of ECFMG certification).
    expected = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
    matching = [e for e in bot_events if (e.get("metadata") or {}).get("utter_action") in expected]
    assert matching, f"{turn['say']!r}: expected {expected}, bot sent {sent}"
    # One answer per turn: a rule that stops matching after its action makes Rasa's core fallback
    # answer "sorry?" again and again after the right answer.
    assert "utter_default" in expected or "utter_default" not in sent, f"{turn['say']!r}: bot sent {sent}"
    event = matching[0]
    assert event["metadata"]["language"] == turn.get("language", language)
    # The REST channel sends each paragraph of a plain text as its own message.
    delivered = "\n\n".join(r.get("text", "") for r in replies)
    paragraphs = [p.strip() for p in event["text"].split("\n\n") if p.strip()]
    assert paragraphs and all(p in delivered for p in paragraphs), (paragraphs, delivered)
    if "buttons" in turn:
        assert sum(len(r.get("buttons", [])) for r in replies) == turn["buttons"]
    return replies


@pytest.mark.parametrize("language, turn", topic_cases())
def test_topic(assistant, sender, language, turn):
    check_turn(assistant, sender, language, turn)


@pytest.mark.parametrize("language, turns", conversation_cases())
def test_conversation(assistant, sender, language, turns):
    for turn in turns:
        check_turn(assistant, sender, language, turn)


def test_scripts_cover_every_language():
    from bot.languages import SUPPORTED_LANGUAGES

    assert sorted(load(p)["language"] for p in SCRIPTS) == sorted(SUPPORTED_LANGUAGES)


def test_handoff_is_recorded_before_the_reply(assistant, sender):
    assistant.send(sender, "I'm a nurse from Kenya, I live in Seattle")
    replies = assistant.send(sender, "I want to speak with a human case manager")
    assert replies, "no confirmation"
    store = Store(create_engine(assistant.database_url))
    [handoff] = store.handoffs_for(sender)
    assert handoff["language"] == "en"
    assert handoff["profile"]["profession"] == "nurse"
    assert handoff["profile"]["us_state"] == "WA"
    assert handoff["reason"] == "requested"
    assert any(handoff["reference"] in r["text"] for r in replies)


def test_every_turn_is_stored_in_the_tracker_database(assistant, sender):
    assistant.send(sender, "hola, soy enfermera de Perú")
    assistant.send(sender, "cómo valido mi título?")
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    kinds = [kind for (kind,) in rows]
    assert kinds.count("user") == 2
    assert kinds.count("bot") >= 2


@pytest.mark.parametrize(
    "message",
    ["", "   ", "😀😀😀", "🙏", "a" * 5000, "USMLE? " * 700, "\u0000\u0007 hi", "<script>alert(1)</script>"],
    ids=["empty", "whitespace", "emoji", "one-emoji", "5000-chars", "long-words", "control", "html"],
)
def test_bad_input_gets_a_polite_reply(assistant, sender, message):
    replies = assistant.send(sender, message)
    assert replies and all(r.get("text") for r in replies)


@pytest.mark.parametrize(
    "message",
    [
        "Buongiorno, sono un infermiere italiano e vorrei lavorare negli Stati Uniti",
        "안녕하세요, 저는 한국에서 간호사로 일했어요",
    ],
    ids=["italian", "korean"],
)
def test_unsupported_language_gets_english_list_of_languages(assistant, sender, message):
    assistant.send(sender, message)
    [event] = assistant.bot_events_since_last_user(sender)
    assert event["metadata"]["utter_action"] == "utter_unsupported_language"
    assert event["metadata"]["language"] == "en"
    for autonym in ("Español", "العربية", "فارسی", "Русский", "Українська", "中文", "Tagalog"):
        assert autonym in event["text"]


def test_short_message_keeps_the_conversation_language(assistant, sender):
    assistant.send(sender, "Здравствуйте, я медсестра из Киева")
    assistant.send(sender, "ok")
    events = assistant.bot_events_since_last_user(sender)
    assert {e["metadata"]["language"] for e in events} == {"ru"}


def test_channel_hint_sets_the_first_reply_language(assistant, sender):
    assistant.send(sender, "ok", metadata={"language": "pt-BR"})
    [event] = assistant.bot_events_since_last_user(sender)
    assert event["metadata"]["language"] == "pt"


# (first message, then a message mixing in English terms or words the neighbouring language shares)
MIXED_MESSAGES = {
    "en": ("Hello, I am a pharmacist from Egypt", "gracias amigo, and the NAPLEX?"),
    "es": ("Hola, soy médico de Venezuela y vivo en Miami", "y la green card para nurses?"),
    "fr": ("Bonjour, je suis infirmière du Cameroun", "et le healthcare worker certificate c'est quoi ?"),
    "ar": ("مرحبا، أنا طبيب من مصر وأعيش في ميشيغان", "ok و ECFMG certification؟"),
    "fa": ("سلام، من پرستار از ایران هستم", "NCLEX exam رو کجا بدم؟"),
    "ru": ("Здравствуйте, я врач из Казахстана", "а residency match когда?"),
    "uk": ("Добрий день, я медсестра з Харкова", "Флорида"),
    "pt": ("Olá, sou enfermeira do Brasil e moro em Boston", "e o visa screen?"),
    "zh": ("你好，我是来自中国的药剂师", "ok, NAPLEX exam?"),
    "tl": ("Hello po, nurse ako galing Pilipinas", "yung visa screen po?"),
}
# (language of the first message, the first message, then a clear sentence in the language)
OPENER_EN = "Hi, I am a health worker and I need some help"
SWITCHES = {
    "en": ("es", "Hola, soy enfermera de Honduras", "how can I get my nursing license in Texas?"),
    "es": ("en", OPENER_EN, "quiero saber cómo validar mi título de odontología en California"),
    "fr": ("en", OPENER_EN, "je voudrais savoir comment devenir pharmacien aux États-Unis"),
    "ar": ("en", OPENER_EN, "أريد أن أعرف كيف أحصل على رخصة التمريض في أمريكا"),
    "fa": ("en", OPENER_EN, "می‌خواهم بدانم چطور مدرک پزشکی‌ام را در آمریکا ارزیابی کنم"),
    "ru": ("uk", "Добрий день, я медсестра з Харкова", "хочу узнать, как получить лицензию в Нью-Йорке"),
    "uk": ("ru", "Здравствуйте, я врач из Казахстана", "хочу дізнатися, як отримати ліцензію в Іллінойсі"),
    "pt": ("es", "Hola, soy enfermera de Honduras", "quero saber como revalidar meu diploma nos EUA"),
    "zh": ("en", OPENER_EN, "我想知道怎么在美国考护士执照"),
    "tl": ("en", OPENER_EN, "paano po ba makakuha ng nursing license dito sa California?"),
}


def reply_languages(assistant, sender) -> set:
    return {e["metadata"]["language"] for e in assistant.bot_events_since_last_user(sender)}


@pytest.mark.parametrize("language", sorted(MIXED_MESSAGES))
def test_mixed_message_keeps_the_conversation_language(assistant, sender, language):
    opener, mixed = MIXED_MESSAGES[language]
    assistant.send(sender, opener)
    assert reply_languages(assistant, sender) == {language}
    assistant.send(sender, mixed)
    assert reply_languages(assistant, sender) == {language}


@pytest.mark.parametrize("language", sorted(SWITCHES))
def test_clear_sentence_in_another_language_switches_the_conversation(assistant, sender, language):
    opener_language, opener, sentence = SWITCHES[language]
    assistant.send(sender, opener)
    assert reply_languages(assistant, sender) == {opener_language}
    assistant.send(sender, sentence)
    assert reply_languages(assistant, sender) == {language}


def test_language_asked_for_by_name_stays_after_the_request(assistant, sender):
    assistant.send(sender, "Hola, soy enfermera de Honduras")
    assistant.send(sender, "por favor háblame en inglés")
    assert reply_languages(assistant, sender) == {"en"}
    assistant.send(sender, "ok")
    assert reply_languages(assistant, sender) == {"en"}


def erase_cases():
    for path in SCRIPTS:
        script = load(path)
        yield pytest.param(script["language"], script["erase"], id=script["language"])


@pytest.mark.parametrize("language, lines", erase_cases())
def test_delete_my_data_erases_everything_after_a_yes_only(assistant, sender, language, lines):
    store = Store(create_engine(assistant.database_url))
    assistant.send(sender, lines["profile"])
    assistant.send(sender, "/request_human")
    assert store.handoffs_for(sender)
    asked = {"say": lines["delete_request"], "expect": "utter_confirm_erase", "buttons": 2}
    check_turn(assistant, sender, language, asked)
    check_turn(assistant, sender, language, {"say": lines["confirm_no"], "expect": "utter_erase_cancelled"})
    assert store.handoffs_for(sender), "a no erased data"
    check_turn(assistant, sender, language, {**asked, "say": lines["delete_request_2"]})

    replies = assistant.send(sender, lines["confirm_yes"])
    erased = Catalogs.load(load_settings().locales_dir).get(language, "utter_data_erased")
    assert "\n\n".join(r["text"] for r in replies) == erased
    with sqlite3.connect(assistant.tracker_db) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone() == (0,)
    assert store.handoffs_for(sender) == [] and store.roadmap_for(sender) is None
    # Writing again starts a new conversation that knows nothing of the old one.
    assistant.send(sender, lines["profile"])
    tracker = assistant.tracker(sender)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [lines["profile"]]


def test_a_late_yes_does_not_erase(assistant, sender):
    """The confirmation counts only as the answer to the question just asked."""
    store = Store(create_engine(assistant.database_url))
    assistant.send(sender, "/request_human")
    assistant.send(sender, "please delete all my data")
    check_turn(assistant, sender, "en", {"say": "what is the NCLEX?", "expect": "utter_term_nclex"})
    check_turn(assistant, sender, "en", {"say": "yes", "expect": "utter_acknowledge"})
    assert store.handoffs_for(sender)

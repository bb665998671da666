import dataclasses
import json

import pytest

from bot import languages
from bot.languages import UNSUPPORTED, conversation_language, detect, normalise_hint


@pytest.mark.parametrize(
    "text, language",
    [
        ("Hola, soy enfermera de Cuba y vivo en Miami", "es"),
        ("Bonjour, je suis infirmière et je cherche du travail", "fr"),
        ("Olá, sou médico no Brasil e quero trabalhar nos EUA", "pt"),
        ("kumusta po, nurse ako galing Pilipinas", "tl"),
        ("I am a nurse from Nigeria and I live in Texas", "en"),
        ("Здравствуйте, я врач из Москвы", "ru"),
        ("Добрий день, я лікарка з Києва", "uk"),
        ("مرحبا، أنا طبيبة من مصر", "ar"),
        ("سلام، من پزشک هستم و در تگزاس زندگی می‌کنم", "fa"),
        ("你好，我是护士", "zh"),
        ("你好，我是護士，想在美國工作", "zh"),
        ("我是nurse在Texas工作", "zh"),
        ("я nurse в Texas, что делать", "ru"),
    ],
)
def test_sentences_are_identified(text, language):
    detection = detect(text)
    assert detection.language == language
    assert detection.reliable


@pytest.mark.parametrize("text", ["ok", "USMLE?", "NCLEX", "J-1 waiver", "😀😀", "", "   ", "123"])
def test_short_or_neutral_messages_never_switch_the_conversation(text):
    assert not detect(text).reliable


@pytest.mark.parametrize(
    "text",
    [
        "Buongiorno, sono un infermiere italiano e vorrei lavorare negli Stati Uniti",
        "Guten Tag, ich bin Ärztin aus Deutschland und möchte in den USA arbeiten",
        "안녕하세요 저는 간호사입니다",
        "こんにちは、看護師です",
        "नमस्ते मैं डॉक्टर हूँ",
    ],
)
def test_languages_we_do_not_speak_are_recognised(text):
    assert detect(text).language == UNSUPPORTED


@pytest.mark.parametrize(
    "text, language",
    [
        ("salam, man parastaram az tehran, chetori mitoonam too amrika kar konam", "fa"),
        ("ana mom3arreda men masr w 3ayza a3raf ezay a5od el license", "ar"),
        ("zdravstvuite, ya medsestra iz Kieva, chto mne nuzhno dlya raboty v SShA", "ru"),
        ("dobryi den, ya farmatsevt z Kharkova, shcho meni treba zrobyty", "uk"),
    ],
)
def test_languages_of_another_script_typed_in_latin_letters_are_identified(text, language):
    detection = detect(text)
    assert detection.language == language
    assert detection.reliable


@pytest.mark.parametrize(
    "text, language",
    [
        ("salamat po sa tulong ninyo", "tl"),  # "salam" is in it, but it is Tagalog
        ("da igual, no tengo visa todavía", "es"),  # "da" is Russian for yes
        ("tenho uma pergunta sobre o meu visto", "pt"),
        ("je suis pharmacienne, marocaine, et je vis à Boston", "fr"),
        ("Hi I am Dr. Ahmed Hassan from Cairo, I want to work in Ohio", "en"),
    ],
)
def test_latin_languages_are_not_taken_for_romanized_ones(text, language):
    assert detect(text).language == language


@pytest.mark.parametrize("text", ["ana 3ayez a3raf ezay", "tislam ya 3ammi, ifadtni wayed", "hola", "привет"])
def test_a_verdict_is_plain_json(text):
    # It travels in the parse data to the action server.
    detection = dataclasses.asdict(detect(text))
    assert json.loads(json.dumps(detection)) == detection


def test_romanized_messages_switch_like_latin_text_not_like_their_script():
    # A Cyrillic word switches an English conversation at once; romanized Russian needs a sentence.
    assert languages.next_conversation_language("en", "ru", "spasibo") == "en"
    text = "podskazhite pozhaluista, kak mne poluchit licenziyu medsestry"
    assert languages.next_conversation_language("en", detect(text).language, text) == "ru"


def test_persian_letters_decide_between_persian_and_arabic():
    assert detect("چطوری").language == "fa"
    assert detect("كيف حالك يا صديقي").language == "ar"


def test_ukrainian_letters_decide_between_ukrainian_and_russian():
    assert detect("дякую").language == "uk"
    assert detect("объясните, пожалуйста").language == "ru"


@pytest.mark.parametrize(
    "slot, hint, expected",
    [("fa", "es", "fa"), (None, "pt-BR", "pt"), (None, "fil", "tl"), (None, "it", "en"), (None, None, "en"),
     ("xx", None, "en")],
)
def test_conversation_language_prefers_slot_then_hint(slot, hint, expected):
    assert conversation_language(slot, hint) == expected


def test_hint_normalisation():
    assert normalise_hint("zh-Hant") == "zh"
    assert normalise_hint("en_US") == "en"
    assert normalise_hint(42) is None


def test_domain_model_is_trained_on_every_language():
    texts, labels = languages.training_corpus(languages_nlu_dir())
    assert set(labels) == set(languages.SUPPORTED_LANGUAGES)
    assert len(texts) == len(labels) > 1000


def languages_nlu_dir():
    from bot.config import load_settings

    return load_settings().nlu_dir


@pytest.mark.parametrize(
    ("current", "clear", "text"),
    [
        ("es", "en", "J-1 waiver por hardship"),  # "por" is Spanish, never English
        ("pt", "en", "preciso do healthcare worker certificate"),
        ("uk", "ru", "Техас"),  # too short to leave the conversation's language
        ("fa", "en", "course by course چیه"),  # still writing in the Persian script
        ("ru", "uk", "ок"),
        ("en", "es", "gracias"),
        ("tl", None, "salamat po"),  # the message was not clear enough
        ("fr", "unsupported", "grazie mille per tutto il vostro aiuto"),
        # Every word is Ukrainian as much as Russian: nothing says the person changed language.
        ("uk", "ru", "хочу живого оператора"),
        ("ru", "uk", "хочу живого оператора"),
    ],
)
def test_an_established_conversation_keeps_its_language(current, clear, text):
    assert languages.next_conversation_language(current, clear, text) == current


@pytest.mark.parametrize(
    ("current", "clear", "text"),
    [
        ("es", "en", "how do I get my nursing license in Texas"),
        ("en", "es", "quiero saber sobre la residencia médica en Florida"),
        ("en", "zh", "护士"),  # another script says enough even in one word
        ("ar", "fa", "من پرستار هستم و در تگزاس زندگی می کنم"),
        ("fr", "tl", "paano mag apply ng NCLEX dito sa California"),
        ("uk", "ru", "хочу поговорить с живым консультантом"),  # "поговорить", "с" are Russian
        ("pt", "es", "necesito ayuda con la licencia de enfermera"),
    ],
)
def test_a_clear_message_in_another_language_switches(current, clear, text):
    assert languages.next_conversation_language(current, clear, text) == clear


def test_the_first_clear_message_sets_the_language():
    assert languages.next_conversation_language(None, "uk", "Техас") == "uk"
    assert languages.next_conversation_language(None, None, "ECFMG?") is None


def test_markers_are_words_of_one_language_never_seen_in_the_other():
    model = languages._domain_model()
    assert model.is_marker("por", of="es", against="en")
    assert not model.is_marker("waiver", of="es", against="en")  # Spanish speakers write it too
    assert not model.is_marker("por", of="es", against="pt")


def test_letters_only_the_new_language_uses_are_enough_to_switch():
    text = "скільки коштує оцінка диплома в WES"
    assert languages.next_conversation_language("ru", "uk", text) == "uk"


@pytest.mark.parametrize(
    ("text", "count"), [("ECFMG?", 0), ("J-1 waiver por hardship", 3), ("我想考护士执照", 4)]
)
def test_word_count_ignores_acronyms_and_counts_chinese_by_pairs_of_characters(text, count):
    assert languages.word_count(text) == count


def test_the_channels_hint_and_the_tentative_language_come_from_the_last_message():
    assert languages.hint_in({"language_code": "es-MX"}) == "es-MX"
    assert languages.hint_in({"language": 3}) is None and languages.hint_in(None) is None
    sure, coin_toss = {"language": "pt", "confidence": 0.9}, {"language": "tl", "confidence": 0.52}
    assert languages.tentative_language({"language_detection": sure}) == "pt"
    assert languages.tentative_language({"language_detection": coin_toss}) is None
    unknown = {"language_detection": {"language": "pt", "confidence": 0.9}, "unknown_words": True}
    assert languages.tentative_language(unknown) is None


def test_the_reply_language_prefers_the_conversation_then_the_hint_then_what_the_message_looked_like():
    looks_portuguese = {"language_detection": {"language": "pt", "confidence": 0.9}}
    assert languages.reply_language("fa", {"language": "es"}, looks_portuguese) == "fa"
    assert languages.reply_language(None, {"language": "uk-UA"}, looks_portuguese) == "uk"
    assert languages.reply_language(None, None, looks_portuguese) == "pt"
    assert languages.reply_language(None, None, None, default="es") == "es"

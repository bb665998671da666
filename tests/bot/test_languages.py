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

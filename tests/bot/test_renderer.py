import pytest

from bot.catalog import Catalogs
from bot.renderer import Renderer, placeholders

CATALOGS = Catalogs(
    {
        "en": {
            "utter_hello": "Hello {name}!",
            "utter_list": "Sites for {profession}:\n{sites}",
            "website_line": "• {name}: {url}",
            "profession.nurse": "nurses",
            "button.yes": "Yes",
            "utter_programs": "{programs}",
            "program_line": "• {name} ({location}): {services}. {url}",
            "service.mentoring": "mentoring",
            "list_separator": ", ",
            "service.courses": "courses",
            "utter_langs": "We speak {languages}.",
        },
        "es": {"utter_hello": "¡Hola {name}!", "profession.nurse": "enfermeras", "button.yes": "Sí",
               "utter_list": "Sitios para {profession}:\n{sites}", "website_line": "• {name}: {url}"},
    }
)


@pytest.fixture
def renderer():
    return Renderer(CATALOGS)


def test_text_and_buttons_in_the_language(renderer):
    template = {"text": "utter_hello", "buttons": [{"title": "button.yes", "payload": "/affirm"}]}
    message = renderer.render(template, "es", {"name": "Ana"})
    assert message["text"] == "¡Hola Ana!"
    assert message["buttons"] == [{"title": "Sí", "payload": "/affirm"}]
    assert message["language"] == "es"


def test_missing_translation_falls_back_to_english(renderer):
    assert renderer.render({"text": "utter_programs"}, "fr", {"programs": []})["text"] == ""


def test_lists_and_labels_are_rendered_from_the_catalog(renderer):
    sites = [{"name": "NCSBN", "url": "https://www.ncsbn.org"}]
    text = renderer.text("es", "utter_list", {"profession": "nurse", "sites": sites})
    assert text == "Sitios para enfermeras:\n• NCSBN: https://www.ncsbn.org"


def test_program_lines_translate_services(renderer):
    program = {"name": "X", "location": "Denver, CO", "services": ["mentoring", "courses"], "url": "u"}
    assert renderer.text("en", "utter_programs", {"programs": [program]}) == (
        "• X (Denver, CO): mentoring, courses. u"
    )


def test_response_metadata_fixes_the_language(renderer):
    message = renderer.render({"text": "utter_hello", "metadata": {"language": "en"}}, "es", {"name": "A"})
    assert message["text"] == "Hello A!"


def test_action_can_name_the_language(renderer):
    assert renderer.render({"text": "utter_hello"}, "en", {"name": "A", "language": "es"})["language"] == "es"


def test_right_to_left_languages_are_marked(renderer):
    assert renderer.render({"text": "utter_hello"}, "ar", {"name": "A"})["direction"] == "rtl"


def test_language_autonyms_come_from_babel(renderer):
    text = renderer.text("en", "utter_langs")
    for autonym in ("English", "Español", "Français", "العربية", "فارسی", "Русский", "Українська", "中文"):
        assert autonym in text


def test_unknown_placeholder_stays_visible(renderer):
    assert renderer.text("en", "utter_hello") == "Hello {name}!"


def test_autonym_buttons(renderer):
    message = renderer.render(
        {"text": "utter_hello", "buttons": [{"title": "autonym.fa", "payload": "/x"}]}, "en", {"name": "A"}
    )
    assert message["buttons"][0]["title"] == "فارسی"


def test_placeholders():
    assert placeholders("a {x} b {y}") == ["x", "y"]

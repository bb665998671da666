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
            "program_line_languages": "• {name} ({location}): {services}. Languages: {languages}. {url}",
            "service.mentoring": "mentoring",
            "list_separator": ", ",
            "service.courses": "courses",
            "utter_langs": "We speak {languages}.",
            "utter_plan": "Plan for {profession}:\n{summary}\n\n{steps}",
            "roadmap.line_done": "✅ {number}. {title}",
            "roadmap.line_next": "👉 {number}. {title}\n{detail}\n{site}",
            "roadmap.line_later": "{number}. {title}",
            "roadmap.title.exam": "The exam",
            "roadmap.title.license": "License",
            "roadmap.detail.nurse.exam": "Book it.",
            "roadmap.detail.nurse.license": "Apply.",
            "roadmap.summary_country": "studied in {country}",
            "status.green_card": "Green card",
            "utter_note": "📍 {note}",
            "roadmap.state.hours": "{place} asks for {hours} hours.",
        },
        "es": {"utter_hello": "¡Hola {name}!", "utter_programs": "{programs}", "list_separator": ", ",
               "program_line_languages": "• {name}: {services}. Idiomas: {languages}. {url}",
               "profession.nurse": "enfermeras", "button.yes": "Sí",
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


def test_program_languages_are_named_in_the_persons_language_only_when_published(renderer):
    program = {"name": "X", "location": "Silver Spring, MD", "services": [], "url": "u"}
    published = {**program, "languages": ["es", "am"]}
    assert renderer.text("en", "utter_programs", {"programs": [published]}) == (
        "• X (Silver Spring, MD): . Languages: Spanish, Amharic. u"
    )
    assert renderer.text("es", "utter_programs", {"programs": [published]}) == (
        "• X: . Idiomas: español, amárico. u"
    )
    not_published = {**program, "languages": "not_published"}
    assert "Languages" not in renderer.text("en", "utter_programs", {"programs": [not_published]})


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


def test_roadmap_steps_show_the_next_steps_detail_only(renderer):
    steps = [
        {"id": "exam", "state": "done", "site": "https://a.org"},
        {"id": "license", "state": "next", "site": "https://b.org"},
    ]
    summary = {"country": "PH", "place": "Texas", "immigration_status": "green_card"}
    text = renderer.text("en", "utter_plan", {"profession": "nurse", "steps": steps, "summary": summary})
    assert text == (
        "Plan for nurses:\nstudied in Philippines · Texas · Green card\n\n"
        "✅ 1. The exam\n👉 2. License\nApply.\nhttps://b.org"
    )


def test_an_empty_summary_leaves_no_gap(renderer):
    steps = [{"id": "exam", "state": "next", "site": "https://a.org"}]
    text = renderer.text("en", "utter_plan", {"profession": "nurse", "steps": steps, "summary": {}})
    assert text == "Plan for nurses:\n\n👉 1. The exam\nBook it.\nhttps://a.org"


def test_country_names_are_in_the_persons_language(renderer):
    summary = {"country": "PH"}
    assert "\nstudied in Filipinas\n" in renderer.text("es", "utter_plan", {"summary": summary})


def test_state_note_gets_its_own_arguments(renderer):
    arguments = {"message": "roadmap.state.hours", "place": "Florida", "hours": 2080}
    assert renderer.text("en", "utter_note", arguments) == "📍 Florida asks for 2080 hours."


def test_placeholders():
    assert placeholders("a {x} b {y}") == ["x", "y"]


def test_term_lists_use_each_terms_name():
    catalogs = Catalogs(
        {"en": {"utter_terms": "I can explain: {terms}.", "list_separator": ", ", "term.att": "ATT",
                "term.match": "the Match"}}
    )
    text = Renderer(catalogs).text("en", "utter_terms", {"terms": ["match", "att"]})
    assert text == "I can explain: the Match, ATT."


def test_a_state_code_is_named_in_the_language_and_a_written_place_stays():
    catalogs = Catalogs(
        {"en": {"utter_here": "Programs in {place}", "state.NY": "New York", "state.TX": "Texas"},
         "es": {"utter_here": "Programas en {place}", "state.NY": "Nueva York"}}
    )
    renderer = Renderer(catalogs)
    assert renderer.text("es", "utter_here", {"place": "NY"}) == "Programas en Nueva York"
    assert renderer.text("es", "utter_here", {"place": "TX"}) == "Programas en Texas"
    assert renderer.text("es", "utter_here", {"place": "Filadelfia"}) == "Programas en Filadelfia"

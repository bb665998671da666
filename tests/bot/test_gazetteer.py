import pytest

from bot.config import load_settings
from bot.gazetteer import cached_index, fold


@pytest.fixture(scope="module")
def index():
    return cached_index(str(load_settings().gazetteer_dir))


def entities(index, text):
    return {(e["entity"], e["value"]) for e in index.entities(text)}


@pytest.mark.parametrize(
    "text, city, state",
    [
        ("I live in Philly", "philadelphia", "PA"),
        ("vivo en Filadelfia", "philadelphia", "PA"),
        ("я живу в Филадельфии", "philadelphia", "PA"),
        ("我在费城工作", "philadelphia", "PA"),
        ("我在費城", "philadelphia", "PA"),
        ("من در سیاتل زندگی میکنم", "seattle", "WA"),
        ("أعيش في سياتل", "seattle", "WA"),
        ("moving to LA soon", "los_angeles", "CA"),
        ("Denver", "denver", "CO"),
    ],
)
def test_cities_in_every_script_imply_their_state(index, text, city, state):
    found = entities(index, text)
    assert ("city", city) in found
    assert ("us_state", state) in found


@pytest.mark.parametrize(
    "text, state", [("MN", "MN"), ("soy enfermera en Minnesota", "MN"), ("在德州", "TX")]
)
def test_states_and_abbreviations(index, text, state):
    assert ("us_state", state) in entities(index, text)


def test_explicit_state_wins_over_the_city_default(index):
    found = entities(index, "Portland, Maine")
    assert ("us_state", "ME") in found
    assert ("us_state", "OR") not in found


@pytest.mark.parametrize(
    "text", ["ok thanks", "me and my wife in OR", "hi, is it ok?", "in the morning", "می‌تونی کمکم کنی؟"]
)
def test_ordinary_words_are_not_places(index, text):
    assert not {e for e in entities(index, text) if e[0] in ("city", "us_state")}


@pytest.mark.parametrize(
    "text, profession",
    [
        ("I'm a pharmacist", "pharmacist"),
        ("soy enfermera", "nurse"),
        ("je suis médecin", "physician"),
        ("я стоматолог", "dentist"),
        ("我是药剂师", "pharmacist"),
        ("أنا ممرضة", "nurse"),
        ("فیزیوتراپیست هستم", "physical_therapist"),
        ("nurse ako", "nurse"),
    ],
)
def test_professions(index, text, profession):
    assert ("profession", profession) in entities(index, text)


@pytest.mark.parametrize(
    "text, language",
    [("in Spanish please", "es"), ("на испанском", "es"), ("بالعربية", "ar"), ("中文", "zh"),
     ("em inglês", "en")],
)
def test_requested_languages(index, text, language):
    assert ("requested_language", language) in entities(index, text)


def test_countries_come_from_cldr_in_every_language(index):
    assert ("country", "NG") in entities(index, "trained in Nigeria")
    assert ("country", "EG") in entities(index, "من مصر")
    assert ("country", "PH") in entities(index, "我来自菲律宾")


def test_fold_removes_case_diacritics_and_letter_variants():
    assert fold("Perú") == fold("peru")
    assert fold("سياتل") == fold("سیاتل")


def test_arabic_proclitics_do_not_hide_names(index):
    assert ("profession", "nurse") in entities(index, "ما هو الموقع الرسمي الخاص بالممرضين؟")
    assert ("us_state", "TX") in entities(index, "اعيش بتكساس")
    assert ("city", "boston") in entities(index, "بوسطن فيها مركز مساعدة؟")


def test_latin_words_inside_chinese_text_are_found(index):
    assert ("us_state", "TX") in entities(index, "我在Texas工作")



@pytest.mark.parametrize(
    "text, status",
    [
        ("I have a green card", "green_card"),
        ("tengo la residencia permanente", "green_card"),
        ("je suis réfugié", "refugee_asylee"),
        ("estou com parole humanitário", "work_permit"),
        ("я в США по U4U", "work_permit"),
        ("я на H-1B", "visa"),
        ("أنا لاجئ", "refugee_asylee"),
        ("گرین کارت دارم", "green_card"),
        ("我有绿卡", "green_card"),
        ("US citizen na po ako", "citizen"),
    ],
)
def test_immigration_statuses_in_every_language(index, text, status):
    assert ("immigration_status", status) in entities(index, text)


@pytest.mark.parametrize(
    "text, milestones",
    [
        ("passed Step 1 and Step 2 CK", {"usmle_step1", "usmle_step2"}),
        ("ya hice la evaluación de credenciales y el IELTS", {"credential_evaluation", "english_test"}),
        ("сдала NCLEX", {"nclex"}),
        ("我考过了雅思", {"english_test"}),
    ],
)
def test_milestones_in_every_language(index, text, milestones):
    found = {value for entity, value in entities(index, text) if entity == "milestone"}
    assert found == milestones


@pytest.mark.parametrize(
    "text", ["I live in TN", "soy médico, ciudadano venezolano", "ces examens sont difficiles"]
)
def test_ambiguous_words_are_not_statuses_or_milestones(index, text):
    assert not {e for e, _ in entities(index, text)} & {"immigration_status", "milestone"}


@pytest.mark.parametrize(
    "text, state",
    [
        ("any program near zip 60614?", "IL"),
        ("mi código postal es 33125", "FL"),
        ("мой индекс 11201-1234", "NY"),
        ("邮编 02139", "MA"),
        ("98101", "WA"),
    ],
)
def test_zip_codes_name_their_state(index, text, state):
    assert ("us_state", state) in entities(index, text)


@pytest.mark.parametrize(
    "text", ["I paid 12000 for the exams", "call 555-12345-678", "zip? my Step 1 score was 25012345"]
)
def test_other_numbers_are_not_zip_codes(index, text):
    assert not [e for e in entities(index, text) if e[0] == "us_state"]


def test_a_named_state_wins_over_a_zip_code(index):
    assert {v for e, v in entities(index, "I live in Ohio, zip 60614") if e == "us_state"} == {"OH"}


@pytest.mark.parametrize(
    "text, terms",
    [
        ("what is ATT exactly", {"att"}),
        ("que es el match y el ERAS", {"match", "eras"}),
        ("can I get an O-1 after my J-1", {"o1", "j1"}),
        ("what does permanent residency mean", {"green_card"}),
    ],
)
def test_glossary_terms(index, text, terms):
    assert {value for entity, value in entities(index, text) if entity == "term"} == terms


def test_a_term_does_not_hide_a_milestone_with_the_same_words(index):
    found = set(entities(index, "I passed the NCLEX"))
    assert {("milestone", "nclex"), ("term", "nclex")} <= found


def test_a_longer_term_hides_the_state_inside_it(index):
    assert ("us_state", "TN") not in entities(index, "is the TN visa ok for mexican nurses")
    assert ("term", "tn") in entities(index, "is the TN visa ok for mexican nurses")
    assert entities(index, "I live in TN") == {("us_state", "TN")}


def test_a_term_keeps_the_profession_inside_it(index):
    found = entities(index, "what does foreign medical graduate mean")
    assert {("term", "img"), ("profession", "physician")} <= found

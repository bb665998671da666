import yaml

from actions.answers import (
    Profile,
    RoadmapState,
    after_inform,
    after_reply,
    answer,
    consecutive_fallbacks,
    cost_patterns,
    just_asked,
    mentions_costs,
    topics_asked,
)
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES


class FakeKB:
    """In-memory stand-in with the store's query interface (the real store is tested separately)."""

    professions = {
        "pharmacist": {
            "answers": {"pathway": "utter_pathway_pharmacist", "english_test": "utter_english_pharmacist"},
            "bodies": [{"name": "NABP", "url": "https://nabp.pharmacy"}],
        }
    }
    topics = {"ecfmg": {"answer": "utter_ecfmg"}, "green_card": {"answer": "utter_green_card"}}
    terms = {
        "att": {"answer": "utter_term_att", "order": 1},
        "match": {"answer": "utter_term_match", "order": 0},
        "eras": {"answer": "utter_term_eras", "order": 2},
        "residency": {"answer": "utter_term_residency", "order": 3},
        "o1": {"answer": "utter_term_o1", "answers_for": ["visa"], "order": 4},
        "tn": {"answer": "utter_term_tn", "answers_for": ["visa"], "order": 5},
        "niw": {"answer": "utter_term_niw", "answers_for": ["visa", "green_card"], "order": 7},
        "ecfmg": {"answer": "utter_ecfmg", "order": 6},
    }
    programs = {"WA": [{"name": "A", "city": "Lynnwood"}, {"name": "B", "city": "Seattle"}]}
    roadmaps = {
        "pharmacist": {
            "steps": [
                {"id": "fpgee", "site": "https://nabp.pharmacy", "done_with": ["fpgee"]},
                {"id": "visa", "visa": True, "site": "https://uscis.gov", "done_with": []},
            ],
            "state_notes": [{"states": ["WA"], "message": "roadmap.state.x", "site": "https://wa.gov"}],
        },
        "other": {"steps": [{"id": "find_board", "site": "https://w.org", "done_with": []}]},
        "midwife": {"steps": [{"id": "acme_program", "site": "https://m.org", "done_with": []}]},
    }

    def kb_entry(self, kind, key):
        professions = {**self.professions, "midwife": {"alias_of": "other", "answers": {}, "bodies": []}}
        kinds = {
            "profession": professions, "topic": self.topics, "roadmap": self.roadmaps, "term": self.terms
        }
        return kinds.get(kind, {}).get(key)

    def kb_entries(self, kind):
        return [{**entry, "key": key} for key, entry in self.terms.items()] if kind == "term" else []

    def programs_in_state(self, state):
        return self.programs.get(state, [])


KB = FakeKB()


def names(reply):
    return [r["response"] for r in reply.responses]


def test_profession_topic_uses_the_profile():
    reply = answer("english_test", Profile(profession="pharmacist"), KB)
    assert names(reply) == ["utter_english_pharmacist"]
    assert reply.responses[0]["profession"] == "pharmacist"


def test_unknown_profession_is_asked_and_the_topic_remembered():
    reply = answer("english_test", Profile(), KB)
    assert names(reply) == ["utter_ask_profession"]
    assert reply.slots == {"pending_topic": "english_test"}


def test_pending_topic_is_answered_once_the_profession_is_known():
    reply = after_inform("english_test", Profile(profession="pharmacist"), KB)
    assert names(reply) == ["utter_english_pharmacist"]
    assert reply.slots == {"pending_topic": None}


def test_inform_without_pending_topic_acknowledges():
    assert names(after_inform(None, Profile(profession="pharmacist"), KB)) == ["utter_profile_noted"]


def test_pathway_answer_offers_a_personal_roadmap():
    assert names(answer("pathway", Profile(profession="pharmacist"), KB)) == [
        "utter_pathway_pharmacist",
        "utter_offer_roadmap",
    ]


def test_professions_without_their_own_pathway_get_their_roadmaps_steps():
    reply = answer("pathway", Profile(profession="midwife"), KB)
    assert names(reply) == ["utter_pathway_overview", "utter_offer_roadmap"]
    step = {"id": "acme_program", "site": "https://m.org", "state": "overview"}
    assert reply.responses[0]["steps"] == [step]


def test_roadmap_starts_with_an_intro_and_the_first_unknown_field():
    reply = answer("roadmap", Profile(profession="pharmacist"), KB)
    assert names(reply) == ["utter_roadmap_intro", "utter_ask_country"]
    assert reply.slots == {
        "pending_topic": "roadmap",
        "roadmap_question": "country",
        "roadmap_asked": ["country"],
    }


def test_roadmap_answer_moves_to_the_next_question_without_a_new_intro():
    state = RoadmapState(asked=("country",), question="country")
    reply = after_inform("roadmap", Profile(profession="pharmacist", country="EG"), KB, None, state)
    assert names(reply) == ["utter_ask_location"]
    assert reply.slots["roadmap_asked"] == ["country", "us_state"]


def test_skipping_every_question_still_gives_a_plan():
    asked = ("profession", "country", "us_state", "immigration_status")
    reply = after_reply("roadmap", Profile(), KB, None, RoadmapState(asked, "immigration_status"))
    assert names(reply) == ["utter_ask_milestones"]
    everything = RoadmapState((*asked, "milestones"), "milestones")
    reply = after_reply("roadmap", Profile(), KB, None, everything)
    assert names(reply) == ["utter_roadmap"]
    assert reply.responses[0]["profession"] == "other"
    assert reply.slots == {"pending_topic": "roadmap", "roadmap_question": None}


def test_plan_with_state_notes_and_programs_of_the_state():
    profile = Profile(
        profession="pharmacist", us_state="WA", city="seattle", country="EG",
        immigration_status="green_card", milestones=("fpgee",),
    )
    asked = RoadmapState(("milestones",), None)
    reply = answer("roadmap", profile, KB, "Seattle", asked)
    assert names(reply) == ["utter_roadmap", "utter_roadmap_state_note", "utter_programs_found"]
    plan = reply.responses[0]
    assert [(s["id"], s["state"]) for s in plan["steps"]] == [("fpgee", "done")]  # green card: no visa step
    assert plan["summary"] == {"country": "EG", "place": "Seattle", "immigration_status": "green_card"}
    assert reply.responses[1]["message"] == "roadmap.state.x"
    assert reply.responses[1]["place"] == "WA"  # the note is about the state, not the city named
    assert [p["name"] for p in reply.responses[2]["programs"]] == ["B", "A"]


def test_a_correction_after_the_plan_shows_the_plan_again():
    done = RoadmapState(("profession", "country", "us_state", "immigration_status", "milestones"), None)
    reply = after_inform("roadmap", Profile(profession="pharmacist", us_state="OH"), KB, "Ohio", done)
    assert names(reply) == ["utter_roadmap"]


def test_yes_or_no_without_an_open_question_is_acknowledged():
    assert names(after_reply(None, Profile(), KB)) == ["utter_acknowledge"]
    done = RoadmapState(("profession",), None)
    assert names(after_reply("roadmap", Profile(), KB, None, done)) == ["utter_acknowledge"]


def test_websites_come_from_the_kb_bodies():
    reply = answer("websites", Profile(profession="pharmacist"), KB)
    assert reply.responses[0]["sites"] == [{"name": "NABP", "url": "https://nabp.pharmacy"}]


def test_general_topics_do_not_need_a_profession():
    assert names(answer("ecfmg", Profile(), KB)) == ["utter_ecfmg"]


def test_programs_need_a_place():
    reply = answer("programs", Profile(), KB)
    assert names(reply) == ["utter_ask_location"]
    assert reply.slots == {"pending_topic": "programs"}


def test_programs_in_the_persons_city_come_first():
    reply = answer("programs", Profile(us_state="WA", city="seattle"), KB, "Seattle")
    assert [p["name"] for p in reply.responses[0]["programs"]] == ["B", "A"]
    assert reply.responses[0]["place"] == "Seattle"


def test_no_programs_in_state():
    assert names(answer("programs", Profile(us_state="OH"), KB, "Ohio")) == ["utter_no_programs"]


def test_consecutive_fallbacks_counts_from_the_newest():
    assert consecutive_fallbacks(["nlu_fallback", "nlu_fallback", "greet", "nlu_fallback"]) == 2
    assert consecutive_fallbacks(["greet", "nlu_fallback"]) == 0


def test_topics_asked_are_english_labels_in_order():
    assert topics_asked(["greet", "ask_pathway", "find_program", "ask_pathway"]) == [
        "licensing pathway",
        "support programs",
    ]


def test_a_term_is_explained():
    assert names(answer("glossary", Profile(), KB, terms=["att"])) == ["utter_term_att"]


def test_several_terms_are_explained_in_order_up_to_three():
    reply = answer("glossary", Profile(), KB, terms=["match", "eras", "match", "att", "residency"])
    assert names(reply) == ["utter_term_match", "utter_term_eras", "utter_term_att"]


def test_an_unknown_term_gets_the_list_of_known_ones_in_glossary_order():
    reply = answer("glossary", Profile(), KB, terms=["npi_number"])
    assert names(reply) == ["utter_term_unknown"]
    assert reply.responses[0]["terms"] == ["match", "att", "eras", "residency", "o1", "tn", "ecfmg", "niw"]


def test_a_visa_question_naming_one_visa_is_answered_about_it_without_asking_the_profession():
    assert names(answer("visa", Profile(), KB, terms=["o1"])) == ["utter_term_o1"]
    assert names(answer("green_card", Profile(), KB, terms=["niw", "att"])) == ["utter_term_niw"]
    # A green-card question naming a temporary visa is about the green card.
    assert names(answer("green_card", Profile(), KB, terms=["tn"])) == ["utter_green_card"]


def test_a_visa_question_naming_several_visas_or_none_gets_the_general_answer():
    assert names(answer("visa", Profile(), KB, terms=["o1", "tn"])) == ["utter_ask_profession"]
    assert names(answer("visa", Profile(), KB, terms=["att"])) == ["utter_ask_profession"]


def test_terms_do_not_change_other_topics():
    assert names(answer("ecfmg", Profile(), KB, terms=["o1"])) == ["utter_ecfmg"]


ASKED_ABOUT_MONEY = {
    "en": "how much does the NCLEX cost?", "es": "¿cuánto cuesta la evaluación de WES?",
    "fr": "quels sont les frais pour l'ECFMG ?", "ar": "كم تكلفة امتحان USMLE؟", "fa": "هزینه امتحان چقدره؟",
    "ru": "сколько стоит экзамен NCLEX?", "uk": "скільки коштує іспит?", "pt": "quanto custa o exame?",
    "zh": "考NCLEX要多少钱？", "tl": "magkano ang bayad sa NCLEX?",
}
NOT_ABOUT_MONEY = ["I feel lost", "¿cuánto tiempo tarda?", "сколько лет учиться?", "mahal kita",
                   "quanto tempo leva?"]


def cost_patterns_of_the_data():
    path = load_settings().gazetteer_dir / "costs.yml"
    return cost_patterns(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_questions_about_money_are_recognised_in_every_language():
    patterns = cost_patterns_of_the_data()
    assert sorted(ASKED_ABOUT_MONEY) == sorted(SUPPORTED_LANGUAGES)
    for language, text in ASKED_ABOUT_MONEY.items():
        assert mentions_costs([text], patterns), language
    assert mentions_costs(["а какая стоимость обучения?"], patterns)  # "стоимост*": any ending


def test_time_questions_and_lookalike_words_are_not_about_money():
    patterns = cost_patterns_of_the_data()
    assert [t for t in NOT_ABOUT_MONEY if mentions_costs([t], patterns)] == []
    assert mentions_costs(["", None], patterns) is False


def test_a_reply_answers_the_action_that_asked_just_before_it():
    asked = [
        {"event": "user", "text": "delete my data"},
        {"event": "action", "name": "action_erase_data"},
        {"event": "slot", "name": "erase_requested", "value": True},
        {"event": "bot", "text": "Sure?"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes"},
    ]
    assert just_asked(asked, "action_erase_data")
    later = asked[:5] + [
        {"event": "user", "text": "what is the NCLEX?"},
        {"event": "action", "name": "action_answer_topic"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes"},
    ]
    assert not just_asked(later, "action_erase_data")
    assert not just_asked([{"event": "user", "text": "yes"}], "action_erase_data")

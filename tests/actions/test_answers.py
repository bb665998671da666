from actions.answers import (
    Profile,
    after_inform,
    answer,
    consecutive_fallbacks,
    topics_asked,
)


class FakeKB:
    """In-memory stand-in with the store's query interface (the real store is tested separately)."""

    professions = {
        "pharmacist": {
            "answers": {"pathway": "utter_pathway_pharmacist", "english_test": "utter_english_pharmacist"},
            "bodies": [{"name": "NABP", "url": "https://nabp.pharmacy"}],
        }
    }
    topics = {"ecfmg": {"answer": "utter_ecfmg"}}
    programs = {"WA": [{"name": "A", "city": "Lynnwood"}, {"name": "B", "city": "Seattle"}]}

    def kb_entry(self, kind, key):
        return {"profession": self.professions, "topic": self.topics}.get(kind, {}).get(key)

    def programs_in_state(self, state):
        return self.programs.get(state, [])


KB = FakeKB()


def names(reply):
    return [r["response"] for r in reply.responses]


def test_profession_topic_uses_the_profile():
    reply = answer("pathway", Profile(profession="pharmacist"), KB)
    assert names(reply) == ["utter_pathway_pharmacist"]
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

from actions.roadmap import (
    RoadmapProfile,
    merge_milestones,
    nearest_programs,
    next_question,
    plan_steps,
    state_notes,
)

ROADMAP = {
    "steps": [
        {"id": "evaluation", "site": "https://a.example", "done_with": ["credential_evaluation", "exam"]},
        {"id": "english", "site": "https://b.example", "done_with": ["english_test", "exam"]},
        {"id": "exam", "site": "https://c.example", "done_with": ["exam"]},
        {"id": "visa", "visa": True, "site": "https://d.example", "done_with": []},
        {"id": "license", "site": "https://e.example", "done_with": []},
    ],
    "state_notes": [
        {"states": ["FL", "AR"], "message": "note.hours", "site": "https://f.example", "hours": {"FL": 2080}},
        {"states": ["MN"], "message": "note.mn", "site": "https://g.example"},
    ],
}


def states(steps):
    return [(s["id"], s["state"]) for s in steps]


def test_questions_follow_the_order_and_skip_what_is_known():
    assert next_question(RoadmapProfile(), ()) == "profession"
    assert next_question(RoadmapProfile(profession="nurse", us_state="TX"), ()) == "country"
    known = RoadmapProfile(profession="nurse", country="PH", us_state="TX")
    assert next_question(known, ()) == "immigration_status"


def test_a_question_asked_once_is_never_asked_again():
    asked = ("profession", "country", "us_state", "immigration_status")
    assert next_question(RoadmapProfile(), asked) == "milestones"
    assert next_question(RoadmapProfile(), (*asked, "milestones")) is None


def test_nothing_done_makes_the_first_step_next():
    steps = plan_steps(ROADMAP, RoadmapProfile())
    assert states(steps) == [
        ("evaluation", "next"), ("english", "later"), ("exam", "later"),
        ("visa", "later"), ("license", "later"),
    ]


def test_a_later_milestone_marks_the_earlier_steps_done():
    steps = plan_steps(ROADMAP, RoadmapProfile(milestones=("exam",)))
    assert states(steps)[:4] == [
        ("evaluation", "done"), ("english", "done"), ("exam", "done"), ("visa", "next"),
    ]


def test_steps_can_be_done_out_of_order():
    steps = plan_steps(ROADMAP, RoadmapProfile(milestones=("english_test",)))
    assert states(steps)[:2] == [("evaluation", "next"), ("english", "done")]


def test_visa_steps_only_for_people_who_may_need_a_visa():
    for status in ("citizen", "green_card", "refugee_asylee"):
        assert "visa" not in [s["id"] for s in plan_steps(ROADMAP, RoadmapProfile(immigration_status=status))]
    for status in ("visa", "work_permit", "no_status", None):
        assert "visa" in [s["id"] for s in plan_steps(ROADMAP, RoadmapProfile(immigration_status=status))]


def test_state_notes_for_the_state_only_with_its_figures():
    hours = {"message": "note.hours", "site": "https://f.example", "hours": 2080}
    assert state_notes(ROADMAP, "FL") == [hours]
    assert state_notes(ROADMAP, "AR") == [{"message": "note.hours", "site": "https://f.example"}]
    assert state_notes(ROADMAP, "OH") == []
    assert state_notes(ROADMAP, None) == []


def test_milestones_accumulate_without_repeats():
    assert merge_milestones(["usmle_step1"], ["usmle_step2", "usmle_step1"]) == ["usmle_step1", "usmle_step2"]
    assert merge_milestones(None, ["nclex"]) == ["nclex"]


def test_programs_in_the_persons_city_come_first_and_the_list_is_short():
    cities = [("A", "Denver"), ("B", "St. Paul"), ("C", "X"), ("D", "Y")]
    programs = [{"name": n, "city": c} for n, c in cities]
    assert [p["name"] for p in nearest_programs(programs, "st_paul")] == ["B", "A", "C"]

import datetime as dt

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.renderer import Renderer
from web.plan_page import plan_view


class FakeKB:
    roadmap = {
        "steps": [
            {"id": "fpgee", "site": "https://nabp.pharmacy/fpgee", "done_with": ["fpgee"]},
            {"id": "naplex", "site": "https://nabp.pharmacy/naplex", "done_with": []},
            {"id": "visa", "visa": True, "site": "https://uscis.gov", "done_with": []},
        ],
        "state_notes": [
            {"states": ["FL"], "message": "roadmap.state.pharmacist_hours", "site": "https://fl.gov",
             "hours": {"FL": 2080}},
        ],
        "sources": ["https://nabp.pharmacy"],
        "last_reviewed": "2026-11-23",
    }

    def kb_entry(self, kind, key):
        return self.roadmap if (kind, key) == ("roadmap", "pharmacist") else None

    def programs_in_state(self, state):
        return [{"name": "Help Center", "location": "Miami, FL", "services": ["mentoring"], "url": "https://h.org"}]


RECORD = {
    "language": "es",
    "updated_at": dt.datetime(2026, 11, 23, 10, 0),
    "profile": {"profession": "pharmacist", "country": "VE", "us_state": "FL", "place": "Florida",
                "immigration_status": "green_card", "milestones": ["fpgee"]},
}


def view(language):
    renderer = Renderer(Catalogs.load(load_settings().locales_dir))
    return plan_view(RECORD, FakeKB(), renderer, language)


def test_every_step_in_full_with_its_state():
    page = view("en")
    assert [(s["number"], s["state"]) for s in page["steps"]] == [(1, "done"), (2, "next")]  # no visa step
    assert page["steps"][1]["title"] == "NAPLEX and the state law exam"
    assert "MPJE" in page["steps"][1]["detail"]
    assert page["steps"][0]["detail"]  # done steps keep their detail on the page


def test_state_notes_programs_and_sources():
    page = view("en")
    assert page["notes"] == [
        {"text": "Florida asks for about 2080 internship hours. Check with the board of pharmacy.",
         "site": "https://fl.gov"}
    ]
    assert page["programs"][0].startswith("• Help Center (Miami, FL)")
    assert page["sources"] == ["https://nabp.pharmacy"] and page["updated"] == "2026-11-23"


def test_the_page_is_in_the_asked_language_and_direction():
    spanish = view("es")
    assert spanish["language"] == "es" and spanish["direction"] == "ltr"
    assert "Venezuela" in spanish["summary"]
    arabic = view("ar")
    assert arabic["direction"] == "rtl"
    assert arabic["heading"] != view("en")["heading"]
    assert ("fa", "فارسی") in arabic["languages"]

import datetime as dt

import pytest

from actions.store import Store, create_engine, handoffs, roadmaps


@pytest.fixture
def store(tmp_path):
    return Store(create_engine(f"sqlite:///{tmp_path / 'app.db'}"))


def new_handoff(store, conversation="conv-1"):
    profile = {"profession": "nurse"}
    return store.create_handoff(conversation, "socketio", "es", "requested", profile, ["visas"])


def test_a_handoff_goes_from_requested_to_resolved_with_its_history(store):
    reference = new_handoff(store)
    assert store.handoff(reference)["status"] == "requested"
    store.record_handoff_activity(reference, "opened", 1, "Ana", status="open")
    store.record_handoff_activity(reference, "claimed", 1, "Ana", status="claimed")
    assert store.handoff(reference)["claimed_by"] == "Ana"
    store.record_handoff_activity(reference, "reply", 1, "Ana", "Hola, soy Ana.")
    store.record_handoff_activity(reference, "resolved", 1, "Ana", status="resolved")
    handoff = store.handoff(reference)
    assert handoff["status"] == "resolved" and handoff["claimed_by"] is None
    assert [(a["kind"], a["text"]) for a in store.handoff_activity(reference)] == [
        ("opened", ""), ("claimed", ""), ("reply", "Hola, soy Ana."), ("resolved", ""),
    ]


def test_handoffs_are_listed_newest_first_and_unknown_statuses_refused(store):
    first, second = new_handoff(store, "a"), new_handoff(store, "b")
    assert [h["reference"] for h in store.handoffs()] == [second, first]
    assert store.handoff("H-NOPE") is None
    with pytest.raises(ValueError):
        store.record_handoff_activity(first, "claimed", status="lost")
    assert store.handoff(first)["status"] == "requested"
    assert store.handoff_activity(first) == []


def test_erasing_a_conversation_deletes_its_handoffs_history_and_plan_only(store):
    mine, other = new_handoff(store, "me"), new_handoff(store, "someone-else")
    store.record_handoff_activity(mine, "reply", 1, "Ana", "Hola")
    store.save_roadmap("me", "es", {"profession": "nurse"})
    store.save_roadmap("someone-else", "es", {"profession": "dentist"})
    assert store.erase_conversation("me") == {"handoffs": 1, "handoff_activity": 1, "roadmaps": 1}
    assert store.handoffs_for("me") == [] and store.handoff_activity(mine) == []
    assert store.roadmap_for("me") is None
    assert store.handoff(other) and store.roadmap_for("someone-else")
    assert store.erase_conversation("me") == {"handoffs": 0, "handoff_activity": 0, "roadmaps": 0}


def test_retention_keeps_handoffs_with_recent_activity(store):
    old, old_but_active, new = new_handoff(store, "a"), new_handoff(store, "b"), new_handoff(store, "c")
    store.save_roadmap("a", "en", {})
    long_ago = dt.datetime(2020, 1, 1)
    with store.engine.begin() as conn:
        conn.execute(handoffs.update().where(handoffs.c.reference != new).values(created_at=long_ago))
        conn.execute(roadmaps.update().values(updated_at=long_ago))
    store.record_handoff_activity(old_but_active, "note", 1, "Ana", "still working on it")
    erased = store.erase_inactive_since(dt.datetime(2024, 1, 1))
    assert erased == {"handoffs": 1, "handoff_activity": 0, "roadmaps": 1}
    assert store.handoff(old) is None and store.handoff(old_but_active) and store.handoff(new)


def test_on_postgresql_handoffs_plans_and_erasure_work_alike(postgres_url):
    store = Store(create_engine(postgres_url))
    reference = new_handoff(store, "+15551234567")
    store.record_handoff_activity(reference, "claimed", 1, "Ana", status="claimed")
    store.save_roadmap("+15551234567", "es", {"profession": "nurse"})
    assert store.handoff(reference)["claimed_by"] == "Ana"
    assert store.erase_conversation("+15551234567") == {"handoffs": 1, "handoff_activity": 1, "roadmaps": 1}
    assert store.handoffs() == [] and store.erase_inactive_since(dt.datetime(2030, 1, 1))["handoffs"] == 0

import pytest

from actions.store import Store, create_engine


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

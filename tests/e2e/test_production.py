"""The production profile (scripts/prod.py) under load, with one Rasa replica killed mid-way.

Many conversations at once through nginx; a third of the way in, one of the two Rasa replicas gets
SIGKILL. Clients retry a failed message as Telegram and Twilio do (at least once). Then everything is
counted in PostgreSQL: every message and answer, every handoff, and each profile still remembered.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import pytest
import requests
import sqlalchemy as sa

from actions.store import Store, create_engine
from scripts.prod import Ports, ProductionStack
from scripts.run import free_port
from scripts.train import model_path
from web.rasa_api import bearer_token

pytestmark = pytest.mark.e2e

CONVERSATIONS = 40
# Each conversation: a profile, questions, a handoff, and a last question that needs the profile.
TURNS = [
    "I'm a nurse trained in Kenya and I live in Seattle",
    "how do I get my credentials evaluated?",
    "what English test do nurses need?",
    "I want to talk to a human",
    "thanks",
    "what exams do I need to take?",
]


@pytest.fixture(scope="module")
def production():
    root = Path(tempfile.mkdtemp(prefix="ihp-prod-"))
    ports = Ports(nginx=free_port(), postgres=free_port(), redis=free_port(), rasa=[free_port(), free_port()],
                  actions=[free_port(), free_port()], actions_balancer=free_port(), web=free_port())
    stack = ProductionStack(root, ports)
    try:
        stack.up(model_path())
        yield stack
    finally:
        stack.down()
        shutil.rmtree(root, ignore_errors=True)


async def test_a_staff_reply_sent_through_one_replica_reaches_a_widget_on_the_other(production):
    """socket.io across replicas: their emits go through Redis (bot/webchat.py)."""
    from tests.e2e.test_webchat import WidgetUser

    user = WidgetUser(f"http://127.0.0.1:{production.ports.rasa[1]}")
    session = await user.open()
    await user.say("hello")
    await user.answer()
    other = f"http://127.0.0.1:{production.ports.rasa[0]}"
    headers = {"Authorization": f"Bearer {bearer_token(production.env['RASA_JWT_SECRET'])}"}
    response = requests.post(f"{other}/conversations/{session}/execute", headers=headers, timeout=60,
                             params={"output_channel": "socketio"}, json={"name": "utter_greet"})
    assert response.status_code == 200
    message = await user.next("bot_uttered")
    assert message["text"] and message["language"] == "en"
    await user.client.disconnect()


def test_a_burst_from_one_person_across_two_replicas_is_answered_one_turn_at_a_time(production):
    """Through nginx, the messages land on both replicas: the Redis lock keeps the turns whole."""
    from tests.e2e.test_faults import check_a_burst_from_one_person

    check_a_burst_from_one_person(production.url, production.env["RASA_JWT_SECRET"])


def test_a_database_restart_needs_no_restart_of_anything_else(production):
    from bot.catalog import Catalogs
    from bot.config import load_settings

    url, sender = f"{production.url}/webhooks/rest/webhook", f"pg-{uuid.uuid4().hex[:10]}"

    def say(text: str) -> List[Dict]:
        body = {"sender": sender, "message": text, "metadata": {"language": "es"}}
        response = requests.post(url, json=body, timeout=60)
        assert response.status_code == 200
        return response.json()

    say("hola, soy enfermera de Perú y vivo en Texas")
    production.postgres.stop()
    try:
        unavailable = Catalogs.load(load_settings().locales_dir).get("es", "limits.storage_unavailable")
        assert [r["text"] for r in say("¿qué exámenes tengo que dar?")] == [unavailable]
    finally:
        production.postgres.start(start_new_session=True)
    say("¿qué exámenes tengo que dar?")  # the conversation, and its profile, are all there
    headers = {"Authorization": f"Bearer {bearer_token(production.env['RASA_JWT_SECRET'])}"}
    tracker = requests.get(f"{production.url}/conversations/{sender}/tracker", headers=headers,
                           timeout=30).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [
        "hola, soy enfermera de Perú y vivo en Texas", "¿qué exámenes tengo que dar?"]
    said = [e["metadata"]["utter_action"] for e in tracker["events"] if e["event"] == "bot"]
    assert "utter_pathway_nurse" in said


def send_at_least_once(url: str, sender: str, text: str) -> List[Dict]:
    for attempt in range(5):
        try:
            response = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
            if response.status_code == 200 and response.json():
                return response.json()
        except requests.RequestException:
            pass
        time.sleep(1 + attempt)
    raise AssertionError(f"{sender}: {text!r} was never answered")


def test_killing_a_replica_under_load_loses_no_message_answer_or_handoff(production):
    url = f"{production.url}/webhooks/rest/webhook"
    senders = [f"load-{uuid.uuid4().hex[:10]}" for _ in range(CONVERSATIONS)]
    sent = threading.Semaphore(0)
    answers: Dict[str, List[List[Dict]]] = {}
    latencies: List[float] = []

    def converse(sender: str) -> None:
        answers[sender] = []
        for text in TURNS:
            started = time.monotonic()
            answers[sender].append(send_at_least_once(url, sender, text))
            latencies.append(time.monotonic() - started)
            sent.release()

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(converse, sender) for sender in senders]
        for _ in range(CONVERSATIONS * len(TURNS) // 3):
            sent.acquire()
        production.kill("rasa-0")
        for future in futures:
            future.result()
    elapsed = time.monotonic() - started

    # Every conversation went on to the end, and its last answer used the profile from its first turn.
    assert all(len(replies) == len(TURNS) and all(replies) for replies in answers.values())
    engine = sa.create_engine(production.postgres.database_url("ihp_tracker"))
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT sender_id, type_name, data FROM events WHERE sender_id LIKE 'load-%' ORDER BY id"
        )).all()
    engine.dispose()
    user_messages = {s: [] for s in senders}
    bot_messages = {s: 0 for s in senders}
    for sender, kind, data in rows:
        if kind == "user":
            user_messages[sender].append(json.loads(data)["text"])
        elif kind == "bot":
            bot_messages[sender] += 1
    for sender in senders:
        assert [t for t in TURNS if t not in user_messages[sender]] == [], sender  # none lost
        assert bot_messages[sender] >= len(TURNS)
    headers = {"Authorization": f"Bearer {bearer_token(production.env['RASA_JWT_SECRET'])}"}
    for sender in senders:
        tracker = requests.get(f"{production.url}/conversations/{sender}/tracker", headers=headers,
                               timeout=30).json()
        assert tracker["slots"]["profession"] == "nurse" and tracker["slots"]["us_state"] == "WA", sender
        events = tracker["events"]
        last_turn = events[max(i for i, e in enumerate(events) if e["event"] == "user"):]
        said = [e["metadata"]["utter_action"] for e in last_turn if e["event"] == "bot"]
        assert "utter_pathway_nurse" in said, (sender, said)
    store = Store(create_engine(production.env["DATABASE_URL"]))
    handoffs = {sender: len(store.handoffs_for(sender)) for sender in senders}
    assert all(count >= 1 for count in handoffs.values())  # none lost
    duplicates = sum(len(m) - len(TURNS) for m in user_messages.values())
    print(f"\n{CONVERSATIONS} conversations, {CONVERSATIONS * len(TURNS)} messages; replica killed after "
          f"{CONVERSATIONS * len(TURNS) // 3}; lost 0; messages processed twice {duplicates}; "
          f"handoffs recorded twice {sum(c - 1 for c in handoffs.values())}; {len(latencies) / elapsed:.1f} "
          f"messages/s over {elapsed:.0f} s, slowest answer {max(latencies):.1f} s, "
          f"{sum(t > 10 for t in latencies)} answers over 10 s")


def test_after_prod_down_and_up_conversations_and_handoffs_are_all_still_there(production):
    store = Store(create_engine(production.env["DATABASE_URL"]))
    handoffs_before = sorted(h["reference"] for h in store.handoffs())
    engine = sa.create_engine(production.postgres.database_url("ihp_tracker"))
    with engine.connect() as connection:
        events_before = connection.execute(sa.text("SELECT count(*) FROM events")).scalar()
    engine.dispose()
    assert handoffs_before and events_before

    production.down()
    production.up(model_path())

    after = Store(create_engine(production.env["DATABASE_URL"])).handoffs()
    assert sorted(h["reference"] for h in after) == handoffs_before
    engine = sa.create_engine(production.postgres.database_url("ihp_tracker"))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() == events_before
    engine.dispose()
    # A conversation goes on where it was: its profile still answers the last question.
    sender = next(h["conversation_id"] for h in after if h["conversation_id"].startswith("load-"))
    send_at_least_once(f"{production.url}/webhooks/rest/webhook", sender, TURNS[-1])
    headers = {"Authorization": f"Bearer {bearer_token(production.env['RASA_JWT_SECRET'])}"}
    events = requests.get(f"{production.url}/conversations/{sender}/tracker", headers=headers,
                          timeout=30).json()["events"]
    last_turn = events[max(i for i, e in enumerate(events) if e["event"] == "user"):]
    assert "utter_pathway_nurse" in [e["metadata"]["utter_action"] for e in last_turn if e["event"] == "bot"]

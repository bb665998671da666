"""Faults on one machine: the action server hung or down. A stack of its own, since these tests stop
its action server (short timeouts so that the tests are quick)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from typing import Dict, List

import pytest
import requests

from actions.store import Store, create_engine
from bot.config import PROJECT_ROOT
from scripts.run import _wait_until_up, isolated_environment, load_knowledge_base, start
from scripts.train import model_path
from tests.e2e.test_conversations import SCRIPTS, load
from web.rasa_api import bearer_token

pytestmark = pytest.mark.e2e
ACTION_TIMEOUT_SECONDS = 3


def said(language: str, expect: str) -> str:
    """The end-to-end script's message in `language` whose answer is `expect`."""
    [script] = [load(p) for p in SCRIPTS if load(p)["language"] == language]
    return next(t["say"] for t in script["topics"] if t["expect"] == expect)


LANGUAGES = sorted(load(p)["language"] for p in SCRIPTS)


class FaultyStack:
    def __init__(self, tmp_path_factory) -> None:
        var = self.log_dir = tmp_path_factory.mktemp("faults")
        self.env = isolated_environment(var, {
            "ACTION_TIMEOUT_SECONDS": str(ACTION_TIMEOUT_SECONDS), "HANDOFF_RETRY_SECONDS": "2",
        })
        load_knowledge_base(self.env)
        self.stack = start(model_path(), self.env, log_dir=var)
        self.actions = self.stack.processes[0]
        self.store = Store(create_engine(self.env["DATABASE_URL"]))

    def send(self, sender: str, text: str) -> List[Dict]:
        url = f"{self.stack.rasa_url}/webhooks/rest/webhook"
        response = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def utterances(self, sender: str) -> List[Dict]:
        headers = {"Authorization": f"Bearer {bearer_token(self.env['RASA_JWT_SECRET'])}"}
        tracker = requests.get(f"{self.stack.rasa_url}/conversations/{sender}/tracker", headers=headers,
                               timeout=30).json()
        return [e["metadata"] for e in tracker["events"] if e["event"] == "bot"]

    def stop_actions(self) -> None:
        self.actions.send_signal(signal.SIGINT)
        self.actions.wait(timeout=20)

    def start_actions(self) -> None:
        self.actions = subprocess.Popen(
            [sys.executable, "-m", "actions.server", "--port", str(self.stack.action_port)],
            cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.stack.processes.insert(0, self.actions)
        _wait_until_up(f"{self.stack.action_url}/health", self.actions, "the action server", 60)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    faulty = FaultyStack(tmp_path_factory)
    yield faulty
    faulty.stack.stop()


def test_a_hung_action_server_gets_an_apology_and_the_offer_of_a_human(faulty):
    """SIGSTOP: the action server accepts connections and never answers."""
    faulty.actions.send_signal(signal.SIGSTOP)
    try:
        for language in LANGUAGES:
            sender = f"hung-{uuid.uuid4().hex[:8]}"
            started = time.monotonic()
            replies = faulty.send(sender, said(language, "utter_pathway_nurse"))
            assert time.monotonic() - started < ACTION_TIMEOUT_SECONDS + 10
            [apology] = faulty.utterances(sender)
            assert (apology["utter_action"], apology["language"]) == ("utter_actions_unavailable", language)
            assert len(replies[-1]["buttons"]) == 2
    finally:
        faulty.actions.send_signal(signal.SIGCONT)


def test_a_handoff_asked_while_the_action_server_is_down_is_recorded_once_it_is_back(faulty):
    faulty.stop_actions()
    senders = {language: f"down-{language}-{uuid.uuid4().hex[:8]}" for language in LANGUAGES}
    try:
        for language, sender in senders.items():
            faulty.send(sender, said(language, "utter_handoff_confirmed"))
            [delayed] = faulty.utterances(sender)
            assert (delayed["utter_action"], delayed["language"]) == ("utter_handoff_delayed", language)
            assert faulty.store.handoffs_for(sender) == []
        time.sleep(5)  # retries while the action server is still down are silent
        assert all(len(faulty.utterances(sender)) == 1 for sender in senders.values())
    finally:
        faulty.start_actions()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(faulty.store.handoffs_for(s) for s in senders.values()):
        time.sleep(0.5)
    for language, sender in senders.items():
        [handoff] = faulty.store.handoffs_for(sender)
        assert handoff["language"] == language
        confirmed = [u["language"] for u in faulty.utterances(sender)
                     if u.get("utter_action") == "utter_handoff_confirmed"]
        assert confirmed == [language]
    time.sleep(3)  # and no retry records it twice
    assert all(len(faulty.store.handoffs_for(s)) == 1 for s in senders.values())


CONCURRENT = [("hello there", "utter_greet"), ("thanks a lot", "utter_you_are_welcome"),
              ("are you a robot?", "utter_iamabot"), ("what can you do?", "utter_help"),
              ("what's the weather tomorrow?", "utter_out_of_scope"), ("bye for now", "utter_goodbye")]


def check_a_burst_from_one_person(rasa_url: str, jwt_secret: str) -> None:
    """Twelve messages from one sender at the same moment: all answered, one whole turn at a time."""
    from concurrent.futures import ThreadPoolExecutor

    sender = f"burst-{uuid.uuid4().hex[:8]}"
    messages = CONCURRENT * 2

    def send(text: str) -> List[Dict]:
        body = {"sender": sender, "message": text}
        response = requests.post(f"{rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    with ThreadPoolExecutor(len(messages)) as pool:
        answers = list(pool.map(send, [m for m, _ in messages]))
    headers = {"Authorization": f"Bearer {bearer_token(jwt_secret)}"}
    events = requests.get(f"{rasa_url}/conversations/{sender}/tracker", headers=headers,
                          timeout=30).json()["events"]
    turns: List[List[Dict]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([event])
        elif turns:
            turns[-1].append(event)
    expected = dict(CONCURRENT)
    assert sorted(t[0]["text"] for t in turns) == sorted(m for m, _ in messages)
    for turn in turns:
        # Each turn is whole: its own answer, then listening, before the next message starts.
        said_in_turn = [e["metadata"]["utter_action"] for e in turn if e["event"] == "bot"]
        assert said_in_turn == [expected[turn[0]["text"]]], turn[0]["text"]
        assert turn[-1]["event"] == "action" and turn[-1]["name"] == "action_listen"
    for (text, _), replies in zip(messages, answers, strict=True):
        assert replies and all(r["recipient_id"] == sender for r in replies), text


def test_concurrent_messages_from_one_person_are_answered_one_at_a_time_and_none_is_lost(faulty):
    check_a_burst_from_one_person(faulty.stack.rasa_url, faulty.env["RASA_JWT_SECRET"])


def test_after_a_restart_of_the_whole_stack_conversations_and_handoffs_are_still_there(faulty):
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    faulty.send(sender, "I'm a nurse from Kenya and I live in Seattle")
    faulty.send(sender, "I want to talk to a human")
    [handoff] = faulty.store.handoffs_for(sender)
    handoffs_before = len(faulty.store.handoffs())

    faulty.stack.stop()
    faulty.stack = start(model_path(), faulty.env, log_dir=faulty.log_dir)
    faulty.actions = faulty.stack.processes[0]

    assert [h["reference"] for h in faulty.store.handoffs_for(sender)] == [handoff["reference"]]
    assert len(faulty.store.handoffs()) == handoffs_before
    before = len(faulty.utterances(sender))
    faulty.send(sender, "what exams do I need to take?")  # the profession is remembered: no question
    assert "utter_pathway_nurse" in [u["utter_action"] for u in faulty.utterances(sender)[before:]]

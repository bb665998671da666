from dataclasses import replace

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.limits import MAX_TRACKED_SENDERS, SLOW_DOWN_MESSAGE, SenderRateLimiter, shorten
from bot.server import apply_limits


def test_a_sender_gets_a_burst_then_the_steady_rate():
    limiter = SenderRateLimiter(messages=3, seconds=60)
    assert [limiter.allow("a", now=0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0), "senders are counted apart"
    assert not limiter.allow("a", now=10)
    assert limiter.allow("a", now=21) and not limiter.allow("a", now=21)


def test_idle_senders_are_forgotten_when_many_are_tracked():
    limiter = SenderRateLimiter(messages=2, seconds=10)
    for i in range(MAX_TRACKED_SENDERS):
        limiter.allow(f"s{i}", now=0)
    limiter.allow("latest", now=100)
    assert len(limiter._buckets) == 1


def test_long_texts_are_cut_and_others_left_alone():
    assert shorten("a" * 10, 4) == "aaaa"
    assert shorten("hola", 4) == "hola" and shorten(None, 4) is None


class StubTrackerStore:
    async def retrieve(self, sender_id):
        return None


class StubAgent:
    tracker_store = StubTrackerStore()


async def test_over_the_rate_the_person_is_asked_to_slow_down_in_their_language(monkeypatch):
    handled = []

    async def handle(agent, message):
        handled.append(message.text)

    monkeypatch.setattr(Agent, "handle_message", handle)
    settings = replace(load_settings(), rate_limit_messages=2, max_message_chars=5)
    apply_limits(settings)
    output = CollectingOutputChannel()
    for text in ("hola", "a very long message", "tercero"):
        await Agent.handle_message(StubAgent(), UserMessage(text, output, "me", metadata={"language": "es"}))
    assert handled == ["hola", "a ver"]
    slow_down = Catalogs.load(settings.locales_dir).get("es", SLOW_DOWN_MESSAGE)
    assert [m["text"] for m in output.messages] == [slow_down]


@pytest.fixture(autouse=True)
def keep_request_size_setting(monkeypatch):
    """apply_limits sets Sanic's request size for the process; the setting is undone after the test."""
    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", "1000000")

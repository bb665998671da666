"""Two replicas' lock stores on one real Redis: no ticket is lost when they issue tickets at once."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bot.lock_store import AtomicRedisLockStore
from scripts.run import free_port


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.StrictRedis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail("redis-server did not start: `make system-deps` installs it")
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=20)


def test_tickets_issued_at_once_by_two_replicas_are_all_kept(redis_port):
    replicas = [AtomicRedisLockStore(host="127.0.0.1", port=redis_port, db=0) for _ in range(2)]
    with ThreadPoolExecutor(16) as pool:
        tickets = list(pool.map(lambda i: replicas[i % 2].issue_ticket("conversation"), range(200)))
    lock = replicas[0].get_lock("conversation")
    assert sorted(tickets) == list(range(200)) and len(lock.tickets) == 200
    for index, ticket in enumerate(tickets):
        replicas[index % 2].cleanup("conversation", ticket)
    assert replicas[1].get_lock("conversation") is None

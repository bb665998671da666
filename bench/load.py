"""A load generator speaking Rasa's REST channel: concurrent multi-turn conversations, per-turn latency."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import aiohttp
import numpy as np


@dataclass
class LoadResult:
    concurrency: int
    messages: int
    errors: int
    seconds: float
    latencies_ms: List[float] = field(repr=False, default_factory=list)

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    def summary(self) -> Dict[str, float]:
        return {
            "concurrency": self.concurrency,
            "messages": self.messages,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_msg_per_s": round(self.throughput, 2),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
        }


async def _conversation(session, url: str, turns: Sequence[str], result: LoadResult, deadline: float):
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text in turns:
        if time.monotonic() > deadline:
            return
        started = time.monotonic()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json(content_type=None)
                ok = response.status == 200 and isinstance(body, list) and len(body) > 0
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            ok = False
        result.latencies_ms.append((time.monotonic() - started) * 1000)
        result.messages += 1
        result.errors += 0 if ok else 1


async def run_load(
    base_url: str, conversations: Sequence[Sequence[str]], concurrency: int, total_messages: int,
    max_seconds: float = 120,
) -> LoadResult:
    """Keeps `concurrency` conversations going until `total_messages` turns were sent."""
    url = f"{base_url}/webhooks/rest/webhook"
    result = LoadResult(concurrency=concurrency, messages=0, errors=0, seconds=0.0)
    timeout = aiohttp.ClientTimeout(total=60)
    started = time.monotonic()
    deadline = started + max_seconds
    async with aiohttp.ClientSession(timeout=timeout) as session:
        index = 0

        async def worker():
            nonlocal index
            while result.messages < total_messages and time.monotonic() < deadline:
                turns = conversations[index % len(conversations)]
                index += 1
                await _conversation(session, url, turns, result, deadline)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.monotonic() - started
    return result

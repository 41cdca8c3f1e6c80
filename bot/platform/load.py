"""A bounded load generator for the public chat API (loopback only).

Each simulated citizen starts a conversation and sends a few messages back to
back (optionally with think time between them), through `POST /api/conversations`
and `POST /api/conversations/{id}/messages`, as the widget does. The run stops
at `max_requests` or `max_seconds`, whichever comes first, so a slow stack
cannot make it run forever; it refuses any host that is not loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import urlsplit

import httpx

CONVERSATION = ["We just had a baby", "Toronto", "yes", "thank you"]


@dataclass
class LoadResult:
    concurrency: int
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: Dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    conversations: int = 0

    def summary(self) -> Dict[str, float]:
        from bot.bench import percentile

        done = self.latencies_ms
        return {
            "concurrency": self.concurrency,
            "conversations": self.conversations,
            "messages": len(done),
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "messages_per_second": round(len(done) / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": round(percentile(done, 0.50), 1) if done else None,
            "p95_ms": round(percentile(done, 0.95), 1) if done else None,
            "p99_ms": round(percentile(done, 0.99), 1) if done else None,
            "error_kinds": dict(self.error_kinds),
        }


def require_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"the load generator talks to loopback only, not {host!r}")


async def run_load(
    base_url: str,
    concurrency: int,
    conversations_per_worker: int = 3,
    think_seconds: float = 0.0,
    max_requests: int = 5000,
    max_seconds: float = 120.0,
    texts: Optional[List[str]] = None,
) -> LoadResult:
    """`concurrency` citizens, each holding `conversations_per_worker` conversations in turn."""
    require_loopback(base_url)
    texts = texts or CONVERSATION
    result = LoadResult(concurrency=concurrency)
    budget = {"left": max_requests}
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency + 4)

    def _error(kind: str) -> None:
        result.errors += 1
        result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1

    def _may_send() -> bool:
        if budget["left"] <= 0 or time.monotonic() >= deadline:
            return False
        budget["left"] -= 1
        return True

    async def citizen(client: httpx.AsyncClient) -> None:
        for _ in range(conversations_per_worker):
            if not _may_send():
                return
            try:
                started = await client.post("/api/conversations", json={"lang": "en"})
            except httpx.HTTPError as error:
                _error(type(error).__name__)
                continue
            if started.status_code != 201:
                _error(f"start {started.status_code}")
                continue
            conversation_id = started.json()["id"]
            result.conversations += 1
            for text in texts:
                if not _may_send():
                    return
                begin = time.perf_counter()
                try:
                    reply = await client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
                except httpx.HTTPError as error:
                    _error(type(error).__name__)
                    continue
                if reply.status_code == 200:
                    result.latencies_ms.append((time.perf_counter() - begin) * 1000)
                else:
                    _error(f"message {reply.status_code}")
                if think_seconds:
                    await asyncio.sleep(think_seconds)

    begin = time.monotonic()
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=limits) as client:
        await asyncio.gather(*(citizen(client) for _ in range(concurrency)))
    result.seconds = time.monotonic() - begin
    return result


def main() -> None:
    """python -m bot.platform.load URL CONCURRENCY [CONVERSATIONS_EACH]: one run, its summary as JSON."""
    import json
    import sys

    url, concurrency = sys.argv[1], int(sys.argv[2])
    each = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    print(json.dumps(asyncio.run(run_load(url, concurrency, each)).summary()))


if __name__ == "__main__":
    main()

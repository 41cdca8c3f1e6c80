"""The web app's own cost per chat message, without Rasa: `python -m bot.platform.bench_web`.

The real app (router, redaction, SQLite or ONEWINDOW_DATABASE_URL, rate limiter,
middleware) in this process, driven through ASGI by the bounded load generator's
conversation; Rasa is a stub that answers at once, so what is measured is the
web app's part of a message (the part `make bench-load` cannot separate). It
also counts the database connections opened, which shows whether the engine
reuses them, and the CPU per message (the load generator's share included),
which a busy machine does not distort as it does latencies. Prints one JSON
line; writes nothing but a temporary data folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from typing import Any, Dict, List


async def _drive(app: Any, concurrency: int, conversations_each: int) -> Dict[str, Any]:
    import httpx

    from bot.bench import percentile
    from bot.platform.load import CONVERSATION

    latencies: List[float] = []
    errors = 0
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))

    async def citizen(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for _ in range(conversations_each):
            started = await client.post("/api/conversations", json={"lang": "en"})
            conversation_id = started.json()["id"]
            for text in CONVERSATION:
                begin = time.perf_counter()
                reply = await client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
                if reply.status_code == 200:
                    latencies.append((time.perf_counter() - begin) * 1000)
                else:
                    errors += 1

    began, cpu_began = time.perf_counter(), time.process_time()
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await asyncio.gather(*(citizen(client) for _ in range(concurrency)))
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu_began  # every thread of this process: steady however busy the machine is
    return {
        "concurrency": concurrency,
        "messages": len(latencies),
        "errors": errors,
        "messages_per_second": round(len(latencies) / seconds, 1),
        "cpu_ms_per_message": round(1000 * cpu / max(len(latencies), 1), 1),
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--conversations-each", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="onewindow-bench-web-")
    os.environ["ONEWINDOW_DATA_DIR"] = folder
    os.environ["ONEWINDOW_RATE_CONVERSATIONS_PER_CLIENT"] = "0"  # one generator is many citizens
    os.environ["ONEWINDOW_RATE_MESSAGES_PER_CLIENT"] = "0"
    os.environ["ONEWINDOW_RATE_CONVERSATIONS_TOTAL"] = "100000"
    os.environ["ONEWINDOW_RATE_MESSAGES_TOTAL"] = "100000"
    try:
        import httpx
        from sqlalchemy import event

        from bot.cli.common import SEED_DIR
        from bot.cli.db import db_init
        from bot.settings import get_settings
        from bot.web.app import create_app

        get_settings.cache_clear()
        db_init(seed=SEED_DIR, reseed=False)
        app = create_app(get_settings())
        app.state.router.bot.transport = httpx.MockTransport(
            lambda request: httpx.Response(200, json=[{"text": "Noted.", "buttons": []}])
        )
        opened = {"connections": 0}

        def _count(*_: Any) -> None:
            opened["connections"] += 1

        event.listen(app.state.engine, "connect", _count)
        asyncio.run(_drive(app, 2, 1))  # warm-up: imports, first queries, the catalogue snapshot
        opened["connections"] = 0
        result = asyncio.run(_drive(app, args.concurrency, args.conversations_each))
        result["connections_opened"] = opened["connections"]
        result["database"] = app.state.engine.url.get_backend_name()
        result["pool"] = type(app.state.engine.pool).__name__
        print(json.dumps(result))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

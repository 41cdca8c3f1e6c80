"""A replica killed with SIGKILL during a load run loses no message and no case.

One real scaled stack (`onewindow up --scaled --replicas 2`: PostgreSQL, Redis,
nginx, two action servers, two Rasa servers, two web apps) takes a bounded load:
8 conversations of 4 turns, half of them asking for a person (a case each). In
the middle one Rasa replica is killed, later the web replica that serves the
load (nginx's ip_hash sends all of loopback to one). A citizen whose message
failed retries it, as the chat page says to; before resending after a 502/503
the page's history is read, so a message the dead replica did record is not sent
twice. Afterwards:

- every message answered 2xx is in the conversation's stored history, in order;
- every failure was a clear answer: the router's "try again" message (200) or a
  502/503 from nginx, never a 500, a timeout or an answer missing its message;
- every failed message, retried, was answered on the surviving replicas;
- every conversation that asked for a person has exactly one case, and no other has one;
- `onewindow status` lists PostgreSQL, Redis and every replica, the killed ones restarted and healthy again.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx
import pytest

from bot.conversations.messages import say

pytestmark = [pytest.mark.scaled, pytest.mark.rasa]

ROOT = Path(__file__).resolve().parents[2]
BOT_TURNS = [("text", "We just had a baby"), ("text", "Toronto"), ("text", "yes"), ("text", "thank you")]
PERSON_TURNS = [("text", "We just had a baby"), ("payload", "/request_human"), ("payload", "/affirm"), ("text", "ok")]
CONVERSATIONS = 8
RETRY_SECONDS = 150.0  # a killed Rasa's lock ticket expires, the supervisor restarts what died
UNAVAILABLE = say("bot_unavailable", "en")


@pytest.fixture(scope="module")
def scaled_stack():
    """The one scaled stack of this module (bench_load's Stack: its own ports, data folder, services)."""
    for program in ("nginx", "redis-server"):
        if not (shutil.which(program) or Path(f"/usr/sbin/{program}").exists()):
            pytest.skip(f"SCALED TEST SKIPPED: {program} is not installed (make services)")
    from bot.platform.services import postgres_bin

    if postgres_bin() is None:
        pytest.skip("SCALED TEST SKIPPED: PostgreSQL is not installed (make services)")
    if not (ROOT / "models" / "onewindow.tar.gz").exists():
        pytest.skip("no trained model (make train)")
    from bot.platform.bench_load import Stack

    folder = Path(tempfile.mkdtemp(prefix="onewindow-killed-"))
    os.chmod(folder, 0o755)  # PostgreSQL (as `postgres` when root) passes through
    stack = Stack(2, folder)
    stack.env["ONEWINDOW_STAFFED_HOURS"] = "always"  # a person asked for opens a waiting case, not a callback
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Citizen:
    """One conversation through the public API; every attempt and what came of it is kept."""

    def __init__(self, client: httpx.AsyncClient, turns: List[tuple]) -> None:
        self.client, self.turns = client, turns
        self.id = ""
        self.sent: List[str] = []  # the user's texts the API answered 2xx, in order
        self.failures: List[str] = []  # how each failed attempt failed
        self.unclear: List[str] = []  # failures that were not a clear, retryable answer
        self.retried_ok = 0

    async def run(self, progress: Dict[str, int]) -> None:
        started = await self.client.post("/api/conversations", json={"lang": "en"})
        assert started.status_code == 201, started.text
        self.id = started.json()["id"]
        for kind, value in self.turns:
            if value != "/affirm":
                await self._deliver(kind, value, progress)
                continue
            for _ in range(5):  # consent: pressed again after a failure, as the page offers it again
                latest = await self._latest()
                if latest["owner"] != "bot":
                    break  # handed over
                if "/affirm" not in self._offered(latest["messages"]):
                    await self._deliver("payload", "/request_human", progress)
                    continue
                await self._deliver(kind, value, progress, once=True)

    async def _deliver(self, kind: str, value: str, progress: Dict[str, int], once: bool = False) -> None:
        """Send one message until it is answered; `once`: a button that the failure may have
        withdrawn is not resent here (the caller asks for it to be offered again)."""
        deadline = time.monotonic() + RETRY_SECONDS
        failed_before = False
        while True:
            before = (await self._latest())["messages"]
            try:
                answer = await self.client.post(f"/api/conversations/{self.id}/messages", json={kind: value})
                status, body = answer.status_code, _body(answer)
            except httpx.HTTPError as error:
                status, body = 0, {"detail": f"{type(error).__name__}: {error}"}
            if status == 200:
                self.sent.append(self._stored_text(body))
                progress["answered"] += 1
                if any(m["text"] == UNAVAILABLE for m in body["messages"]):
                    self.failures.append("unavailable")  # stored, with "try again in a moment"
                else:
                    self.retried_ok += failed_before
                    return
            elif status in (502, 503):
                self.failures.append(str(status))
                new = (await self._latest())["messages"][len(before) :]
                if any(m["sender"] == "user" for m in new):
                    # the dead replica recorded it: the history shows it, it is not sent twice
                    self.sent.append(next(m["text"] for m in new if m["sender"] == "user"))
                    if any(m["sender"] != "user" for m in new):
                        self.retried_ok += 1
                        return
            else:
                self.unclear.append(f"{kind} {value!r}: {status} {str(body)[:200]}")
                return
            failed_before = True
            if once:
                return
            if time.monotonic() > deadline:
                self.unclear.append(f"{kind} {value!r}: still failing after {RETRY_SECONDS:.0f}s")
                return
            await asyncio.sleep(2.0)

    @staticmethod
    def _offered(messages: List[Dict[str, Any]]) -> set:
        offered = set()
        for message in reversed(messages):
            if message["sender"] == "user":
                break
            offered |= {button.get("payload") for button in message.get("buttons") or []}
        return offered

    def _stored_text(self, body: Dict[str, Any]) -> str:
        mine = [m["text"] for m in body["messages"] if m["sender"] == "user"]
        assert mine, f"an answered message is missing from its answer: {body}"
        return mine[0]

    async def _latest(self) -> Dict[str, Any]:
        """The conversation's stored history and owner (read again while a dead web replica is replaced)."""
        for _ in range(60):
            try:
                got = await self.client.get(f"/api/conversations/{self.id}/messages")
                if got.status_code == 200:
                    return got.json()
            except httpx.HTTPError:
                pass
            await asyncio.sleep(1.0)
        raise AssertionError("the conversation's history could not be read for a minute")


def _body(answer: httpx.Response) -> Dict[str, Any]:
    """The answer's JSON; nginx's own 502/503 pages are HTML."""
    try:
        found = answer.json()
    except ValueError:
        return {"detail": answer.text[:200]}
    return found if isinstance(found, dict) else {"detail": found}


def _serving_web(stack: Any) -> Optional[str]:
    """The web replica that has worked the most (the one nginx's ip_hash gives loopback)."""
    from bot.platform.bench_load import _cpu_seconds

    webs = {name: _cpu_seconds(pid) for name, pid in stack.pids().items() if name.startswith("web-")}
    return max(webs, key=webs.get) if webs else None


async def _load_with_kills(stack: Any) -> Dict[str, Any]:
    progress = {"answered": 0}
    killed: Dict[str, int] = {}

    async def killer() -> None:
        for target, after in (("rasa-1", 6), (None, 14)):
            while progress["answered"] < after:
                await asyncio.sleep(0.05)
            name = target or _serving_web(stack)
            pid = stack.pids()[name]
            os.kill(pid, signal.SIGKILL)
            killed[name] = pid

    base = f"http://127.0.0.1:{stack.web_port}"
    async with httpx.AsyncClient(base_url=base, timeout=90.0) as client:
        citizens = [Citizen(client, PERSON_TURNS if i % 2 else BOT_TURNS) for i in range(CONVERSATIONS)]
        kill = asyncio.create_task(killer())
        await asyncio.gather(*(citizen.run(progress) for citizen in citizens))
        await asyncio.wait_for(kill, timeout=5)
        histories = {c.id: (await c._latest())["messages"] for c in citizens}
    return {"citizens": citizens, "histories": histories, "killed": killed}


@pytest.mark.timeout(1500)
def test_a_replica_killed_mid_load_loses_no_message_and_no_case(scaled_stack):
    outcome = asyncio.run(_load_with_kills(scaled_stack))
    citizens, histories = outcome["citizens"], outcome["histories"]
    assert set(outcome["killed"]) >= {"rasa-1"} and any(n.startswith("web-") for n in outcome["killed"])
    failures = [f for c in citizens for f in c.failures]
    print(f"\nkilled {outcome['killed']}; failed attempts: {failures}")

    for citizen in citizens:
        assert citizen.unclear == [], citizen.unclear
        stored = [m["text"] for m in histories[citizen.id] if m["sender"] == "user"]
        seqs = [m["seq"] for m in histories[citizen.id]]
        assert seqs == sorted(seqs)
        position = 0
        for text in citizen.sent:  # every answered message is stored, in the order it was sent
            assert text in stored[position:], f"{text!r} missing from {stored}"
            position = stored.index(text, position) + 1
        assert len(citizen.sent) >= len(citizen.turns) - 1  # /affirm alone may be skipped (already handed over)

    from sqlalchemy import create_engine, text

    port = (scaled_stack.folder / "data" / "services" / "postgres.port").read_text().strip()
    engine = create_engine(f"postgresql://onewindow:onewindow@127.0.0.1:{port}/onewindow", future=True)
    try:
        with engine.connect() as connection:
            counts = dict(
                connection.execute(text("SELECT conversation_id, count(*) FROM cases GROUP BY conversation_id")).all()
            )
    finally:
        engine.dispose()
    for citizen in citizens:
        expected = 1 if citizen.turns is PERSON_TURNS else 0
        assert counts.get(citizen.id, 0) == expected, (citizen.id[:6], counts.get(citizen.id), citizen.failures)
    _status_recovers(scaled_stack)


def _status(stack: Any) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "onewindow"), "status"]
    return subprocess.run(command, cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120)


def _status_recovers(stack: Any) -> None:
    """After the kills: `onewindow status` lists every part healthy, the Rasa replica restarted once."""
    deadline = time.monotonic() + 420  # a restarted Rasa loads its model again
    done = _status(stack)
    while done.returncode != 0 and time.monotonic() < deadline:
        time.sleep(5)
        done = _status(stack)
    assert done.returncode == 0, done.stdout + done.stderr
    states = {}
    for line in done.stdout.splitlines():
        parts = [part for part in line.strip().split("  ") if part.strip()]
        if len(parts) >= 2:
            states[parts[0].strip()] = parts[1].strip()
    replicas = [f"{role} {i}" for role in ("action server", "Rasa server", "web app") for i in (1, 2)]
    for title in ("PostgreSQL", "Redis", "nginx (load balancer)", *replicas):
        assert states.get(title, "").startswith("healthy"), (title, done.stdout)
    assert "restarted 1x" in states["Rasa server 1"], done.stdout

"""Fixtures for the security suite: the real web app over a fresh copy of the
seeded database in a temporary data folder, reached over HTTP either through
Starlette's TestClient (in process) or a real uvicorn on a random loopback port.

Rasa is the one boundary replaced, by `RasaDouble` (an httpx transport that
records what reached it); the end-to-end suite talks to the real Rasa server.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from typing import Any, Callable, Iterator, List

import httpx
import pytest


class RasaDouble:
    """Answers like Rasa's REST webhook with whatever `reply` returns, and keeps
    every request body so tests can check what Rasa was (not) sent."""

    def __init__(self) -> None:
        self.received: List[dict] = []
        self.reply: Callable[[dict], list] = lambda body: [{"recipient_id": body["sender"], "text": "Okay."}]

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.received.append(body)
        return httpx.Response(200, json=self.reply(body))

    def messages(self) -> List[str]:
        return [body["message"] for body in self.received]


@pytest.fixture()
def rasa() -> RasaDouble:
    return RasaDouble()


@pytest.fixture()
def make_app(settings, seeded_database, rasa):
    """`make_app(**settings)`: the real app over its own copy of the seeded
    database, with the given settings changed and Rasa replaced by `rasa`."""
    from bot.conversations.rasa_channel import RasaChannel
    from bot.web.app import create_app

    made = 0

    def make(**overrides: Any):
        nonlocal made
        made += 1
        data_dir = settings.data_dir / f"app{made}"
        data_dir.mkdir()
        shutil.copyfile(seeded_database, data_dir / "onewindow.db")
        app = create_app(settings.copy(update={"data_dir": data_dir, **overrides}))
        app.state.router.bot = RasaChannel("http://rasa.test", transport=httpx.MockTransport(rasa.handler))
        return app

    return make


@pytest.fixture()
def app(make_app):
    return make_app()


@pytest.fixture()
def http(app) -> Iterator:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        yield client


@pytest.fixture()
def live_server() -> Iterator[Callable[[Any], str]]:
    """`live_server(app) -> base_url`: the app in a real uvicorn on a random
    loopback port (the socket is bound here, so no port race); stopped at the end."""
    import uvicorn

    running = []

    def start(app: Any) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        # As `onewindow up` runs it: uvicorn's own X-Forwarded-For handling off, so
        # bot/web/client_address.py alone decides whom to believe.
        config = uvicorn.Config(app, log_level="warning", lifespan="off", proxy_headers=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        running.append((server, thread, sock))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread, sock in running:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

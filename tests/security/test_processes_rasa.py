"""The Rasa server as `onewindow up` starts it (the supervisor's own command
and environment), as a real process on a random loopback port, without a
model (the token checks come before any model): its token is not on its
command line, and neither its HTTP API nor its REST channel answers a caller
without the token — so no forged `/restart` or `/crisis` for any conversation."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx
import pytest

from bot.processes import ROOT, specs
from bot.settings import Settings

pytestmark = pytest.mark.rasa  # starts a Rasa server (about 30 s of imports)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def rasa_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("rasa")
    (data_dir / "no-model").mkdir()
    settings = Settings(data_dir=data_dir, action_port=free_port(), rasa_port=free_port(), web_port=free_port())
    spec = next(spec for spec in specs(settings, data_dir / "no-model") if spec.name == "rasa")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONEWINDOW_")}
    log = open(data_dir / "rasa.log", "wb")
    process = subprocess.Popen(
        spec.command, cwd=ROOT, env={**env, **spec.env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (data_dir / "rasa.log").read_text()[-3000:]
            try:
                if httpx.get(f"{settings.rasa_url}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the Rasa server did not start"
            time.sleep(0.5)
        yield {"settings": settings, "url": settings.rasa_url, "process": process, "log": data_dir / "rasa.log"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def test_the_token_is_not_on_its_command_line(rasa_server):
    token = rasa_server["settings"].secret("rasa_token")
    command_line = open(f"/proc/{rasa_server['process'].pid}/cmdline", "rb").read().decode()
    assert token not in command_line and "--auth-token" not in command_line


def test_the_http_api_needs_the_token(rasa_server):
    token = rasa_server["settings"].secret("rasa_token")
    assert httpx.get(f"{rasa_server['url']}/status", timeout=10).status_code == 401
    assert httpx.get(f"{rasa_server['url']}/status", params={"token": token}, timeout=10).status_code != 401


@pytest.mark.parametrize("message", ["/restart", "/crisis", "hello"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "wrong"], ids=["none", "wrong", "no_scheme"])
def test_the_rest_channel_refuses_callers_without_the_token(rasa_server, message, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.post(
        f"{rasa_server['url']}/webhooks/rest/webhook",
        json={"sender": "any-conversation-id", "message": message},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 401


def test_the_rest_channel_answers_the_web_app(rasa_server):
    token = rasa_server["settings"].secret("rasa_token")
    response = httpx.post(
        f"{rasa_server['url']}/webhooks/rest/webhook",
        json={"sender": "c0ffee00", "message": "hello"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200 and isinstance(response.json(), list)


def test_it_listens_on_loopback_only(rasa_server):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # picks the outgoing interface; sends nothing
            address = probe.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("this machine has no address but loopback")
    port = int(rasa_server["url"].rsplit(":", 1)[1])
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(3)
        sock.connect((address, port))

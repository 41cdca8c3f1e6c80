"""The action server as `onewindow up` starts it (the supervisor's own command
and environment), as a real process on a random loopback port: it listens on
loopback only, and runs no action — handoff included — for a caller without
the action token, such as a forged tracker."""

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("actions")
    settings = Settings(data_dir=data_dir, action_port=free_port(), rasa_port=free_port(), web_port=free_port())
    spec = next(spec for spec in specs(settings, data_dir / "model.tar.gz") if spec.name == "actions")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONEWINDOW_")}
    log = open(data_dir / "actions.log", "wb")
    process = subprocess.Popen(
        spec.command, cwd=ROOT, env={**env, **spec.env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (data_dir / "actions.log").read_text()[-3000:]
            try:
                if httpx.get(spec.health_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.3)
        yield {"settings": settings, "base": f"http://127.0.0.1:{settings.action_port}", "process": process}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def forged_handoff() -> dict:
    """What Rasa would send to run action_handoff, for a conversation of the forger's choosing."""
    return {
        "next_action": "action_handoff",
        "sender_id": "forged-conversation",
        "version": "3.6.21",
        "domain": {"responses": {}, "slots": {}, "intents": [], "entities": [], "actions": ["action_handoff"]},
        "tracker": {
            "sender_id": "forged-conversation",
            "slots": {"handoff_urgent": True, "handoff_reason": "crisis", "life_events": []},
            "latest_message": {"text": "x", "intent": {"name": "affirm"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "wrong"}, {"Authorization": ""}],
    ids=["none", "wrong_token", "no_scheme", "empty"],
)
def test_a_forged_tracker_runs_no_action(action_server, headers):
    response = httpx.post(f"{action_server['base']}/webhook", json=forged_handoff(), headers=headers, timeout=30)
    assert response.status_code == 401
    assert "handoff" not in response.text


def test_the_list_of_actions_is_not_given_to_strangers(action_server):
    assert httpx.get(f"{action_server['base']}/actions", timeout=10).status_code == 401


def test_rasa_with_the_token_is_served(action_server):
    token = action_server["settings"].secret("action_token")
    response = httpx.post(
        f"{action_server['base']}/webhook",
        json=forged_handoff(),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert any("handoff" in (message.get("custom") or {}) for message in response.json()["responses"])


def test_it_listens_on_loopback_only(action_server):
    address = other_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(3)
        sock.connect((address, action_server["settings"].action_port))


def test_the_token_is_not_on_its_command_line(action_server):
    command_line = open(f"/proc/{action_server['process'].pid}/cmdline", "rb").read().decode()
    assert action_server["settings"].secret("action_token") not in command_line

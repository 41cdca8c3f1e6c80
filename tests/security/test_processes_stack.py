"""The whole stack as `onewindow up` runs it (supervisor, real action server,
Rasa server with the trained model, web app) on random loopback ports: the
secrets carry every message from the web app through Rasa to the actions, and
when the action server is killed mid-conversation the citizen gets a clear
message with a way forward (it is logged), and trying again after the
supervisor's restart works."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.processes import ROOT, Supervisor, specs
from bot.settings import Settings

pytestmark = pytest.mark.rasa
MODEL = ROOT / "models" / "onewindow.tar.gz"
UNAVAILABLE = "the assistant isn't answering right now"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make train'.")
    data_dir = tmp_path_factory.mktemp("stack")
    settings = Settings(
        data_dir=data_dir,
        web_port=free_port(),
        rasa_port=free_port(),
        action_port=free_port(),
        staffed_hours="always",
        model_path=MODEL,
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONEWINDOW_")}
    onewindow = str(Path(sys.executable).parent / "onewindow")
    subprocess.run([onewindow, "db", "init"], env={**env, "ONEWINDOW_DATA_DIR": str(data_dir)}, check=True)
    process_specs = specs(settings, MODEL)
    for spec in process_specs:
        spec.env["ONEWINDOW_STAFFED_HOURS"] = "always"
        spec.start_timeout = 900  # a shared, loaded machine can take minutes to import Rasa and load the model
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("ONEWINDOW_")}
    supervisor = Supervisor(process_specs, log_dir=data_dir / "logs", poll_seconds=0.2)
    try:
        supervisor.start_all()
        yield {"supervisor": supervisor, "web": f"http://127.0.0.1:{settings.web_port}", "logs": data_dir / "logs"}
    except RuntimeError as error:
        logs = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in (data_dir / "logs").glob("*.log"))
        pytest.fail(f"{error}\n{logs}")
    finally:
        supervisor.stop_all()
        os.environ.update(saved)


def say(web: str, conversation: str, text: str) -> list:
    response = httpx.post(f"{web}/api/conversations/{conversation}/messages", json={"text": text}, timeout=120)
    assert response.status_code == 200, response.text
    return [message for message in response.json()["messages"] if message["sender"] != "user"]


def test_killing_the_action_server_mid_conversation(running):
    web, supervisor = running["web"], running["supervisor"]
    conversation = httpx.post(f"{web}/api/conversations", json={}, timeout=30).json()["id"]
    first = say(web, conversation, "my father died last week in Hamilton")
    assert first and not any(UNAVAILABLE in message["text"] for message in first), first

    actions = supervisor.running["actions"]
    os.killpg(actions.pid, signal.SIGKILL)
    actions.wait(timeout=10)
    second = say(web, conversation, "we also just had a baby")
    assert second, "the citizen got no reply at all"
    assert UNAVAILABLE in second[-1]["text"] and "try again" in second[-1]["text"]
    assert any(button["payload"] == "/request_human" for button in second[-1]["buttons"])
    web_log = (running["logs"] / "web.log").read_text()
    assert f"conversation {conversation[:8]}" in web_log and "could not finish" in web_log
    assert "action" in (running["logs"] / "rasa.log").read_text()

    supervisor.check_once()  # the supervisor notices and restarts it
    assert supervisor.health()["actions"] == "healthy"
    third = say(web, conversation, "we just had a baby")
    assert third and not any(UNAVAILABLE in message["text"] for message in third), third

"""The supervisor with real (small) processes on random loopback ports: it
reports each one's health, restarts one that exits, and when it gives up it
says so loudly — which process, why, what to do — before stopping everything."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import sys
import textwrap

import pytest

from bot.processes import GaveUp, ProcessSpec, Supervisor

SERVER = textwrap.dedent(
    """
    import os, sys, threading, time
    from http.server import BaseHTTPRequestHandler, HTTPServer

    def fail():
        time.sleep(0.2)
        print("failing on purpose: the database is gone", flush=True)
        os._exit(3)

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
            if sys.argv[2] == "dies":  # only once seen healthy: no race with a slow start
                threading.Thread(target=fail).start()
        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dummy(name: str, dies: bool = False, title: str = "") -> ProcessSpec:
    port = free_port()
    return ProcessSpec(
        name=name,
        title=title or name,
        command=[sys.executable, "-c", SERVER, str(port), "dies" if dies else "stays"],
        health_url=f"http://127.0.0.1:{port}/health",
        start_timeout=30,
    )


@pytest.fixture()
def supervisor_for(tmp_path):
    made = []

    def make(*specs: ProcessSpec, **kwargs) -> Supervisor:
        supervisor = Supervisor(
            list(specs), log_dir=tmp_path / "logs", state_file=tmp_path / "logs" / "processes.json", **kwargs
        )
        made.append(supervisor)
        return supervisor

    yield make
    for supervisor in made:
        supervisor.stop_all()


def test_giving_up_is_said_loudly_with_the_process_the_cause_and_what_to_do(supervisor_for, tmp_path, capsys):
    steady = dummy("web", title="web app")
    flaky = dummy("actions", dies=True, title="action server")
    supervisor = supervisor_for(steady, flaky, max_restarts=2, poll_seconds=0.1)
    supervisor.start_all()
    with pytest.raises(GaveUp) as gave_up:
        supervisor.watch(stop_after=120)
    steady_pid = supervisor.running["web"].pid
    supervisor.stop_all()

    log = (tmp_path / "logs" / "supervisor.log").read_text()
    for said in (str(gave_up.value), log, capsys.readouterr().err):
        assert "action server (actions)" in said
        assert "exited 3 times" in said and "code 3" in said
    banner = log[log.index("ONEWINDOW HAS STOPPED") :]
    assert "Every OneWindow process is being stopped" in banner
    assert "What to do" in banner and "onewindow up" in banner and str(tmp_path / "logs" / "actions.log") in banner
    assert "failing on purpose: the database is gone" in banner  # the cause, from the process's own log
    assert log.count("restarting it") == 2
    with pytest.raises(ProcessLookupError):
        os.kill(steady_pid, 0)  # everything was stopped, the healthy one too
    state = json.loads((tmp_path / "logs" / "processes.json").read_text())["processes"]
    assert state["actions"]["state"] == "given up" and state["actions"]["restarts"] == 2
    assert state["web"]["state"] == "stopped"


def test_a_process_that_dies_is_restarted_and_the_restart_is_logged(supervisor_for, tmp_path):
    spec = dummy("rasa", title="Rasa server")
    supervisor = supervisor_for(spec, poll_seconds=0.1)
    supervisor.start_all()
    first = supervisor.running["rasa"].pid
    os.killpg(first, signal.SIGKILL)
    supervisor.running["rasa"].wait(timeout=10)
    supervisor.check_once()
    assert supervisor.running["rasa"].pid != first
    assert supervisor.health() == {"rasa": "healthy"}
    assert (
        "Rasa server (rasa) exited (killed by SIGKILL); restarting it (1/3)"
        in (tmp_path / "logs" / "supervisor.log").read_text()
    )


def test_health_reports_each_process(supervisor_for):
    supervisor = supervisor_for(dummy("actions", dies=False), dummy("web", dies=False))
    supervisor.start_all()
    assert supervisor.health() == {"actions": "healthy", "web": "healthy"}
    os.killpg(supervisor.running["web"].pid, signal.SIGKILL)
    supervisor.running["web"].wait(timeout=10)
    assert supervisor.health() == {"actions": "healthy", "web": "exited (killed by SIGKILL)"}


def test_logs_and_state_are_for_the_owner_only(supervisor_for, tmp_path):
    supervisor = supervisor_for(dummy("actions", dies=False))
    supervisor.start_all()
    logs = tmp_path / "logs"
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    for name in ("actions.log", "supervisor.log", "processes.json"):
        assert stat.S_IMODE((logs / name).stat().st_mode) == 0o600, name

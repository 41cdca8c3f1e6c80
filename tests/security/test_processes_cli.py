"""The `onewindow` commands that start and watch the processes, as a newcomer
meets them: `up` prints every page (the catalogue administration too) and each
process's health, `status` says which process answers, and `triage` on a data
folder never set up says what to run instead of answering "no life event"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.platform.services import free_port
from bot.settings import get_settings


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    for name in ("RASA_URL", "ACTION_URL", "DATABASE_URL"):
        monkeypatch.delenv(f"ONEWINDOW_{name}", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str):
    from bot.cli import app

    return CliRunner().invoke(app, list(args))


def test_triage_on_a_data_folder_never_set_up_says_what_to_run(data_dir, monkeypatch):
    monkeypatch.setenv("ONEWINDOW_MODEL_PATH", str(data_dir / "no-model.tar.gz"))
    result = run("triage", "my father died last night", "--local")
    assert result.exit_code == 1
    assert "never set up" in result.output and "onewindow db init" in result.output
    assert '"events"' not in result.output


def test_triage_after_db_init_gets_past_the_check(data_dir, monkeypatch):
    monkeypatch.setenv("ONEWINDOW_MODEL_PATH", str(data_dir / "no-model.tar.gz"))
    assert run("db", "init").exit_code == 0
    result = run("triage", "my father died last night", "--local")
    assert "never set up" not in result.output
    assert "No trained model" in result.output  # the next thing it needs


def test_status_names_each_process_and_fails_when_one_is_down(data_dir, monkeypatch, healthy_server):
    monkeypatch.setenv("ONEWINDOW_WEB_PORT", str(healthy_server()))
    monkeypatch.setenv("ONEWINDOW_RASA_PORT", str(free_port()))
    monkeypatch.setenv("ONEWINDOW_ACTION_PORT", str(free_port()))
    result = run("status")
    assert result.exit_code == 1
    lines = {line.split("  ")[1].strip(): line for line in result.output.splitlines() if line.startswith("  ")}
    assert "healthy" in lines["web app"]
    assert "not answering" in lines["Rasa server"] and "not answering" in lines["action server"]
    assert "2 of 3 process(es) not healthy" in result.output and "onewindow up" in result.output


def test_status_all_healthy(data_dir, monkeypatch, healthy_server):
    for name in ("WEB", "RASA", "ACTION"):
        monkeypatch.setenv(f"ONEWINDOW_{name}_PORT", str(healthy_server()))
    result = run("status")
    assert result.exit_code == 0, result.output
    assert result.output.count("healthy") == 4 and "All healthy." in result.output
    assert get_settings().secret("rasa_token") not in result.output


def test_up_prints_every_page_and_each_process_health(data_dir, monkeypatch):
    """`up` with the supervisor replaced at its edge (no model, no Rasa here)."""
    model = data_dir / "model.tar.gz"
    model.write_bytes(b"")
    monkeypatch.setenv("ONEWINDOW_MODEL_PATH", str(model))
    monkeypatch.setenv("ONEWINDOW_WEB_PORT", "8123")
    stopped = []

    class Supervisor:
        def __init__(self, specs, log_dir, state_file=None):
            self.names = [spec.name for spec in specs]

        def start_all(self):
            pass

        def health(self):
            return {"actions": "healthy", "rasa": "healthy", "web": "running but not answering"}

        def watch(self):
            raise KeyboardInterrupt

        def stop_all(self):
            stopped.append(True)

    monkeypatch.setattr("bot.processes.Supervisor", Supervisor)
    result = run("up")
    assert result.exit_code == 0, result.output
    for page in ("/chat", "/console", "/admin/catalogue", "/openapi.json", "/healthz"):
        assert f"http://127.0.0.1:8123{page}" in result.output, page
    assert "catalogue admin" in result.output
    health = [line for line in result.output.splitlines() if "healthy" in line or "not answering" in line]
    assert any("action server" in line and "healthy" in line for line in health)
    assert any("web app" in line and "running but not answering" in line for line in health)
    assert stopped == [True]
    assert get_settings().secret("rasa_token") not in result.output

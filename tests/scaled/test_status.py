"""`onewindow status` for a running scaled stack: PostgreSQL, Redis and every
replica by name, each healthy or not answering, and a failing exit when one is
down. The replicas here are loopback HTTP stand-ins; PostgreSQL and Redis are real."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from bot.platform import scaled
from bot.platform.services import free_port
from bot.processes import ProcessSpec
from bot.settings import get_settings

pytestmark = pytest.mark.scaled


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(f"ONEWINDOW_{name}", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _record(data_dir, processes, database_url, redis_url) -> None:
    scaled.remember(get_settings(), processes, database_url, redis_url)  # as `up --scaled` does


def _spec(name: str, port: int, path: str = "/health") -> ProcessSpec:
    return ProcessSpec(
        name=name, title=name.replace("-", " "), command=["true"], health_url=f"http://127.0.0.1:{port}{path}"
    )


def status():
    from bot.cli import app

    return CliRunner().invoke(app, ["status"])


def test_status_reports_every_replica_postgres_and_redis(data_dir, services, healthy_server):
    postgres, redis = services
    processes = [_spec(f"{role}-{i}", healthy_server()) for role in ("actions", "rasa", "web") for i in (1, 2)]
    processes.append(_spec("nginx", healthy_server()))
    _record(data_dir, processes, postgres.url, redis.url)
    assert oct(os.stat(scaled.stack_file(get_settings())).st_mode & 0o777) == "0o600"
    result = status()
    assert result.exit_code == 0, result.output
    for title in ("PostgreSQL", "Redis", "actions 1", "actions 2", "rasa 1", "rasa 2", "web 1", "web 2", "nginx"):
        line = next(line for line in result.output.splitlines() if line.strip().startswith(title))
        assert "healthy" in line and "not answering" not in line, line
    assert f":{postgres.password}@" not in result.output and ":***@" in result.output  # no password shown
    assert get_settings().secret("rasa_token") not in result.output
    assert "All healthy." in result.output


def test_a_dead_replica_and_a_dead_redis_fail_the_status(data_dir, services, healthy_server):
    postgres, _ = services
    processes = [_spec("web-1", healthy_server()), _spec("rasa-2", free_port(), "/status")]
    _record(data_dir, processes, postgres.url, f"redis://127.0.0.1:{free_port()}/0")
    result = status()
    assert result.exit_code == 1
    lines = {line.split("  ")[1].strip(): line for line in result.output.splitlines() if line.startswith("  ")}
    assert "not answering" in lines["rasa 2"] and "not answering" in lines["Redis"]
    assert lines["web 1"].split()[2] == "healthy" and "healthy" in lines["PostgreSQL"]
    assert "2 of 4 part(s) not healthy: Redis, rasa 2" in result.output


def test_a_stack_whose_supervisor_is_gone_is_not_reported(data_dir, services):
    postgres, redis = services
    _record(data_dir, [], postgres.url, redis.url)
    path = scaled.stack_file(get_settings())
    record = json.loads(path.read_text())
    record["supervisor_pid"] = 2**22 + 7  # beyond pid_max's default: no such process
    path.write_text(json.dumps(record))
    assert scaled.running_stack(get_settings()) is None
    assert "Scaled stack" not in status().output  # the single stack's status applies

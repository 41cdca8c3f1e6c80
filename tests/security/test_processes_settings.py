"""How `onewindow up` starts the internal processes, read from what the
supervisor would run: loopback by default, configurable for a real network,
one setting per fact, and no secret on any command line or in a readable file."""

from __future__ import annotations

import stat

import pytest
import yaml

from bot.processes import health_checks, specs
from bot.settings import Settings, get_settings


@pytest.fixture()
def env_settings(tmp_path, monkeypatch):
    """Settings read from the environment, as every process reads them."""
    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    for name in ("RASA_URL", "RASA_PORT", "RASA_HOST", "ACTION_URL", "ACTION_PORT", "ACTION_HOST"):
        monkeypatch.delenv(f"ONEWINDOW_{name}", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _by_name(settings: Settings):
    return {spec.name: spec for spec in specs(settings, settings.data_dir / "model.tar.gz")}


def _option(command, flag):
    return command[command.index(flag) + 1]


def test_moving_rasa_with_its_port_moves_the_url_the_web_app_uses(env_settings):
    env_settings.setenv("ONEWINDOW_RASA_PORT", "6123")
    settings = Settings()
    assert settings.rasa_url == "http://127.0.0.1:6123"
    web = _by_name(settings)["web"]
    assert web.env["ONEWINDOW_RASA_URL"] == "http://127.0.0.1:6123"


def test_an_explicit_rasa_url_still_wins_for_a_rasa_elsewhere(env_settings):
    env_settings.setenv("ONEWINDOW_RASA_PORT", "6123")
    env_settings.setenv("ONEWINDOW_RASA_URL", "https://rasa.internal:443/")
    assert Settings().rasa_url == "https://rasa.internal:443"


def test_the_action_url_follows_the_action_port(env_settings):
    env_settings.setenv("ONEWINDOW_ACTION_PORT", "6124")
    settings = Settings()
    assert settings.action_url == "http://127.0.0.1:6124/webhook"
    rasa = _by_name(settings)["rasa"]
    endpoints = yaml.safe_load(open(_option(rasa.command, "--endpoints")).read())
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:6124/webhook"


def test_internal_processes_listen_on_loopback_by_default(env_settings):
    processes = _by_name(Settings())
    assert _option(processes["actions"].command, "--host") == "127.0.0.1"
    assert _option(processes["rasa"].command, "--interface") == "127.0.0.1"
    assert _option(processes["web"].command, "--host") == "127.0.0.1"


def test_interfaces_and_ports_are_configurable_for_a_real_network(env_settings):
    env_settings.setenv("ONEWINDOW_ACTION_HOST", "10.1.2.3")
    env_settings.setenv("ONEWINDOW_ACTION_PORT", "7001")
    env_settings.setenv("ONEWINDOW_RASA_HOST", "0.0.0.0")
    env_settings.setenv("ONEWINDOW_RASA_PORT", "7002")
    settings = Settings()
    processes = _by_name(settings)
    assert _option(processes["actions"].command, "--host") == "10.1.2.3"
    assert _option(processes["actions"].command, "--port") == "7001"
    assert _option(processes["rasa"].command, "--interface") == "0.0.0.0"
    assert _option(processes["rasa"].command, "--port") == "7002"
    assert settings.action_url == "http://10.1.2.3:7001/webhook"
    assert settings.rasa_url == "http://127.0.0.1:7002"  # a wildcard bind is reached on loopback
    checks = {check.name: check.url for check in health_checks(settings)}
    assert checks["actions"] == "http://10.1.2.3:7001/health"


def test_no_secret_is_on_any_command_line(env_settings):
    settings = Settings()
    secrets = {settings.secret("rasa_token"), settings.secret("action_token")}
    for spec in _by_name(settings).values():
        command_line = " ".join(spec.command)
        assert not any(secret in command_line for secret in secrets), spec.name
        assert "--auth-token" not in spec.command


def test_each_process_gets_only_the_secrets_it_needs(env_settings):
    settings = Settings()
    processes = _by_name(settings)
    assert processes["actions"].env["ONEWINDOW_ACTION_TOKEN"] == settings.secret("action_token")
    assert "ONEWINDOW_RASA_TOKEN" not in processes["actions"].env
    assert processes["web"].env["ONEWINDOW_RASA_TOKEN"] == settings.secret("rasa_token")
    assert "ONEWINDOW_ACTION_TOKEN" not in processes["web"].env


def test_the_run_endpoints_file_sends_the_action_token_and_only_its_owner_reads_it(env_settings):
    settings = Settings()
    rasa = _by_name(settings)["rasa"]
    path = _option(rasa.command, "--endpoints")
    endpoints = yaml.safe_load(open(path).read())
    assert endpoints["action_endpoint"]["headers"] == {"Authorization": f"Bearer {settings.secret('action_token')}"}
    assert stat.S_IMODE((settings.data_dir / "endpoints.yml").stat().st_mode) == 0o600
    assert endpoints["tracker_store"]["db"].endswith("onewindow.db")


def test_the_rasa_launcher_adds_the_token_inside_the_process_and_refuses_one_on_the_command_line():
    from bot.servers.rasa_server import rasa_argv

    assert rasa_argv(["run", "--port", "1"], "s3cret") == ["rasa", "run", "--port", "1", "--auth-token=s3cret"]
    with pytest.raises(SystemExit):
        rasa_argv(["run", "--auth-token", "visible"], "s3cret")
    with pytest.raises(SystemExit):
        rasa_argv(["run", "--auth-token=visible"], "s3cret")
    with pytest.raises(SystemExit):
        rasa_argv(["run"], "")


def test_a_generated_token_that_starts_with_a_dash_reaches_rasa():
    """token_urlsafe() may start a token with "-": as a separate argument argparse read it as a flag and Rasa
    refused to start (seen once in a fresh-clone run)."""
    from rasa.__main__ import create_argument_parser

    from bot.servers.rasa_server import rasa_argv

    argv = rasa_argv(["run", "--enable-api", "--port", "1"], "-Xy_12")
    assert create_argument_parser().parse_args(argv[1:]).auth_token == "-Xy_12"

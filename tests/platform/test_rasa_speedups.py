"""The precompiled action-response validator accepts and refuses exactly what
Rasa's own (jsonschema.validate on every call) does, with Rasa's message."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.platform import rasa_speedups

RESPONSES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "city", "value": "Toronto"}], "responses": [{"text": "Hello"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    [],
]


def rasa_verdict(response) -> str:
    try:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
        return "ok"
    except jsonschema.ValidationError as error:
        return error.message


@pytest.fixture(scope="module")
def remote_action():
    rasa_speedups.install()
    return RemoteAction("action_test", None)


@pytest.mark.parametrize("response", RESPONSES)
def test_same_verdict_as_rasa(remote_action, response):
    expected = rasa_verdict(response)
    if expected == "ok":
        assert remote_action._validate_action_result(response) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            remote_action._validate_action_result(response)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message


def test_installed_once(remote_action):
    replaced = RemoteAction._validate_action_result
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is replaced


def test_the_rasa_server_entry_point_installs_it(tmp_path):
    import subprocess
    import sys

    code = (
        "import rasa.__main__ as m; m.main = lambda: None\n"
        "from bot.servers import rasa_server; rasa_server.main(['run'])\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "print(RemoteAction._validate_action_result.__module__)\n"
    )
    env = {**__import__("os").environ, "ONEWINDOW_DATA_DIR": str(tmp_path), "ONEWINDOW_RASA_TOKEN": "t"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "bot.platform.rasa_speedups"

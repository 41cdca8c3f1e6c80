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


def test_the_sqlite_tracker_store_keeps_its_connections_and_every_event(tmp_path):
    """Rasa's SQLite tracker store opened a connection for every read and save (NullPool)."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import event

    from bot.privacy.tracker_store import RedactingSQLTrackerStore

    rasa_speedups.install()
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "trackers.db"))
    opened = {"count": 0}

    def count(*_) -> None:  # type: ignore[no-untyped-def]
        opened["count"] += 1

    event.listen(store.engine, "connect", count)

    async def turns() -> DialogueStateTracker:
        for number in range(15):
            tracker = await store.retrieve("c1") or DialogueStateTracker.from_events("c1", [])
            tracker.update(UserUttered(f"message {number}"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
        return await store.retrieve("c1")

    tracker = asyncio.run(turns())
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == [f"message {number}" for number in range(15)]
    assert opened["count"] <= 1

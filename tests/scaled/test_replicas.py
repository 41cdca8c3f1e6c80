"""Two web replicas on one PostgreSQL and one Redis: a case is claimed by one
agent only; an agent's message saved by one replica reaches the citizen's
WebSocket on the other at once (Redis, not the poll: the poll is set to a
minute here); one conversation's messages are handled one at a time, in the
order they came, by Rasa replicas sharing the Redis lock store."""

import asyncio
import threading

import pytest
from fastapi.testclient import TestClient
from support import add_people

from bot.cases import service as cases
from bot.cases.service import CaseConflict
from bot.conversations import service as conversations
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.database import make_engine, make_session_factory, session_scope

pytestmark = pytest.mark.scaled


def open_chat_case(session, conversation):  # type: ignore[no-untyped-def]
    return cases.open_case(db_session=session, queue="general", reason="r", summary={}, conversation=conversation)


def test_a_case_is_claimed_by_one_agent_only_across_replicas(database_url, mini_catalogue):
    replicas = [make_session_factory(make_engine(database_url)) for _ in range(2)]
    with session_scope(replicas[0]) as session:
        people = add_people(session, [("agent1", "Agent One", "agent", []), ("agent2", "Agent Two", "agent", [])])
        agents = [people["agent1"].id, people["agent2"].id]
        case_ids = []
        for _ in range(10):
            conversation = conversations.create(db_session=session)
            case = open_chat_case(session, conversation)
            case_ids.append(case.id)
    for case_id in case_ids:
        start = threading.Barrier(2)
        outcomes = [None, None]

        def claim(index: int, case_id: int, start: threading.Barrier, outcomes: list) -> None:
            start.wait()
            try:
                with session_scope(replicas[index]) as session:
                    cases.claim(db_session=session, case_id=case_id, agent_id=agents[index])
                outcomes[index] = "claimed"
            except CaseConflict:
                outcomes[index] = "conflict"

        threads = [threading.Thread(target=claim, args=(index, case_id, start, outcomes)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["claimed", "conflict"]
        with session_scope(replicas[0]) as session:
            case = cases.get_or_raise(db_session=session, case_id=case_id)
            assert case.assigned_agent_id == agents[outcomes.index("claimed")]
            joined = [row for row in cases.timeline(db_session=session, case_id=case_id) if row.kind == "claimed"]
            assert len(joined) == 1


@pytest.mark.timeout(120)
def test_an_agent_message_reaches_a_citizen_on_the_other_replica(
    tmp_path, database_url, redis_url, mini_catalogue, monkeypatch
):
    from bot.conversations import views
    from bot.settings import Settings
    from bot.web.app import create_app

    monkeypatch.setattr(views, "POLL_SECONDS", 60.0)  # only the Redis signal can deliver in time
    settings = Settings(data_dir=tmp_path, database_url=database_url, redis_url=redis_url)
    replica_a, replica_b = create_app(settings), create_app(settings)
    with session_scope(replica_a.state.session_factory) as session:
        catalogue_service.replace_all(db_session=session, catalogue=mini_catalogue)
        agent_id = add_people(session, [("agent1", "Agent One", "agent", [])])["agent1"].id
    with TestClient(replica_a) as client_a, TestClient(replica_b) as client_b:
        started = client_b.post("/api/conversations", json={"lang": "en"})
        assert started.status_code == 201
        conversation_id = started.json()["id"]
        with session_scope(replica_a.state.session_factory) as session:
            conversation = conversations.get(db_session=session, conversation_id=conversation_id)
            case = open_chat_case(session, conversation)
            cases.claim(db_session=session, case_id=case.id, agent_id=agent_id)
            case_id = case.id
        so_far = client_b.get(f"/api/conversations/{conversation_id}/messages").json()["messages"]
        last = max(message["seq"] for message in so_far)
        with client_b.websocket_connect(f"/api/conversations/{conversation_id}/ws?after={last}") as socket:
            assert socket.receive_json() == {"type": "owner", "owner": "agent"}
            with session_scope(replica_a.state.session_factory) as session:  # the agent, on replica A
                cases.reply(db_session=session, case_id=case_id, agent_id=agent_id, text="Hello from replica A")
            pushed = socket.receive_json()
        assert pushed["type"] == "message"
        assert pushed["message"]["text"] == "Hello from replica A" and pushed["message"]["sender"] == "agent"
        assert client_a.get("/healthz").status_code == 200


def test_one_conversations_messages_run_one_at_a_time_in_order_across_rasa_replicas(tmp_path, redis_url):
    """Rasa's Redis lock store, as the run's endpoints.yml configures it, shared by
    two replicas: handlers for one conversation never overlap and run in arrival order."""
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    from bot.processes import render_endpoints
    from bot.settings import Settings

    path = render_endpoints(Settings(data_dir=tmp_path, redis_url=redis_url))
    replicas = [LockStore.create(read_endpoint_config(str(path), "lock_store")) for _ in range(2)]
    ran, inside = [], []

    async def handle(number: int) -> None:
        async with replicas[number % 2].lock("conversation-1", wait_time_in_seconds=0.01):
            inside.append(number)
            assert len(inside) == 1, "two messages of one conversation handled at once"
            await asyncio.sleep(0)  # let the others try to get in
            ran.append(number)
            inside.remove(number)

    async def arrive() -> None:
        await asyncio.gather(*(handle(number) for number in range(12)))

    asyncio.run(arrive())
    assert ran == list(range(12))

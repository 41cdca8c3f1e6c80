"""Idempotent chat messages on PostgreSQL (issue 19): two web replicas (two routers,
each with its own engine) receiving the same message at once send it to Rasa
once and answer both copies alike; migration 0006 keeps a 0005 database's rows."""

import asyncio
import json

import httpx
import pytest
from sqlalchemy import text

from bot.conversations.models import IncomingMessage
from bot.conversations.rasa_channel import RasaChannel
from bot.conversations.router import ConversationRouter
from bot.platform import migrate
from bot.settings import Settings
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
from onewindow_catalogue.snapshot import SnapshotCache

pytestmark = pytest.mark.scaled


class SlowRasa:
    def __init__(self) -> None:
        self.received = []

    async def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.received.append(body)
        await asyncio.sleep(0.3)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "Congratulations!"}])


@pytest.fixture()
def replicas(database_url, tmp_path, mini_catalogue):
    engines = [make_engine(database_url) for _ in range(2)]
    with session_scope(make_session_factory(engines[0])) as session:
        catalogue_service.replace_all(db_session=session, catalogue=mini_catalogue)
    rasa = SlowRasa()
    settings = Settings(data_dir=tmp_path, database_url=database_url, staffed_hours="always")
    routers = [
        ConversationRouter(
            make_session_factory(engine),
            RasaChannel("http://rasa.test", transport=httpx.MockTransport(rasa.handler)),
            settings,
            SnapshotCache(),
        )
        for engine in engines
    ]
    yield routers, rasa
    for engine in engines:
        engine.dispose()


@pytest.mark.parametrize("copies", [2, 4])
def test_copies_on_two_replicas_at_once_reach_rasa_once(replicas, copies):
    routers, rasa = replicas
    conversation = routers[0].start("en")["id"]
    incoming = IncomingMessage(text="We just had a baby", client_message_id="at-once")

    async def all_at_once():
        return await asyncio.gather(*(routers[n % 2].receive(conversation, incoming) for n in range(copies)))

    answers = asyncio.run(all_at_once())
    assert len(rasa.received) == 1
    assert all(answer == answers[0] for answer in answers)
    assert [m.sender for m in answers[0]["messages"]] == ["user", "bot"]


def test_a_0005_database_on_postgres_upgrades_keeping_its_messages(database_url):
    from alembic import command

    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.downgrade(migrate.config(connection), "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO conversations (id, lang, channel, owner, urgent, ended_with_bundle, created_at, "
                "last_activity_at) VALUES ('c-1', 'fr', 'chat', 'bot', false, false, now(), now())"
            )
        )
        connection.execute(
            text(
                "INSERT INTO conversation_messages (conversation_id, sender, text, buttons, redacted_kinds, created_at)"
                " VALUES ('c-1', 'user', 'Bonjour', '[]', '[]', now())"
            )
        )
    assert migrate.upgrade(engine) == ("0005", migrate.head())
    assert migrate.schema_differences(engine) == []
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT text, client_message_id FROM conversation_messages")).all()
    assert [tuple(row) for row in rows] == [("Bonjour", None)]
    engine.dispose()

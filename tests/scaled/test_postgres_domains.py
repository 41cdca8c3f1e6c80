"""The same code on PostgreSQL: the migrated schema equals the models, and the
catalogue, conversations and cases work there as on SQLite. Rasa's tracker
store and lock store come from the run's endpoints.yml (PostgreSQL, Redis)."""

import pytest
from support import add_people

from bot.cases import service as cases
from bot.conversations import service as conversations
from bot.platform import migrate
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
from onewindow_catalogue.snapshot import SnapshotCache

pytestmark = pytest.mark.scaled


@pytest.fixture()
def factory(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def test_the_migrated_schema_equals_the_models(database_url):
    engine = make_engine(database_url)
    assert migrate.current(engine) == migrate.head()
    assert migrate.schema_differences(engine) == []
    engine.dispose()


def test_catalogue_round_trip_and_revision(factory, seed_catalogue, mini_catalogue):
    with session_scope(factory) as session:
        assert catalogue_service.replace_all(db_session=session, catalogue=seed_catalogue) == 1
    with session_scope(factory) as session:
        assert catalogue_service.read_all(db_session=session) == seed_catalogue
        assert SnapshotCache().get(session).revision == 1
    with session_scope(factory) as session:
        assert catalogue_service.replace_all(db_session=session, catalogue=mini_catalogue) == 2


def test_conversation_and_case_on_postgres(factory, mini_catalogue):
    with session_scope(factory) as session:
        catalogue_service.replace_all(db_session=session, catalogue=mini_catalogue)
        agent = add_people(session, [("agent1", "Agent One", "agent", [])])["agent1"]
        conversation = conversations.create(db_session=session, lang="fr")
        conversations.add_message(db_session=session, conversation=conversation, sender="user", text="Bonjour")
        case = cases.open_case(
            db_session=session, queue="general", reason="asked", summary={}, conversation=conversation
        )
        ids = conversation.id, case.id, agent.id
    with session_scope(factory) as session:
        cases.claim(db_session=session, case_id=ids[1], agent_id=ids[2])
        cases.reply(db_session=session, case_id=ids[1], agent_id=ids[2], text="Agent here")
    with session_scope(factory) as session:
        rows = conversations.messages_after(db_session=session, conversation_id=ids[0])
        said = [(row.sender, row.text) for row in rows]
        assert said[0] == ("user", "Bonjour") and said[-1] == ("agent", "Agent here")
        assert conversations.get(db_session=session, conversation_id=ids[0]).owner == "agent"


def test_rasa_stores_from_the_rendered_endpoints(tmp_path, database_url, redis_url):
    """Rasa's own factories build the tracker store on PostgreSQL and the Redis
    lock store from the endpoints.yml `onewindow up` writes for these settings."""
    import asyncio

    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import read_endpoint_config

    from bot.processes import render_endpoints
    from bot.settings import Settings

    settings = Settings(data_dir=tmp_path, database_url=database_url, redis_url=redis_url)
    path = render_endpoints(settings)
    store = TrackerStore.create(read_endpoint_config(str(path), "tracker_store"), Domain.empty())
    assert type(store).__name__ == "RedactingSQLTrackerStore" and store.engine.dialect.name == "postgresql"
    tracker = DialogueStateTracker("conversation-1", [])
    tracker.update(UserUttered("my email is someone@example.com"))
    asyncio.run(store.save(tracker))
    kept = asyncio.run(store.retrieve("conversation-1"))
    assert kept is not None and "someone@example.com" not in kept.latest_message.text
    locks = LockStore.create(read_endpoint_config(str(path), "lock_store"))
    assert isinstance(locks, RedisLockStore)
    assert locks.issue_ticket("conversation-1") == 0

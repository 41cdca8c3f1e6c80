"""Migration 0006 (client message ids, issue 19): a 0005 database keeps every
message, old messages get no id, and the database itself refuses a second
message with the same id in one conversation (what stops two replicas)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.platform import migrate
from onewindow_catalogue.database import make_engine

INSERT_MESSAGE = (
    "INSERT INTO conversation_messages (conversation_id, sender, text, buttons, redacted_kinds, created_at{extra}) "
    "VALUES (:conversation, 'user', :text, '[]', '[]', '2026-12-07 12:00:00'{values})"
)


def add_message(connection, conversation, said, client_message_id=None):
    extra, values = (", client_message_id", ", :client_message_id") if client_message_id else ("", "")
    statement = text(INSERT_MESSAGE.format(extra=extra, values=values))
    connection.execute(statement, {"conversation": conversation, "text": said, "client_message_id": client_message_id})


def add_conversation(connection, conversation):
    connection.execute(
        text(
            "INSERT INTO conversations (id, lang, channel, owner, urgent, ended_with_bundle, created_at, "
            "last_activity_at) VALUES (:id, 'fr', 'chat', 'bot', 0, 0, '2026-12-07 12:00:00', '2026-12-07 12:00:00')"
        ),
        {"id": conversation},
    )


@pytest.fixture()
def database_at_0005(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'at_0005.db'}")
    migrate.upgrade(engine, "0005")
    with engine.begin() as connection:
        add_conversation(connection, "c-1")
        add_message(connection, "c-1", "Bonjour")
        add_message(connection, "c-1", "Nous avons eu un bébé")
    yield engine
    engine.dispose()


def test_a_0005_database_upgrades_keeping_its_messages(database_at_0005):
    assert migrate.upgrade(database_at_0005) == ("0005", migrate.head())
    assert migrate.head() >= "0006" and migrate.schema_differences(database_at_0005) == []
    with database_at_0005.connect() as connection:
        rows = connection.execute(
            text("SELECT text, client_message_id, answer, claim FROM conversation_messages ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [("Bonjour", None, None, None), ("Nous avons eu un bébé", None, None, None)]


def test_the_database_refuses_a_second_message_with_the_same_id_in_a_conversation(database_at_0005):
    migrate.upgrade(database_at_0005)
    with database_at_0005.begin() as connection:
        add_conversation(connection, "c-2")
        add_message(connection, "c-1", "un", "id-1")
        add_message(connection, "c-2", "un", "id-1")  # another conversation: its own ids
        add_message(connection, "c-1", "sans identifiant")  # no id: never a clash
    with pytest.raises(IntegrityError), database_at_0005.begin() as connection:
        add_message(connection, "c-1", "deux", "id-1")


def test_downgrading_to_0005_keeps_the_messages(database_at_0005):
    from alembic import command

    migrate.upgrade(database_at_0005)
    with database_at_0005.begin() as connection:
        command.downgrade(migrate.config(connection), "0005")
    assert migrate.current(database_at_0005) == "0005"
    with database_at_0005.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM conversation_messages")).scalar() == 2

"""Agents' languages live on their account (users.languages, `onewindow users languages`), not only in
queues.yml: a case of a queue that requires French is claimed only by an agent recorded as speaking it,
a French conversation goes to that queue once such an agent exists, and migration 0005 adds the column to
a database of revision 0004 without losing a row."""

from __future__ import annotations

import sqlite3

import pytest
from console_support import make_case
from support import add_people
from typer.testing import CliRunner

from bot.cases import directory
from bot.cases import service as cases
from bot.platform import migrate
from bot.users import service as users
from onewindow_catalogue.database import make_engine, session_scope


@pytest.fixture(autouse=True)
def nobody_listed_in_queues_yml(monkeypatch):
    """Only the accounts say who speaks French here (queues.yml's map is the fallback, tested below)."""
    data = {**directory._data(), "agent_languages": {}}
    monkeypatch.setattr(directory, "_data", lambda: data)


def people(app):
    with session_scope(app.state.session_factory) as session:
        made = add_people(session, [("eve", "Eve English", "agent", []), ("fay", "Fay Franco", "agent", [])])
        users.set_languages(db_session=session, username="fay", languages=["fr"])
        return {name: row.id for name, row in made.items()}


def test_a_french_queue_case_is_refused_to_an_english_only_agent_and_taken_by_a_french_speaker(seeded_app):
    ids = people(seeded_app)
    case = make_case(seeded_app, queue="french")
    refused = pytest.raises(cases.LanguageRequired, match="needs an agent who speaks fr")
    with session_scope(seeded_app.state.session_factory) as session, refused:
        cases.claim(db_session=session, case_id=case["id"], agent_id=ids["eve"])
    with session_scope(seeded_app.state.session_factory) as session:
        assert cases.get_or_raise(db_session=session, case_id=case["id"]).status == "waiting"
        claimed = cases.claim(db_session=session, case_id=case["id"], agent_id=ids["fay"])
        assert claimed.status == "claimed" and claimed.assigned_agent_id == ids["fay"]


def test_other_queues_need_no_language(seeded_app):
    ids = people(seeded_app)
    case = make_case(seeded_app, queue="business")
    with session_scope(seeded_app.state.session_factory) as session:
        assert cases.claim(db_session=session, case_id=case["id"], agent_id=ids["eve"]).status == "claimed"


def test_queues_yml_map_still_counts(seeded_app, monkeypatch):
    ids = people(seeded_app)
    data = {**directory._data(), "agent_languages": {"eve": ["fr"]}}
    monkeypatch.setattr(directory, "_data", lambda: data)
    case = make_case(seeded_app, queue="french")
    with session_scope(seeded_app.state.session_factory) as session:
        assert cases.claim(db_session=session, case_id=case["id"], agent_id=ids["eve"]).status == "claimed"


def test_the_french_queue_is_used_only_once_an_active_agent_speaks_french(seeded_app):
    with session_scope(seeded_app.state.session_factory) as session:
        assert directory.language_queue("fr", session) is None
        add_people(session, [("fay", "Fay Franco", "agent", [])])
        users.set_languages(db_session=session, username="fay", languages=["fr"])
        assert directory.language_queue("fr", session) == "french"
        assert directory.language_queue("en", session) is None
        users.set_disabled(db_session=session, username="fay")
        assert directory.language_queue("fr", session) is None


def test_languages_are_checked(seeded_app):
    with session_scope(seeded_app.state.session_factory) as session:
        add_people(session, [("fay", "Fay Franco", "agent", [])])
        with pytest.raises(users.UserError, match="unknown language 'de'"):
            users.set_languages(db_session=session, username="fay", languages=["de"])
        assert users.set_languages(db_session=session, username="fay", languages=["FR, en", "fr"]).languages == ["fr"]
        with pytest.raises(users.UserError, match="no user named"):
            users.set_languages(db_session=session, username="nobody", languages=["fr"])


def test_cli_sets_and_lists_an_agents_languages(seeded_app):
    from bot.cli import app

    runner = CliRunner(mix_stderr=False)
    added = runner.invoke(
        app, ["users", "add", "gil", "--role", "agent", "--languages", "fr", "--password", "Quiet-lake-7-harbour"]
    )
    assert added.exit_code == 0, added.stderr
    listed = runner.invoke(app, ["users", "list"])
    assert "serves in: en, fr" in listed.output
    english = runner.invoke(app, ["users", "languages", "gil"])
    assert english.exit_code == 0 and "'gil' serves in: en." in english.output
    french = runner.invoke(app, ["users", "languages", "gil", "--languages", "fr"])
    assert french.exit_code == 0 and "'gil' serves in: en, fr." in french.output
    wrong = runner.invoke(app, ["users", "languages", "gil", "--languages", "klingon"])
    assert wrong.exit_code == 1 and "unknown language 'klingon'" in wrong.stderr and "Traceback" not in wrong.stderr
    bad_add = runner.invoke(
        app, ["users", "add", "hal", "--role", "agent", "--languages", "xx", "--password", "Quiet-lake-7-harbour"]
    )
    assert bad_add.exit_code == 1 and "unknown language" in bad_add.stderr
    with session_scope(seeded_app.state.session_factory) as session:
        assert users.get_by_username(db_session=session, username="gil").languages == ["fr"]


def test_migration_0005_upgrades_a_0004_database_without_loss(tmp_path):
    path = tmp_path / "previous.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0004")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO users (username, display_name, password_hash, role, organisations, disabled, created_at)"
            " VALUES ('ana', 'Ana', 'x', 'agent', '[]', 0, '2026-12-01 10:00:00')"
        )
        before = connection.execute("SELECT id, username, display_name, role FROM users").fetchall()
    assert migrate.upgrade(engine) == ("0004", migrate.head())
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT id, username, display_name, role FROM users").fetchall() == before
        assert connection.execute("SELECT languages FROM users").fetchall() == [("[]",)]
    assert migrate.schema_differences(engine) == []

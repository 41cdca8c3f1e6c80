"""Schema migrations: a fresh database upgraded to head has exactly the models'
schema (so a model change without its migration fails here), and a database the
previous release made (tests/fixtures/release_0_1.sql, no alembic_version)
upgrades without losing a row. Rasa's `events` table is left alone."""

import sqlite3

import pytest
from sqlalchemy import text

from bot.platform import migrate
from onewindow_catalogue.database import make_engine

FIXTURES = __import__("pathlib").Path(__file__).resolve().parent.parent / "fixtures"


def row_counts(path) -> dict:
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


@pytest.fixture()
def release_database(tmp_path):
    path = tmp_path / "release.db"
    with sqlite3.connect(path) as connection:
        connection.executescript((FIXTURES / "release_0_1.sql").read_text(encoding="utf-8"))
    return path


def test_a_fresh_database_upgraded_to_head_matches_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    before, after = migrate.upgrade(engine)
    assert (before, after) == (None, migrate.head())
    differences = migrate.schema_differences(engine)
    assert differences == [], (
        f"the models and the migrations differ: {differences}. Add a migration with "
        "'.venv/bin/python -m bot.platform.migrate revision \"what changed\"' and review it."
    )
    assert migrate.upgrade(engine) == (after, after)  # a second run changes nothing


def test_the_previous_release_upgrades_without_loss(release_database):
    counts = row_counts(release_database)
    assert counts["catalogue_services"] and counts["cases"] and counts["conversation_messages"]
    engine = make_engine(f"sqlite:///{release_database}")
    assert migrate.current(engine) is None
    before, after = migrate.upgrade(engine)
    assert before == migrate.BASELINE and after == migrate.head()
    upgraded = row_counts(release_database)
    assert {table: upgraded[table] for table in counts} == counts
    assert migrate.schema_differences(engine) == []
    with engine.connect() as connection:
        said = connection.execute(text("SELECT text FROM conversation_messages ORDER BY id")).scalars().all()
    assert said[:2] == ["Bonjour", "Bonjour !"]


def test_rasa_tracker_table_is_left_alone(release_database):
    with sqlite3.connect(release_database) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        connection.execute("INSERT INTO events (sender_id, data) VALUES ('abc', '{}')")
    engine = make_engine(f"sqlite:///{release_database}")
    migrate.upgrade(engine)
    assert migrate.schema_differences(engine) == []
    assert row_counts(release_database)["events"] == 1


def test_the_initial_migration_needs_no_models():
    """A migration is frozen history: it must not import today's models."""
    source = next((migrate.MIGRATIONS / "versions").glob("0001_*.py")).read_text(encoding="utf-8")
    assert "import bot" not in source and "onewindow_catalogue" not in source


def test_cli_db_upgrade_reports_and_refuses_clearly(settings):
    from typer.testing import CliRunner

    from bot.cli import app

    runner = CliRunner(mix_stderr=False)
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"upgraded from empty to revision {migrate.head()}" in first.output
    again = runner.invoke(app, ["db", "upgrade"])
    assert "up to date" in again.output
    wrong = runner.invoke(app, ["db", "upgrade", "--revision", "no-such-revision"])
    assert wrong.exit_code == 1 and "Traceback" not in wrong.stderr
    assert "no-such-revision" in wrong.stderr

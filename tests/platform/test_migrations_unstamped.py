"""Databases whose tables carry no recorded revision (an empty or missing
alembic_version: an interrupted init, an old test's create_all, a release from
before migrations) are stamped with the revision their tables match, then
upgraded without losing a row; tables that match no revision are refused with
the differences named, and the file is left as it was."""

import sqlite3

import pytest
from sqlalchemy import text

from bot.platform import migrate, schema_history
from onewindow_catalogue.database import make_engine
from tests.platform.test_migrations import FIXTURES, row_counts

REVISIONS = [revision for revision, _ in schema_history.revision_shapes()]


def release_at(path, revision: str, version_table: str):
    """The release fixture (a row in every table) migrated to `revision`, then its
    recorded revision lost: rows deleted ('empty') or the table dropped ('missing')."""
    with sqlite3.connect(path) as connection:
        connection.executescript((FIXTURES / "release_0_1.sql").read_text(encoding="utf-8"))
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.upgrade(engine, revision)[1] == revision
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM alembic_version" if version_table == "empty" else "DROP TABLE alembic_version")
    return path


def dump(path) -> list:
    """Every table's definition and rows: what must not change when an upgrade is refused."""
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def test_every_migration_changes_tables_or_columns():
    """Detection tells revisions apart by their tables and columns: a migration that
    changes neither (only an index, a type, data) would make two revisions look alike."""
    shapes = schema_history.revision_shapes()
    assert [revision for revision, _ in shapes][-1] == migrate.head()
    for (earlier, before), (later, after) in zip(shapes, shapes[1:], strict=False):
        assert before != after, (
            f"migration {later} changes no table or column, so a database at {earlier} without alembic_version "
            f"cannot be told from one at {later}: teach bot/platform/schema_history.py how to tell them apart"
        )


@pytest.mark.parametrize("version_table", ["empty", "missing"])
@pytest.mark.parametrize("revision", REVISIONS)
def test_an_unstamped_database_is_stamped_where_it_is_and_upgraded(tmp_path, revision, version_table):
    path = release_at(tmp_path / "unstamped.db", revision, version_table)
    counts = row_counts(path)
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.current(engine) is None
    assert migrate.upgrade(engine) == (revision, migrate.head())
    assert migrate.schema_differences(engine) == []
    upgraded = row_counts(path)
    assert {table: upgraded[table] for table in counts if table != "alembic_version"} == {
        table: count for table, count in counts.items() if table != "alembic_version"
    }
    with engine.connect() as connection:
        said = connection.execute(text("SELECT text FROM conversation_messages ORDER BY id")).scalars().all()
    assert said[:2] == ["Bonjour", "Bonjour !"]
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())
    engine.dispose()


def test_tables_made_by_create_all_are_at_head(tmp_path):
    from bot.schema import create_schema

    engine = make_engine(f"sqlite:///{tmp_path / 'create_all.db'}")
    create_schema(engine)
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())
    engine.dispose()


def test_a_fresh_database_with_an_empty_version_table_is_built_from_scratch(tmp_path):
    path = tmp_path / "fresh.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.upgrade(engine) == (None, migrate.head())
    assert migrate.schema_differences(engine) == []
    engine.dispose()


def odd(path, statements: list[str]):
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    return path


@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (
            ["DROP TABLE audit_log", "ALTER TABLE catalogue_facts ADD COLUMN colour TEXT"],
            ["missing tables audit_log;", "unexpected columns catalogue_facts.colour."],
        ),
        (["ALTER TABLE catalogue_facts DROP COLUMN implies"], ["missing columns catalogue_facts.implies."]),
    ],
    ids=["missing-table-and-extra-column", "missing-column"],
)
def test_tables_matching_no_revision_are_refused_unchanged(tmp_path, statements, named):
    path = odd(release_at(tmp_path / "odd.db", "0003", "empty"), statements)
    before = dump(path)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(migrate.SchemaNotRecognised) as refused:
        migrate.upgrade(engine)
    engine.dispose()
    for what in named:
        assert what in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert dump(path) == before


def test_a_partly_created_schema_is_refused_naming_what_is_missing(tmp_path):
    """An init interrupted after a few tables: the missing ones are named, nothing is created."""
    path = tmp_path / "partial.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE catalogue_revision (id INTEGER PRIMARY KEY, revision INTEGER, changed_at DATETIME)"
        )
        connection.execute("INSERT INTO catalogue_revision VALUES (1, 7, '2026-12-07 12:00:00')")
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    before = dump(path)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(migrate.SchemaNotRecognised, match=r"missing tables api_tokens, .*, users\."):
        migrate.upgrade(engine)
    engine.dispose()
    assert dump(path) == before


def test_cli_db_init_upgrades_an_unstamped_database_and_refuses_an_odd_one(settings):
    from typer.testing import CliRunner

    from bot.cli import app

    path = release_at(settings.data_dir / "onewindow.db", "0003", "empty")
    counts = row_counts(path)
    runner = CliRunner(mix_stderr=False)
    done = runner.invoke(app, ["db", "init"])
    assert done.exit_code == 0, done.output + done.stderr
    assert row_counts(path)["catalogue_services"] == counts["catalogue_services"]
    path.unlink()
    release_at(path, "0003", "missing")
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE audit_log")
    before = dump(path)
    refused = runner.invoke(app, ["db", "upgrade"])
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert "Closest is revision 0003: missing tables audit_log." in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert dump(path) == before

"""Which revision a database's tables are at, when nothing recorded it.

An interrupted `db init`, an old test's `create_all` or a release from before
migrations leaves our tables without an `alembic_version` row; upgrading it from
nothing fails on the first table or column that already exists. The tables each
revision has are derived by replaying the migrations on a scratch SQLite database
(so a new migration needs no entry here), and the database is matched against
them by table and column names, which every dialect reports the same way.
Tables no revision ever had (Rasa's `events`) are not ours and are ignored.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection

Shape = dict[str, frozenset[str]]  # table -> its column names

VERSION_TABLE = "alembic_version"


@lru_cache(maxsize=1)
def revision_shapes() -> tuple[tuple[str, Shape], ...]:
    """(revision, tables and columns after it), oldest first, from the migrations themselves."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from bot.platform.migrate import config

    revisions = [script.revision for script in ScriptDirectory.from_config(config()).walk_revisions()][::-1]
    scratch = create_engine("sqlite://", future=True)
    shapes = []
    try:
        with scratch.begin() as connection:
            cfg = config(connection)
            for revision in revisions:
                command.upgrade(cfg, revision)
                shapes.append((revision, shape_of(connection)))
    finally:
        scratch.dispose()
    return tuple(shapes)


def shape_of(connection: Connection, tables: Optional[set[str]] = None) -> Shape:
    """The database's tables (only `tables` if given) and their column names."""
    inspector = inspect(connection)
    return {
        table: frozenset(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table != VERSION_TABLE and (tables is None or table in tables)
    }


def differences(found: Shape, expected: Shape) -> dict[str, list[str]]:
    """What `found` lacks or has beyond `expected`: kind ("missing tables", ...) -> names."""
    common = sorted(found.keys() & expected.keys())
    kinds = {
        "missing tables": sorted(expected.keys() - found.keys()),
        "missing columns": [
            f"{table}.{column}" for table in common for column in sorted(expected[table] - found[table])
        ],
        "unexpected tables": sorted(found.keys() - expected.keys()),
        "unexpected columns": [
            f"{table}.{column}" for table in common for column in sorted(found[table] - expected[table])
        ],
    }
    return {kind: names for kind, names in kinds.items() if names}


def _count(gaps: dict[str, list[str]]) -> int:
    return sum(len(names) for names in gaps.values())


def identify(connection: Connection) -> Optional[str]:
    """The revision an unrecorded database's tables match; None when it has none of our
    tables (a fresh database). Raises SchemaNotRecognised, changing nothing, when the
    tables match no revision (or several, which the history test keeps from happening)."""
    from bot.platform.migrate import SchemaNotRecognised

    history = revision_shapes()
    ours = set().union(*(shape.keys() for _, shape in history))
    found = shape_of(connection, ours)
    if not found:
        return None
    matches = [revision for revision, shape in history if shape == found]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SchemaNotRecognised(
            f"The database's tables have no recorded schema revision and match revisions {', '.join(matches)} "
            "alike; nothing was changed. Record the right one with Alembic's stamp, then run 'onewindow db upgrade'."
        )
    # The closest revision: fewest differences, the newest on a tie (min keeps the first).
    revision, shape = min(reversed(history), key=lambda item: _count(differences(found, item[1])))
    named = "; ".join(f"{kind} {', '.join(names)}" for kind, names in differences(found, shape).items())
    raise SchemaNotRecognised(
        "The database has OneWindow's tables but no recorded schema revision, and they match no revision, so it "
        f"was not upgraded and nothing was changed. Closest is revision {revision}: {named}. Restore a backup, "
        "or make the tables match a revision, then run 'onewindow db upgrade' again."
    )

"""The SQLite engine keeps its connections (one per request was the web app's
largest cost after Rasa) without losing what made it safe: WAL and foreign keys
on every connection, threads writing at once, a second process on the same
file, and a forked child that never touches its parent's connections."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import event, text

from onewindow_catalogue.database import make_engine, make_session_factory, session_scope


@pytest.fixture()
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'onewindow.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
    yield engine
    engine.dispose()


def _count_connects(engine) -> dict:  # type: ignore[no-untyped-def]
    opened = {"count": 0}

    def count(*_) -> None:  # type: ignore[no-untyped-def]
        opened["count"] += 1

    event.listen(engine, "connect", count)
    return opened


def test_sessions_one_after_another_reuse_one_connection(engine):
    opened = _count_connects(engine)
    factory = make_session_factory(engine)
    for number in range(20):
        with session_scope(factory) as session:
            session.execute(text("INSERT INTO notes (body) VALUES (:b)"), {"b": f"n{number}"})
    assert opened["count"] <= 1
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_threads_writing_at_once_lose_nothing_and_share_a_few_connections(engine):
    opened = _count_connects(engine)
    factory = make_session_factory(engine)
    errors = []

    def write(worker: int) -> None:
        try:
            for number in range(25):
                with session_scope(factory) as session:
                    session.execute(text("INSERT INTO notes (body) VALUES (:b)"), {"b": f"{worker}-{number}"})
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(DISTINCT body) FROM notes")).scalar() == 200
    assert opened["count"] <= 8  # at most one per thread at once, kept, not one per session


def test_a_second_process_engine_sees_every_commit(engine, tmp_path):
    other = make_engine(f"sqlite:///{tmp_path / 'onewindow.db'}")  # as the action server's would
    try:
        with other.connect() as connection:
            connection.execute(text("SELECT count(*) FROM notes")).scalar()  # a pooled connection, kept open
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO notes (body) VALUES ('written elsewhere')"))
        with other.connect() as connection:
            assert connection.execute(text("SELECT body FROM notes")).scalars().all() == ["written elsewhere"]
    finally:
        other.dispose()


def test_a_forked_child_opens_its_own_connection(engine):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes (body) VALUES ('before the fork')"))
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO notes (body) VALUES ('from the child')"))
            os.write(write, b"ok")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 2) == b"ok"
    os.close(read)
    with engine.connect() as connection:  # the parent's pooled connection still works
        assert connection.execute(text("SELECT count(*) FROM notes")).scalar() == 2

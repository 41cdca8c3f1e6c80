"""The one SQLAlchemy declarative base and engine factory.

SQLite by default (one file under ONEWINDOW_DATA_DIR), PostgreSQL when
ONEWINDOW_DATABASE_URL says so; SQLAlchemy 1.4 in its 2.0 style (future=True).
Every domain (catalogue/, bot/…) declares its tables on this Base.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool
from starlette.requests import Request

Base = declarative_base()


def default_database_url() -> str:
    url = os.environ.get("ONEWINDOW_DATABASE_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("ONEWINDOW_DATA_DIR", "var")).resolve()
    private_dir(data_dir)
    return f"sqlite:///{data_dir / 'onewindow.db'}"


def private_dir(path: Path) -> Path:
    """The data folder holds conversations, accounts and secrets: only its owner
    may enter it (0700), whatever the umask; a wider folder we own is narrowed."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _narrow(path, 0o700)
    return path


def private_opener(path: str, flags: int) -> int:
    """`open(..., opener=private_opener)`: a new file readable by its owner only (0600)."""
    return os.open(path, flags, 0o600)


def _narrow(path: Path, mode: int) -> None:
    info = path.stat()
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        path.chmod(mode)


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use 0644 less the
    umask); SQLite gives its -wal and -shm files the database file's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite reports the missing folder itself
    if path.exists():
        _narrow(path, 0o600)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


# SQLite file databases: connections are kept and reused (SQLAlchemy 1.4 would open and close one per
# session, and run the pragmas each time). Each process has its own pool; SQLite's WAL and busy timeout
# let processes share the file, and a pooled connection is used by one thread at a time.
SQLITE_POOL_SIZE = 10
SQLITE_MAX_OVERFLOW = 20


def make_engine(url: str | None = None) -> Engine:
    url = url or default_database_url()
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        options: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if _is_file_database(url):
            options.update(poolclass=QueuePool, pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_MAX_OVERFLOW)
        engine = create_engine(url, future=True, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    _one_process_per_connection(engine)
    return engine


def _is_file_database(url: str) -> bool:
    database = make_url(url).database
    return bool(database) and database != ":memory:" and "mode=memory" not in url


def _one_process_per_connection(engine: Engine) -> None:
    """A pooled connection is never used by two processes: one inherited through fork is
    dropped (not closed: the parent still owns it) and a fresh one opened in its place."""

    def remember(_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["pid"] = os.getpid()

    def check(_connection, record, proxy) -> None:  # type: ignore[no-untyped-def]
        if record.info.get("pid", os.getpid()) != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise exc.DisconnectionError("connection opened by another process")

    event.listen(engine, "connect", remember)
    event.listen(engine, "checkout", check)


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets the web app, action server and CLI share the file; foreign keys on. In WAL mode
    `synchronous=NORMAL` syncs at checkpoints rather than at every commit: a process that dies
    (even SIGKILL) loses nothing committed; only a power cut or OS crash may lose the last commits."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """A unit of work: committed when the block ends, rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_db_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one unit of work per request, from the app's factory."""
    with session_scope(request.app.state.session_factory) as session:
        yield session

"""The catalogue snapshot for the assistant's actions, one per process.

The database is ONEWINDOW_DATABASE_URL, or SQLite in ONEWINDOW_DATA_DIR (see
bot/settings.py). Reading the catalogue revision opens a database connection;
doing it on every action call was most of the action server's time (issue 19).
So the revision is checked at most once every ONEWINDOW_CATALOGUE_CHECK_SECONDS
(2 s by default, 0: every call): a publish reaches every replica within that
interval, each replica checking the shared database on its own.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional

from onewindow_catalogue.snapshot import CatalogueSnapshot

_lock = threading.Lock()
_provider: Optional[Callable[[], CatalogueSnapshot]] = None
_access: Optional[CatalogueAccess] = None


class CatalogueAccess:
    """A snapshot from one database, its revision re-read only when the last
    check is older than `check_seconds` (measured on `clock`)."""

    def __init__(
        self,
        session_factory,  # type: ignore[no-untyped-def]
        check_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from onewindow_catalogue.snapshot import SnapshotCache

        self._factory = session_factory
        self._cache = SnapshotCache()
        self._check_seconds = check_seconds
        self._clock = clock
        self._snapshot: Optional[CatalogueSnapshot] = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> CatalogueSnapshot:
        snapshot = self._snapshot
        if snapshot is not None and self._clock() - self._checked_at < self._check_seconds:
            return snapshot
        with self._lock:  # one thread checks; the others wait for its answer
            if self._snapshot is not None and self._clock() - self._checked_at < self._check_seconds:
                return self._snapshot
            from onewindow_catalogue.database import session_scope

            with session_scope(self._factory) as session:
                self._snapshot = self._cache.get(session)
            self._checked_at = self._clock()
            return self._snapshot


def set_provider(provider: Optional[Callable[[], CatalogueSnapshot]]) -> None:
    """Tests (and tools) can supply the snapshot directly; None restores the database."""
    global _provider
    _provider = provider


def get_snapshot() -> CatalogueSnapshot:
    global _access
    if _provider is not None:
        return _provider()
    if _access is None:
        with _lock:
            if _access is None:
                from bot.settings import get_settings
                from onewindow_catalogue.database import make_engine, make_session_factory

                settings = get_settings()
                factory = make_session_factory(make_engine(settings.resolved_database_url()))
                _access = CatalogueAccess(factory, settings.catalogue_check_seconds)
    return _access.get()

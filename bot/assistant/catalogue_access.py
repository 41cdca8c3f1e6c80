"""The catalogue snapshot for the assistant's actions, one per process.

The database is ONEWINDOW_DATABASE_URL, or SQLite in ONEWINDOW_DATA_DIR (see
bot/settings.py). SnapshotCache checks the catalogue revision on every call,
so a published change reaches the next answer without a restart.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

from onewindow_catalogue.snapshot import CatalogueSnapshot

_lock = threading.Lock()
_factory = None
_cache = None
_provider: Optional[Callable[[], CatalogueSnapshot]] = None


def set_provider(provider: Optional[Callable[[], CatalogueSnapshot]]) -> None:
    """Tests (and tools) can supply the snapshot directly; None restores the database."""
    global _provider
    _provider = provider


def get_snapshot() -> CatalogueSnapshot:
    global _factory, _cache
    if _provider is not None:
        return _provider()
    from bot.settings import get_settings
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
    from onewindow_catalogue.snapshot import SnapshotCache

    if _factory is None:
        with _lock:
            if _factory is None:
                _cache = SnapshotCache()
                _factory = make_session_factory(make_engine(get_settings().resolved_database_url()))
    with session_scope(_factory) as session:
        return _cache.get(session)

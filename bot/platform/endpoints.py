"""The scaled parts of a run's endpoints.yml, from the settings (one setting per fact).

- ONEWINDOW_DATABASE_URL naming a server database (PostgreSQL): Rasa's tracker
  store moves to the same database (its own `events` table), so every Rasa
  replica sees every conversation.
- ONEWINDOW_REDIS_URL: Rasa's lock store is Redis, so two replicas (or workers)
  never handle one conversation's messages at the same time, and in order.
Unset, nothing changes: SQLite and Rasa's in-memory lock store, one process.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.engine import make_url


def tracker_store(database_url: Optional[str], current: Dict[str, Any]) -> Dict[str, Any]:
    """The tracker store section for this database (the committed one for SQLite)."""
    if not database_url or database_url.startswith("sqlite"):
        return current
    url = make_url(database_url)
    store: Dict[str, Any] = {
        "type": current.get("type", "bot.privacy.tracker_store.RedactingSQLTrackerStore"),
        "dialect": url.drivername,
        "url": url.host or "127.0.0.1",  # Rasa hands a tracker store its endpoint's `url` as the host
        "db": url.database,
    }
    if url.port:
        store["port"] = url.port
    if url.username:
        store["username"] = url.username
    if url.password:
        store["password"] = url.password
    if url.query:
        store["query"] = dict(url.query)
    return store


def lock_store(redis_url: Optional[str]) -> Optional[Dict[str, Any]]:
    """Rasa's Redis lock store for ONEWINDOW_REDIS_URL (redis://[user:password@]host:port/db)."""
    if not redis_url:
        return None
    url = make_url(redis_url)
    store: Dict[str, Any] = {
        "type": "redis",
        "url": url.host or "127.0.0.1",  # Rasa's Redis lock store takes its host from `url`
        "port": url.port or 6379,
        "db": int(url.database or 0),
        "key_prefix": "onewindow",
    }
    if url.username:
        store["username"] = url.username
    if url.password:
        store["password"] = url.password
    if url.drivername == "rediss":
        store["use_ssl"] = True
    return store


def apply(endpoints: Dict[str, Any], database_url: Optional[str], redis_url: Optional[str]) -> Dict[str, Any]:
    """endpoints.yml's sections with the scaled stores filled in."""
    current = endpoints.get("tracker_store") if isinstance(endpoints.get("tracker_store"), dict) else {}
    if database_url and not database_url.startswith("sqlite"):
        endpoints["tracker_store"] = tracker_store(database_url, current)
    locks = lock_store(redis_url)
    if locks is not None:
        endpoints["lock_store"] = locks
    return endpoints

"""Cheaper Rasa internals, same behaviour (installed by bot/servers/rasa_server.py).

Profiled under load (issue 19), 42% of the Rasa server's CPU went to checking
each action server response with `jsonschema.validate`, which re-checks the
*schema* against its meta-schema on every call (`check_schema`, 37%). The
schema is a constant: here it is checked once and compiled into one validator,
and every response is still validated against it, failing with Rasa's own
message when it is wrong.

Sampled again under load (var/bench/profile.md), about a tenth of the busy Rasa
server was opening and closing SQLite connections: Rasa's SQL tracker store
gives SQLite no pool options, and SQLAlchemy 1.4 then opens a connection for
every tracker read and save. Its engine now keeps them (the same QueuePool as
the web app's engine, catalogue/database.py); PostgreSQL is left as Rasa sets it.
"""

from __future__ import annotations

from typing import Any, Dict

_installed = False


def install() -> None:
    """Replace RemoteAction._validate_action_result with a precompiled validator and pool
    the SQLite tracker store's connections (idempotent)."""
    global _installed
    if _installed:
        return
    _pool_sqlite_tracker_store()
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # what jsonschema.validate does on every call, done once
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _installed = True


def _pool_sqlite_tracker_store() -> None:
    import rasa.core.tracker_store as tracker_store
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import QueuePool

    from onewindow_catalogue.database import SQLITE_MAX_OVERFLOW, SQLITE_POOL_SIZE

    rasa_kwargs = tracker_store.create_engine_kwargs

    def create_engine_kwargs(url: Any) -> Dict[str, Any]:
        kwargs = rasa_kwargs(url)
        parsed = make_url(str(url)) if isinstance(url, str) else url
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            kwargs.update(
                poolclass=QueuePool,
                pool_size=SQLITE_POOL_SIZE,
                max_overflow=SQLITE_MAX_OVERFLOW,
                # one thread at a time per connection (the pool's doing); SQLite waits for the writer's lock
                connect_args={"check_same_thread": False, "timeout": 30},
            )
        return kwargs

    tracker_store.create_engine_kwargs = create_engine_kwargs

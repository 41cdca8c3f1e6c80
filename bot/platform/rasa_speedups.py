"""Cheaper Rasa internals, same behaviour (installed by bot/servers/rasa_server.py).

Profiled under load (issue 19), 42% of the Rasa server's CPU went to checking
each action server response with `jsonschema.validate`, which re-checks the
*schema* against its meta-schema on every call (`check_schema`, 37%). The
schema is a constant: here it is checked once and compiled into one validator,
and every response is still validated against it, failing with Rasa's own
message when it is wrong.
"""

from __future__ import annotations

from typing import Any, Dict

_installed = False


def install() -> None:
    """Replace RemoteAction._validate_action_result with a precompiled validator (idempotent)."""
    global _installed
    if _installed:
        return
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

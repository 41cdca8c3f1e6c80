"""Rasa's REST channel as OneWindow uses it (credentials.yml names this class).

Two things Rasa's own `rest` channel does not do:
- It answers anyone who can reach the port: `rasa run --auth-token` guards the
  HTTP API but not channel webhooks, so a forged `/restart` or `/crisis` for
  any conversation id would be taken. Here every call must carry the Rasa
  token (`Authorization: Bearer`), which only the web app's router holds.
- It swallows failures: when a custom action fails (action server down or
  erroring) Rasa logs "Encountered an exception while running action ...",
  drops that action's events and answers with whatever was said before — often
  nothing — so the citizen waited for a reply that never came. Here each failure
  of the turn is appended to the answer as `{"custom": {"onewindow_failure": ...}}`
  for the router to tell the citizen (bot/conversations/rasa_channel.py).
The URL stays /webhooks/rest/webhook."""

from __future__ import annotations

import contextvars
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.servers.auth import authorised

log = logging.getLogger("onewindow.rest_channel")
FAILURE_KEY = "onewindow_failure"
# Rasa 3.6's processor logs this (logger.exception) when a custom action fails, then carries on.
ACTION_FAILED = re.compile(r"^Encountered an exception while running action '([^']*)'")
_failures: contextvars.ContextVar[Optional[List[Dict[str, str]]]] = contextvars.ContextVar(
    "onewindow_turn_failures", default=None
)


class _FailureWatch(logging.Handler):
    """Notes Rasa's 'action failed' log records in the failures list of the
    turn being handled (a context variable: concurrent turns stay apart)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        failures = _failures.get()
        if failures is None:
            return
        match = ACTION_FAILED.match(record.getMessage())
        if match:
            failures.append({"stage": "action", "action": match.group(1)})


_WATCH = _FailureWatch()


def watch_failures() -> None:
    """Attach the watch to Rasa's processor logger once."""
    processor_log = logging.getLogger("rasa.core.processor")
    if _WATCH not in processor_log.handlers:
        processor_log.addHandler(_WATCH)


class AuthenticatedRestInput(RestInput):
    """POST /webhooks/rest/webhook with the Rasa token; answers as Rasa's rest channel does."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the REST channel needs a non-empty token")
        self.token = token
        watch_failures()

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> AuthenticatedRestInput:
        """The token is the Rasa token from the settings (environment, or the 0600 file
        in data_dir), never written in credentials.yml."""
        from bot.settings import get_settings

        return cls(get_settings().secret("rasa_token"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("onewindow_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not authorised(request.headers.get("authorization"), self.token):
                log.warning("refused a REST message from %s: no valid Rasa token", request.ip)
                return response.json({"error": "This channel answers only the OneWindow web app."}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "expected {sender, message} strings"}, status=400)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            return response.json(await self.handle(on_new_message, sender, text, metadata))

        return webhook

    async def handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        metadata: Optional[Dict[str, Any]],
    ) -> List[Dict[str, Any]]:
        """Rasa's answers to one message, and a failure note when any step failed."""
        collector = CollectingOutputChannel()
        failures: List[Dict[str, str]] = []
        token = _failures.set(failures)
        try:
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
        except Exception as error:  # noqa: BLE001 (Rasa's own channel swallows these silently)
            log.exception("conversation %s: Rasa failed to handle a message", sender[:8])
            failures.append({"stage": "rasa", "error": type(error).__name__})
        finally:
            _failures.reset(token)
        messages: List[Dict[str, Any]] = list(collector.messages)
        if failures:
            log.error("conversation %s: %d step(s) failed: %s", sender[:8], len(failures), failures)
            messages.append({"recipient_id": sender, "custom": {FAILURE_KEY: failures}})
        return messages

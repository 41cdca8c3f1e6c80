"""Talking to the Rasa server through its REST channel. Rasa listens on
loopback only and its channel answers only callers with the Rasa token
(bot/servers/rest_channel.py); citizens never reach it except through the router.

Every way Rasa can fail to answer becomes BotUnavailable, for the router to
tell the citizen and offer a way forward: no connection, an error status, a
body that is not a list of messages, a step Rasa reports as failed (a custom
action whose server is down), or no message at all for the citizen's turn.

One HTTP client serves every message (its connection pool and TLS context are
built once), per event loop: a client's connections belong to the loop that
opened them.

Rasa reads a message that starts with "/" as an intent shortcut ("/crisis"
is the crisis intent, with no NLU). Only payloads of buttons the assistant
offered are sent that way; typed words are sent as words (`as_words`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx

from bot.servers.auth import bearer

log = logging.getLogger(__name__)
FAILURE_KEY = "onewindow_failure"  # set by bot/servers/rest_channel.py

INTENT_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX


class BotUnavailable(RuntimeError):
    """Rasa did not (fully) answer; `partial` holds what it said before failing."""

    def __init__(self, message: str, partial: Optional[List[BotReply]] = None) -> None:
        super().__init__(message)
        self.partial: List[BotReply] = list(partial or [])


@dataclass
class BotReply:
    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    custom: Dict[str, Any] = field(default_factory=dict)


class RasaChannel:
    def __init__(
        self,
        rasa_url: str,
        timeout: float = 60.0,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        token: Optional[str] = None,
    ):
        self.url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self.timeout = timeout
        self.transport = transport
        self.headers = {"Authorization": bearer(token)} if token else {}
        self._client: Optional[httpx.AsyncClient] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._client.is_closed or self._loop is not loop:
            # A client left from another (finished) loop is dropped, not closed: its loop is gone.
            self._client = httpx.AsyncClient(timeout=self.timeout, transport=self.transport, headers=self.headers)
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the client (the web app does at shutdown)."""
        client, self._client = self._client, None
        if client is not None and not client.is_closed and self._loop is asyncio.get_running_loop():
            await client.aclose()

    async def send(
        self, sender_id: str, message: str, metadata: Optional[Dict[str, Any]] = None, *, payload: bool = False
    ) -> List[BotReply]:
        """Send `message` for `sender_id`: typed text unless `payload` (a button the
        router checked was offered), which alone may reach Rasa as an intent."""
        body = {"sender": sender_id, "message": message if payload else as_words(message), "metadata": metadata or {}}
        try:
            response = await self._http().post(self.url, json=body)
            response.raise_for_status()
            payload = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise BotUnavailable(f"Rasa did not answer: {_describe(error)}") from error
        if not isinstance(payload, list):
            raise BotUnavailable(f"Rasa answered with a {type(payload).__name__}, not a list of messages")
        items = [item for item in payload if isinstance(item, dict)]
        replies = [_reply(item) for item in items if _failure(item) is None]
        failures = [step for item in items for step in _failure(item) or []]
        if failures:
            raise BotUnavailable(f"Rasa could not finish the turn: {failures}", partial=replies)
        if not replies:
            raise BotUnavailable("Rasa answered nothing to the message")
        return replies


def _failure(item: Dict[str, Any]) -> Optional[List[Any]]:
    """The failed steps a message of the REST channel reports, or None for an ordinary message."""
    custom = item.get("custom")
    if not isinstance(custom, dict) or FAILURE_KEY not in custom:
        return None
    steps = custom[FAILURE_KEY]
    return steps if isinstance(steps, list) else [steps]


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"status {error.response.status_code}"
    return f"{type(error).__name__}: {error}"


def as_words(text: str) -> str:
    """Typed text as Rasa must read it: never an intent shortcut. Rasa strips
    whitespace and then looks for a leading "/", so leading slashes go
    ("/crisis" reaches NLU as the word "crisis"); text of slashes only is sent
    with full-width slashes, which Rasa does not unpack."""
    words = text.strip()
    if not words.startswith(INTENT_PREFIX):
        return text
    while words.startswith(INTENT_PREFIX):
        words = words[len(INTENT_PREFIX) :].strip()
    return words or text.strip().replace(INTENT_PREFIX, "\uff0f")


def _reply(item: Dict[str, Any]) -> BotReply:
    buttons = [
        {"title": str(b.get("title", ""))[:200], "payload": str(b.get("payload", ""))[:500]}
        for b in item.get("buttons") or []
        if isinstance(b, dict)
    ]
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    return BotReply(text=str(item.get("text") or ""), buttons=buttons, custom=custom)

"""Talking to the Rasa server through its REST channel. Rasa listens on
loopback only; citizens never reach it except through the router."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx


class BotUnavailable(RuntimeError):
    pass


@dataclass
class BotReply:
    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    custom: Dict[str, Any] = field(default_factory=dict)


class RasaChannel:
    def __init__(self, rasa_url: str, timeout: float = 60.0, transport: Optional[httpx.AsyncBaseTransport] = None):
        self.url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self.timeout = timeout
        self.transport = transport

    async def send(self, sender_id: str, message: str, metadata: Optional[Dict[str, Any]] = None) -> List[BotReply]:
        body = {"sender": sender_id, "message": message, "metadata": metadata or {}}
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as client:
                response = await client.post(self.url, json=body)
                response.raise_for_status()
                payload = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise BotUnavailable(f"Rasa did not answer: {error}") from error
        return [_reply(item) for item in payload if isinstance(item, dict)]


def _reply(item: Dict[str, Any]) -> BotReply:
    buttons = [
        {"title": str(b.get("title", ""))[:200], "payload": str(b.get("payload", ""))[:500]}
        for b in item.get("buttons") or []
        if isinstance(b, dict)
    ]
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    return BotReply(text=str(item.get("text") or ""), buttons=buttons, custom=custom)

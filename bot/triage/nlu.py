"""Ways to get Rasa's parse of a message with one loaded model: the running
Rasa server's /model/parse, or one in-process Agent (loading takes ~45 s, so
callers keep the parser for every message)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Optional, Protocol

import httpx


class NluUnavailable(RuntimeError):
    pass


class Parser(Protocol):
    async def parse(self, text: str) -> Dict[str, Any]: ...


class RasaServerParser:
    """The running Rasa server (its HTTP API needs the token)."""

    def __init__(self, rasa_url: str, token: Optional[str], timeout: float = 30.0) -> None:
        self.url = rasa_url.rstrip("/") + "/model/parse"
        self.status_url = rasa_url.rstrip("/") + "/status"
        self.params = {"token": token} if token else {}
        self.timeout = timeout

    async def parse(self, text: str) -> Dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(self.url, params=self.params, json={"text": text})
                response.raise_for_status()
                return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise NluUnavailable(f"The Rasa server did not parse the message: {error}") from error

    def is_up(self) -> bool:
        try:
            return httpx.get(self.status_url, params=self.params, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False


class InProcessParser:
    """One Rasa Agent loaded in this process."""

    def __init__(self, model_path: Path) -> None:
        if not Path(model_path).exists():
            raise NluUnavailable(f"No trained model at {model_path}: run 'onewindow train'.")
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # per-message debug lines would mix with the JSON on stdout
        logging.getLogger("rasa").setLevel(logging.WARNING)
        self.agent = Agent.load(str(model_path))

    async def parse(self, text: str) -> Dict[str, Any]:
        return await self.agent.parse_message(text)


_LOOP: Optional[asyncio.AbstractEventLoop] = None


def run(coroutine):  # type: ignore[no-untyped-def]
    """Run one coroutine from synchronous code (the CLI), always on the same
    event loop: the in-process model keeps loop-bound state between messages."""
    global _LOOP
    if _LOOP is None or _LOOP.is_closed():
        _LOOP = asyncio.new_event_loop()
    return _LOOP.run_until_complete(coroutine)

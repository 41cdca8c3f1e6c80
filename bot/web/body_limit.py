"""A cap on request bodies that holds whatever the client claims.

Content-Length is only a claim, and a chunked body has none: the cap is
counted on the bytes as they are read. Past it, reading stops and the answer
is 413 (the server then closes the connection instead of draining the rest),
so a 200 MB upload costs at most the cap in memory.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict

from fastapi import HTTPException
from starlette.responses import JSONResponse

Scope = Dict[str, Any]
Message = Dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the body passes the cap. An HTTPException, so
    FastAPI's body parsing and exception handlers answer it as a 413 too."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"Request too large (at most {max_bytes // 1024} KB).")


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = BodyTooLarge(self.max_bytes)
        for key, value in scope.get("headers") or []:
            if key.lower() == b"content-length" and value.strip().isdigit() and int(value) > self.max_bytes:
                await self._refuse(scope, receive, send, too_large)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_large
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:  # too late for a clean answer: the server will drop the connection
                raise
            await self._refuse(scope, receive, send, too_large)

    @staticmethod
    async def _refuse(scope: Scope, receive, send, error: BodyTooLarge) -> None:  # type: ignore[no-untyped-def]
        response = JSONResponse({"detail": error.detail}, status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)

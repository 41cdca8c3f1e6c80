"""A cap on request bodies that holds whatever the client claims.

Content-Length is only a claim, and a chunked body has none: the cap is
counted on the bytes as they are read. Past it, reading stops and the answer
is 413 (the server then closes the connection instead of draining the rest),
so a 200 MB upload costs at most the cap in memory.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict

from fastapi import HTTPException
from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse

from bot.web.i18n import request_language, t

Scope = Dict[str, Any]
Message = Dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the body passes the cap. An HTTPException, so
    FastAPI's body parsing and exception handlers answer it as a 413 too; said
    in `lang`."""

    def __init__(self, max_bytes: int, lang: str = "en") -> None:
        super().__init__(413, t("web.request_too_large", lang, kb=max_bytes // 1024))


def scope_language(scope: Scope) -> str:
    """The request's language from the raw scope (`?lang=`, else Accept-Language): this runs before routing."""
    return request_language(Headers(scope=scope), QueryParams(scope.get("query_string", b"")).get("lang"))


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers") or []:
            if key.lower() == b"content-length" and value.strip().isdigit() and int(value) > self.max_bytes:
                await self._refuse(scope, receive, send, BodyTooLarge(self.max_bytes, scope_language(scope)))
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes, scope_language(scope))  # its language only when refused
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as too_large:
            if started:  # too late for a clean answer: the server will drop the connection
                raise
            await self._refuse(scope, receive, send, too_large)

    @staticmethod
    async def _refuse(scope: Scope, receive, send, error: BodyTooLarge) -> None:  # type: ignore[no-untyped-def]
        response = JSONResponse({"detail": error.detail}, status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)

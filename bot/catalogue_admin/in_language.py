"""HTTP errors of the catalogue administration (its API and its pages) in the staff member's language.

The catalogue's messages and the refusals are English where they are raised; a route of class
InLanguage puts an error's detail into the request's language (?lang=, the switch's cookie,
Accept-Language; English otherwise) as the answer leaves, so no handler has to carry the language."""

from __future__ import annotations

from typing import Any, Callable

from fastapi import HTTPException, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from bot.catalogue_admin.said import error_text, problem_out, said
from bot.catalogue_admin.workflow import Refused
from bot.web.i18n import staff_language
from onewindow_catalogue.validation import Problem


class Refusal(str):
    """An error's English message that remembers the error, so InLanguage can tell it in another language."""

    error: Exception

    def __new__(cls, error: Exception) -> Refusal:
        refusal = super().__new__(cls, error.message if isinstance(error, Refused) else str(error))
        refusal.error = error
        return refusal


def in_language(detail: Any, lang: str) -> Any:
    """An error's detail in `lang`: a message (or a Refusal), or a mapping with a `message` and `problems`."""
    if isinstance(detail, Refusal):
        return str(error_text(detail.error, lang))
    if isinstance(detail, str):
        return str(said(detail, lang))
    if isinstance(detail, dict):
        out = {**detail}
        if "message" in out:
            out["message"] = in_language(out["message"], lang)
        if "problems" in out:
            out["problems"] = [problem_out(p, lang) if isinstance(p, Problem) else p for p in out["problems"]]
        return out
    return detail


class InLanguage(APIRoute):
    """A route whose HTTP errors are told in the staff member's language: the catalogue's messages and the
    refusals speak English, and are put into the request's language as the answer leaves."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as error:
                detail = in_language(error.detail, staff_language(request))
                raise HTTPException(error.status_code, detail, headers=error.headers) from None

        return route

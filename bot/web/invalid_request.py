"""FastAPI's own 422 (a body or query that does not fit its schema) in the language the request asks for.

The routes refuse bad input in the person's language; a body FastAPI rejects before any route runs (a field
missing, a number where text goes, an unknown `lang`) came back in pydantic's English. The answer keeps FastAPI's
shape (`detail`: a list of {loc, msg, type, ...}); only `msg` is said in the language of `?lang=` or
Accept-Language (bot/web/i18n.py), from the error's type. English is FastAPI's own answer, unchanged.
"""

from __future__ import annotations

from typing import Any, Dict

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.web.i18n import DEFAULT_LANGUAGE, request_language, t

# pydantic v1 error types -> web.invalid.* keys; anything else is `other`
KEYS = {
    "value_error.missing": "missing",
    "value_error.extra": "extra",
    "value_error.jsondecode": "json",
    "json_invalid": "json",  # FastAPI's own, for a body that is not JSON
    "value_error.any_str.max_length": "too_long",
    "value_error.any_str.min_length": "too_short",
    "value_error.list.max_items": "too_many",
    "value_error.list.min_items": "too_few",
    "value_error.str.regex": "pattern",
    "type_error.none.not_allowed": "missing",
}


def said(error: Dict[str, Any], lang: str) -> str:
    """One error's message in `lang`."""
    kind = str(error.get("type") or "")
    key = KEYS.get(kind) or ("type" if kind.startswith("type_error") else "other")
    context = error.get("ctx") or {}
    return t(f"web.invalid.{key}", lang, limit=context.get("limit_value", ""))


async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    lang = request_language(request.headers, request.query_params.get("lang"))
    if lang == DEFAULT_LANGUAGE:
        return await request_validation_exception_handler(request, error)
    detail = [{**item, "msg": said(item, lang)} for item in error.errors()]
    return JSONResponse(status_code=422, content=jsonable_encoder({"detail": detail}))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, invalid_request)

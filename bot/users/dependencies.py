"""FastAPI dependencies that say, in each route's signature, who may call it.

Pages use a session cookie (and a CSRF token on every form post); the API
accepts `Authorization: Bearer <token>` or the same session cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Callable, Tuple
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from bot.users import service
from bot.users.models import SignedIn
from bot.web.i18n import staff_language, t
from onewindow_catalogue.database import get_db_session

SESSION_COOKIE = "ow_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGNIN_COOKIE = "ow_signin"  # the sign-in form's double-submit CSRF cookie


class SignInRequired(Exception):
    """A page needs a signed-in user: the app answers with a redirect to /signin."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def optional_user(request: Request, db_session: Session = Depends(get_db_session, scope="function")) -> SignedIn | None:
    return service.signed_in_by_session(db_session=db_session, token=request.cookies.get(SESSION_COOKIE))


def page_user(request: Request, db_session: Session = Depends(get_db_session, scope="function")) -> SignedIn:
    signed_in = optional_user(request, db_session)
    if signed_in is None:
        raise SignInRequired(quote(request.url.path + (f"?{request.url.query}" if request.url.query else "")))
    return signed_in


def api_user(request: Request, db_session: Session = Depends(get_db_session, scope="function")) -> SignedIn:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        signed_in = service.signed_in_by_token(db_session=db_session, token=header[7:].strip())
    else:
        signed_in = optional_user(request, db_session)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if signed_in is not None and unsafe and request.headers.get(CSRF_HEADER) != signed_in.csrf_token:
            raise HTTPException(403, t("staff.errors.csrf_header", staff_language(request)))
    if signed_in is None:
        detail = t("staff.errors.sign_in", staff_language(request))
        raise HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})
    return signed_in


def _role_check(roles: tuple, base: Callable) -> Callable:
    def check(request: Request, signed_in: SignedIn = Depends(base)) -> SignedIn:
        if signed_in.user.role not in roles:
            lang = staff_language(request)
            needed = t("staff.errors.role_or", lang).join(_role_name(role, lang) for role in roles)
            held = _role_name(signed_in.user.role, lang)
            raise HTTPException(403, t("staff.errors.role", lang, needed=needed, role=held))
        return signed_in

    return check


def _role_name(role: str, lang: str) -> str:
    """A role as the administration pages name it (admin.roles.*), the id itself for an unknown one."""
    return t(f"admin.roles.{role}", lang, default=role)


def page_roles(*roles: str) -> Callable:
    """A page for these roles only (admins always included)."""
    return _role_check(tuple(dict.fromkeys((*roles, "admin"))), page_user)


def api_roles(*roles: str) -> Callable:
    return _role_check(tuple(dict.fromkeys((*roles, "admin"))), api_user)


async def csrf_form(request: Request, signed_in: SignedIn = Depends(page_user)) -> SignedIn:
    """Every form post of a signed-in page carries the session's CSRF token."""
    form = await request.form()
    if form.get(CSRF_FIELD) != signed_in.csrf_token:
        raise HTTPException(403, t("staff.errors.form_expired", staff_language(request)))
    return signed_in


def signin_csrf(request: Request) -> Tuple[str, str]:
    """(cookie value, form token) for the sign-in form, which has no session yet
    to bind a token to (login CSRF: a cross-site post signing the victim in as
    the attacker). Double submit, signed: the form token is an HMAC of the
    cookie under the secret key, so a planted cookie without it is useless."""
    nonce = request.cookies.get(SIGNIN_COOKIE, "")
    if not (16 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum()):
        nonce = secrets.token_urlsafe(24)
    return nonce, _signin_token(request, nonce)


def signin_csrf_ok(request: Request, submitted: object) -> bool:
    nonce = request.cookies.get(SIGNIN_COOKIE, "")
    return bool(nonce) and isinstance(submitted, str) and hmac.compare_digest(submitted, _signin_token(request, nonce))


def _signin_token(request: Request, nonce: str) -> str:
    secret = request.app.state.settings.secret("secret_key")
    return hmac.new(secret.encode(), f"signin\n{nonce}".encode(), hashlib.sha256).hexdigest()

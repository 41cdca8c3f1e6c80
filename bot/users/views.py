"""Sign-in and sign-out pages for agents, service owners and admins."""

from __future__ import annotations

import ipaddress

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.users import devices, service
from bot.users.dependencies import SESSION_COOKIE, SIGNIN_COOKIE, csrf_form, optional_user, signin_csrf, signin_csrf_ok
from bot.users.models import SignedIn
from bot.web.client_address import client_address, trusted_networks
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session

router = APIRouter(tags=["sign-in"])
HOME_BY_ROLE = {"agent": "/console", "owner": "/admin/catalogue", "admin": "/console"}


def _safe_next(next_url: str | None, signed_in_role: str) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return HOME_BY_ROLE.get(signed_in_role, "/console")


@router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
def signin_page(request: Request, next: str = "", signed_in: SignedIn | None = Depends(optional_user)):
    if signed_in:
        return RedirectResponse(_safe_next(next, signed_in.user.role), status_code=303)
    return _signin_form(request, {"next": next, "error": None})


def _signin_form(request: Request, context: dict, status_code: int = 200, headers: dict | None = None) -> Response:
    """The sign-in page with a fresh CSRF token in the form and its cookie."""
    nonce, token = signin_csrf(request)
    response = templates.TemplateResponse(
        request, "signin.html", {**context, "csrf_token": token}, status_code=status_code, headers=headers
    )
    response.set_cookie(SIGNIN_COOKIE, nonce, httponly=True, samesite="strict", secure=_https(request), path="/signin")
    return response


def _https(request: Request) -> bool:
    """Whether the browser's connection is TLS: the request's own scheme, or
    X-Forwarded-Proto from a proxy listed in ONEWINDOW_TRUSTED_PROXIES (uvicorn
    runs with --no-proxy-headers, so it never rewrites the scheme itself)."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else ""
    networks = trusted_networks(tuple(request.app.state.settings.trusted_proxies))
    try:
        trusted = any(ipaddress.ip_address(peer) in network for network in networks)
    except ValueError:
        trusted = False
    return trusted and request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"


@router.post("/signin", include_in_schema=False)
def signin(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
    csrf_token: str = Form(""),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    context = {"next": next, "username": username[:64]}
    if not signin_csrf_ok(request, csrf_token):
        error = "This sign-in form has expired or did not come from OneWindow. Try again on this page."
        return _signin_form(request, {**context, "error": error}, status_code=403)
    settings = request.app.state.settings
    secret = settings.secret("secret_key")
    device_cookie = devices.cookie_name(username)
    try:
        user = service.authenticate(
            db_session=db_session,
            username=username,
            password=password,
            client=client_address(request, settings.trusted_proxies),
            device=request.cookies.get(device_cookie),
            secret=secret,
        )
    except service.TooManyAttempts as error:
        db_session.commit()
        headers = {"Retry-After": str(error.retry_after)}
        return _signin_form(request, {**context, "error": str(error)}, status_code=429, headers=headers)
    except service.UserError as error:
        db_session.commit()  # keep the failed attempt: it counts towards the limit
        return _signin_form(request, {**context, "error": str(error)}, status_code=401)
    token, _ = service.start_session(db_session=db_session, user=user)
    db_session.commit()  # before the redirect goes out: get_db_session commits only after the response is sent
    response = RedirectResponse(_safe_next(next, user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_https(request),
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
    )
    known = devices.verify(secret, user, request.cookies.get(device_cookie))
    response.set_cookie(
        device_cookie,
        devices.issue(secret, user, known),
        httponly=True,
        samesite="strict",
        secure=_https(request),
        path=devices.COOKIE_PATH,
        max_age=devices.LIFETIME_SECONDS,
    )
    return response


@router.post("/signout", include_in_schema=False)
def signout(
    request: Request, _: SignedIn = Depends(csrf_form), db_session: Session = Depends(get_db_session, scope="function")
):
    service.end_session(db_session=db_session, token=request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response

"""Sign-in and sign-out pages for agents, service owners and admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.users import service
from bot.users.dependencies import SESSION_COOKIE, csrf_form, optional_user
from bot.users.models import SignedIn
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
    return templates.TemplateResponse(request, "signin.html", {"next": next, "error": None})


@router.post("/signin", include_in_schema=False)
def signin(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    client = request.client.host if request.client else "unknown"
    try:
        user = service.authenticate(db_session=db_session, username=username, password=password, client=client)
    except service.UserError as error:
        db_session.commit()  # keep the failed attempt: it counts towards the limit
        status = 429 if isinstance(error, service.TooManyAttempts) else 401
        context = {"next": next, "error": str(error), "username": username[:64]}
        return templates.TemplateResponse(request, "signin.html", context, status_code=status)
    token, _ = service.start_session(db_session=db_session, user=user)
    db_session.commit()  # before the redirect goes out: get_db_session commits only after the response is sent
    response = RedirectResponse(_safe_next(next, user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
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

"""The staff pages' language switch: the one page outside /admin/catalogue, shared by every staff page
(the console too), which remembers the chosen language in a cookie."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.catalogue_admin.pages.shared import page_router
from bot.web.i18n import LANG_COOKIE, supported

router = page_router()
YEAR = 365 * 24 * 3600


@router.get("/staff/language", include_in_schema=False)
def choose_language(lang: str = Query(""), next: str = Query("/", max_length=2000)) -> Response:
    """The staff pages' language switch: remembered in a cookie, then back to the page (a local path only).
    An explicit ?lang= is taken off that page's address, so the cookie decides from then on."""
    chosen = supported(lang)
    if chosen is None:
        return HTMLResponse("Choose a language: en or fr. / Choisissez une langue : en ou fr.", status_code=400)
    parts = urlsplit(next)
    local = next.startswith("/") and not next.startswith("//") and "\\" not in next and not parts.netloc
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"])
    target = (parts.path + (f"?{query}" if query else "")) if local else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, chosen, max_age=YEAR, samesite="lax", httponly=True, path="/")
    return response

"""The web app: one FastAPI application, built by a factory so tests, the CLI
and `onewindow up` get the same thing. One router per domain."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from bot.audit.views import router as audit_router
from bot.catalogue_admin.api import public_router as catalogue_export_router
from bot.catalogue_admin.api import router as catalogue_admin_api_router
from bot.catalogue_admin.pages import router as catalogue_admin_router
from bot.catalogue_admin.said import said
from bot.console.views import router as console_router
from bot.conversations.rasa_channel import RasaChannel
from bot.conversations.router import ConversationRouter
from bot.conversations.views import router as conversations_router
from bot.plans.views import router as plans_router
from bot.settings import Settings, get_settings
from bot.triage.nlu import RasaServerParser
from bot.triage.views import router as triage_router
from bot.users.dependencies import SignInRequired
from bot.users.views import router as users_router
from bot.web import invalid_request
from bot.web.body_limit import BodySizeLimit
from bot.web.rate_limit import MemoryRateLimiter
from bot.web.security_headers import SecurityHeaders
from onewindow_catalogue.database import make_engine, make_session_factory
from onewindow_catalogue.snapshot import SnapshotCache
from onewindow_catalogue.views import router as catalogue_router

WEB_DIR = Path(__file__).parent
MAX_BODY_BYTES = 256 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="OneWindow",
        description="Life events to one bundle of government services, for Ontario contact centres.",
        version="0.1.0",
        # /docs and /redoc load their scripts from a public CDN: off (see _local_api_docs).
        docs_url=None,
        redoc_url=None,
    )
    engine = make_engine(settings.resolved_database_url())
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    from bot.platform import fanout

    app.state.message_signal = fanout.make_signal(settings.redis_url)  # wakes WebSockets on every replica
    fanout.attach(app.state.session_factory, app.state.message_signal)
    app.add_event_handler("shutdown", app.state.message_signal.aclose)
    app.state.snapshots = SnapshotCache()
    app.state.catalogue_said = said  # the catalogue API's English refusals in the request's language
    app.state.rate_limiter = MemoryRateLimiter()
    rasa = RasaChannel(settings.rasa_url, token=settings.secret("rasa_token"))  # one HTTP client for the app's life
    app.state.router = ConversationRouter(app.state.session_factory, rasa, settings, app.state.snapshots)
    app.add_event_handler("shutdown", rasa.aclose)
    app.include_router(catalogue_router)
    app.include_router(users_router)
    app.include_router(conversations_router)
    app.include_router(plans_router)
    app.include_router(triage_router)
    app.include_router(console_router)
    app.include_router(catalogue_admin_router)
    app.include_router(catalogue_admin_api_router)
    app.include_router(catalogue_export_router)
    app.include_router(audit_router)
    app.state.parser = RasaServerParser(settings.rasa_url, settings.secret("rasa_token"))
    # Bodies are capped as they are read (not by Content-Length); innermost, so
    # CORS and the security headers dress its 413 like any other answer.
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    # The chat can be embedded in any government page: the conversation id is
    # the only credential and no cookie is sent, so any origin may call the API.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.chat_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        expose_headers=["retry-after"],
    )
    app.add_middleware(SecurityHeaders)

    invalid_request.install(app)  # FastAPI's own 422 in the language asked for

    @app.exception_handler(SignInRequired)
    async def _to_signin(_: Request, error: SignInRequired) -> RedirectResponse:
        return RedirectResponse(f"/signin?next={error.next_url}", status_code=303)

    static = WEB_DIR / "static"
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")

    _local_api_docs(app, settings)

    @app.get("/healthz", tags=["health"], summary="Liveness and database check")
    def healthz() -> dict:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


def _local_api_docs(app: FastAPI, settings: Settings) -> None:
    """Swagger UI at /docs, only from a local copy of swagger-ui-dist
    (ONEWINDOW_API_DOCS_ASSETS): a government network often has no internet and
    a page must not run unpinned scripts from a CDN. /openapi.json is always there."""
    assets = settings.api_docs_assets
    if not assets or not (Path(assets) / "swagger-ui-bundle.js").is_file():
        return
    app.mount("/docs/assets", StaticFiles(directory=assets), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="data:,",
        )
        body = page.body.decode("utf-8")
        inline = [chunk.split(">", 1)[1] for chunk in body.split("<script")[1:] if "src=" not in chunk.split(">", 1)[0]]
        hashes = " ".join(f"'sha256-{_sha256(code.split('</script>', 1)[0])}'" for code in inline)
        policy = (
            f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
        return HTMLResponse(body, headers={"Content-Security-Policy": policy})


def _sha256(code: str) -> str:
    return base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")

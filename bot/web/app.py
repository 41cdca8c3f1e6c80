"""The web app: one FastAPI application, built by a factory so tests, the CLI
and `onewindow up` get the same thing. One router per domain."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from bot.audit.views import router as audit_router
from bot.catalogue_admin.api import public_router as catalogue_export_router
from bot.catalogue_admin.api import router as catalogue_admin_api_router
from bot.catalogue_admin.pages import router as catalogue_admin_router
from bot.console.views import router as console_router
from bot.conversations.rasa_channel import RasaChannel
from bot.conversations.router import ConversationRouter
from bot.conversations.views import router as conversations_router
from bot.settings import Settings, get_settings
from bot.triage.nlu import RasaServerParser
from bot.triage.views import router as triage_router
from bot.users.dependencies import SignInRequired
from bot.users.views import router as users_router
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
    )
    engine = make_engine(settings.resolved_database_url())
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.snapshots = SnapshotCache()
    rasa = RasaChannel(settings.rasa_url, token=settings.secret("rasa_token"))  # one HTTP client for the app's life
    app.state.router = ConversationRouter(app.state.session_factory, rasa, settings, app.state.snapshots)
    app.add_event_handler("shutdown", rasa.aclose)
    app.include_router(catalogue_router)
    app.include_router(users_router)
    app.include_router(conversations_router)
    app.include_router(triage_router)
    app.include_router(console_router)
    app.include_router(catalogue_admin_router)
    app.include_router(catalogue_admin_api_router)
    app.include_router(catalogue_export_router)
    app.include_router(audit_router)
    app.state.parser = RasaServerParser(settings.rasa_url, settings.secret("rasa_token"))
    # The chat can be embedded in any government page: the conversation id is
    # the only credential and no cookie is sent, so any origin may call the API.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.chat_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
    )

    @app.middleware("http")
    async def _limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            detail = f"Request too large (at most {MAX_BODY_BYTES // 1024} KB)."
            return JSONResponse({"detail": detail}, status_code=413)
        return await call_next(request)

    @app.exception_handler(SignInRequired)
    async def _to_signin(_: Request, error: SignInRequired) -> RedirectResponse:
        return RedirectResponse(f"/signin?next={error.next_url}", status_code=303)

    static = WEB_DIR / "static"
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/healthz", tags=["health"], summary="Liveness and database check")
    def healthz() -> dict:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app

"""The web app: one FastAPI application, built by a factory so tests, the CLI
and `onewindow up` get the same thing. One router per domain."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from bot.settings import Settings, get_settings
from bot.users.dependencies import SignInRequired
from bot.users.views import router as users_router
from catalogue.database import make_engine, make_session_factory
from catalogue.snapshot import SnapshotCache
from catalogue.views import router as catalogue_router

WEB_DIR = Path(__file__).parent


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
    app.include_router(catalogue_router)
    app.include_router(users_router)

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

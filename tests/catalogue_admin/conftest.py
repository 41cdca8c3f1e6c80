"""Service owners, an agent and an admin on the real app with the real seed
catalogue; API clients use bearer tokens, page clients sign in through the
sign-in form and post forms with the session's CSRF token."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from admin_support import PASSWORD, PEOPLE, SEED_DIR, Api, Browser
from fastapi.testclient import TestClient

from bot.users import service as users
from bot.users.models import UserCreate
from onewindow_catalogue.database import session_scope


@pytest.fixture(scope="session")
def admin_template(tmp_path_factory):
    """The seeded database with everyone's account and API token, built once:
    password hashing (argon2) and loading the seed are the slow parts."""
    from bot.schema import create_schema
    from bot.settings import Settings
    from bot.web.app import create_app
    from onewindow_catalogue import service as catalogue_service
    from onewindow_catalogue.drafts import service as drafts
    from onewindow_catalogue.loading import read_catalogue

    folder = tmp_path_factory.mktemp("catalogue-admin-template")
    app = create_app(Settings(data_dir=folder))
    create_schema(app.state.engine)
    tokens = {}
    with session_scope(app.state.session_factory) as session:
        catalogue = read_catalogue(SEED_DIR)
        catalogue_service.replace_all(db_session=session, catalogue=catalogue)
        drafts.record_import(db_session=session, catalogue=catalogue)  # as `onewindow db init` does
        for username, name, role, orgs in PEOPLE:
            user = users.create(
                db_session=session,
                user_in=UserCreate(
                    username=username, display_name=name, password=PASSWORD, role=role, organisations=orgs
                ),
            )
            tokens[username] = users.create_api_token(db_session=session, user=user, name="tests")
    app.state.engine.dispose()
    return folder / "onewindow.db", tokens


@pytest.fixture()
def admin_app(settings, admin_template):
    """A fresh copy of the template database under this test's data folder, and the real app on it."""
    from bot.web.app import create_app

    database, _ = admin_template
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(database) + suffix)
        if source.exists():
            shutil.copyfile(source, settings.data_dir / (database.name + suffix))
    return create_app(settings)


@pytest.fixture()
def public(admin_app):
    """An anonymous client: the public API the assistant and widgets use."""
    with TestClient(admin_app) as client:
        yield client


@pytest.fixture()
def api(admin_app, admin_template):
    clients = []

    def make(username: str) -> Api:
        client = TestClient(admin_app)
        clients.append(client)
        return Api(client, admin_template[1][username])

    yield make
    for client in clients:
        client.close()


@pytest.fixture()
def browser(admin_app):
    opened = []

    def make(username: str) -> Browser:
        client = TestClient(admin_app)
        client.__enter__()
        opened.append(client)
        return Browser(client, username)

    yield make
    for client in opened:
        client.__exit__(None, None, None)

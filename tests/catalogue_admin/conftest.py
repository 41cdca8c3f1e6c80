"""Service owners, an agent and an admin on the real app with the real seed
catalogue; API clients use bearer tokens, page clients sign in through the
sign-in form and post forms with the session's CSRF token."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from admin_support import PEOPLE, Api
from fastapi.testclient import TestClient
from support import SignedIn, add_people, seed_database

from bot.users import service as users
from onewindow_catalogue.database import session_scope


@pytest.fixture(scope="session")
def admin_template(tmp_path_factory):
    """The seeded database (as `onewindow db init` leaves it) with everyone's
    account and API token, built once: loading the seed is the slow part."""
    from onewindow_catalogue.database import make_engine, make_session_factory

    database = seed_database(tmp_path_factory.mktemp("catalogue-admin-template") / "onewindow.db")
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(make_session_factory(engine)) as session:
        accounts = add_people(session, PEOPLE)
        tokens = {
            name: users.create_api_token(db_session=session, user=user, name="tests") for name, user in accounts.items()
        }
    engine.dispose()
    return database, tokens


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

    def make(username: str) -> SignedIn:
        client = TestClient(admin_app)
        client.__enter__()
        opened.append(client)
        return SignedIn(client, username, csrf_pages=("/admin/catalogue", "/console"))

    yield make
    for client in opened:
        client.__exit__(None, None, None)

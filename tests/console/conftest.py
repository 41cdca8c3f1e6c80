"""The console through the real app on a temporary database: agents sign in
through the sign-in form, cases are made through the service layer
(console_support.make_case). The browser tests get the app under uvicorn."""

from __future__ import annotations

import os
from typing import Dict, Optional

import pytest
from console_support import LIVE_PEOPLE, PEOPLE
from fastapi.testclient import TestClient
from support import SignedIn, add_people, start_web_app

from bot.users import service as users
from onewindow_catalogue.database import session_scope


@pytest.fixture()
def console_app(seeded_app):
    with session_scope(seeded_app.state.session_factory) as session:
        add_people(session, PEOPLE)
    return seeded_app


@pytest.fixture()
def user_ids(console_app) -> Dict[str, int]:
    with session_scope(console_app.state.session_factory) as session:
        return {name: users.get_by_username(db_session=session, username=name).id for name, *_ in PEOPLE}


@pytest.fixture()
def browser_for(console_app):
    """`browser_for("ana")`: a separate signed-in client per person."""
    opened = []

    def make(username: str) -> SignedIn:
        client = TestClient(console_app)
        client.__enter__()
        opened.append(client)
        return SignedIn(client, username)

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture()
def ana(browser_for) -> SignedIn:
    return browser_for("ana")


@pytest.fixture()
def ben(browser_for) -> SignedIn:
    return browser_for("ben")


def rasa_status() -> Optional[Dict[str, str]]:
    """The Rasa server to use for phone triage in the browser, when one is up
    (ONEWINDOW_RASA_URL / ONEWINDOW_RASA_TOKEN, default 127.0.0.1:5005)."""
    import httpx

    url = os.environ.get("ONEWINDOW_RASA_URL", "http://127.0.0.1:5005")
    token = os.environ.get("ONEWINDOW_RASA_TOKEN")
    try:
        response = httpx.get(url.rstrip("/") + "/status", params={"token": token} if token else {}, timeout=2.0)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return {"url": url, "token": token or ""}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The real web app under uvicorn (tests/support.py) with the seeded catalogue
    and two agents, talking to a Rasa server if one answers (see rasa_status)."""
    rasa = rasa_status()
    env = {"ONEWINDOW_RASA_URL": rasa["url"], "ONEWINDOW_RASA_TOKEN": rasa["token"]} if rasa else {}
    app = start_web_app(tmp_path_factory.mktemp("console-live"), LIVE_PEOPLE, {k: v for k, v in env.items() if v})
    app.rasa = rasa  # type: ignore[attr-defined]
    try:
        yield app
    finally:
        app.stop()

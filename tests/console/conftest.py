"""The console through the real app on a temporary database: agents sign in
through the sign-in form, cases are made through the service layer."""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from bot.cases import service as cases
from bot.conversations import service as conversations
from bot.users import service as users
from bot.users.models import UserCreate
from onewindow_catalogue.database import session_scope

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PEOPLE = [
    ("ana", "Ana Agent", "agent", []),
    ("ben", "Ben Agent", "agent", []),
    ("olu", "Olu Owner", "owner", ["canada-revenue-agency"]),
    ("root", "Root Admin", "admin", []),
]


class Agent:
    """A signed-in browser: a TestClient with its session cookie and CSRF token."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = client
        self.username = username
        response = client.post(
            "/signin", data={"username": username, "password": PASSWORD, "next": ""}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        page = client.get("/console/phone")
        match = CSRF.search(page.text)
        self.csrf = match.group(1) if match else None

    def get(self, url: str, **kwargs: Any):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: Optional[Dict[str, Any]] = None, follow: bool = False, **kwargs: Any):
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=follow, **kwargs)


@pytest.fixture()
def console_app(seeded_app, monkeypatch):
    # Real argon2, with test-sized cost: the default (~0.7 s a hash here) is for production.
    monkeypatch.setattr(users, "PASSWORDS", PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    with session_scope(seeded_app.state.session_factory) as session:
        for username, name, role, orgs in PEOPLE:
            users.create(
                db_session=session,
                user_in=UserCreate(
                    username=username, display_name=name, password=PASSWORD, role=role, organisations=orgs
                ),
            )
    return seeded_app


@pytest.fixture()
def user_ids(console_app) -> Dict[str, int]:
    with session_scope(console_app.state.session_factory) as session:
        return {name: users.get_by_username(db_session=session, username=name).id for name, *_ in PEOPLE}


@pytest.fixture()
def browser_for(console_app):
    """`browser_for("ana")`: a separate signed-in client per person."""
    opened = []

    def make(username: str) -> Agent:
        client = TestClient(console_app)
        client.__enter__()
        opened.append(client)
        return Agent(client, username)

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture()
def ana(browser_for) -> Agent:
    return browser_for("ana")


@pytest.fixture()
def ben(browser_for) -> Agent:
    return browser_for("ben")


def make_case(
    app,
    *,
    queue: str = "business",
    events=("new_business",),
    facts: Optional[Dict[str, Any]] = None,
    urgent: bool = False,
    reason: str = "asked_for_person",
    said: str = "I want to open a bakery",
    proposed=None,
    consent: Optional[Dict[str, Any]] = None,
    minutes_ago: float = 0,
) -> Dict[str, Any]:
    """A chat handed over to the queue, as the router leaves it: conversation with
    the person's message, the case waiting, the owner 'queue'. `app` is the app
    or a session factory on its database."""
    import datetime as dt

    factory = app.state.session_factory if hasattr(app, "state") else app
    with session_scope(factory) as session:
        conversation = conversations.create(db_session=session)
        conversations.add_message(db_session=session, conversation=conversation, sender="bot", text="Hello!")
        conversations.add_message(db_session=session, conversation=conversation, sender="user", text=said)
        summary = {
            "events": list(events),
            "facts": facts or {"business_structure": "sole_proprietorship"},
            "reason": reason,
            "reason_detail": None,
            "proposed_bundle": list(proposed if proposed is not None else ["ca-business-number"]),
            "open_questions": ["municipality"],
        }
        case = cases.open_case(
            db_session=session,
            conversation=conversation,
            queue=queue,
            reason=reason,
            summary=summary,
            urgent=urgent,
            consent=consent or {"given": True, "wording": "May an agent read this chat?"},
        )
        if minutes_ago:
            case.created_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes_ago)
        conversations.set_owner(db_session=session, conversation_id=conversation.id, owner="queue")
        return {"id": case.id, "reference": case.reference, "conversation_id": conversation.id}


# --- headless browser ------------------------------------------------------------------------------------------------
# Written here because tests/browser_support.py did not exist yet; swap for its
# start_web_app / launch_chromium when it lands.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AGENT_PASSWORD = "agent password 1"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rasa_status() -> Optional[Dict[str, str]]:
    """The Rasa server to use for phone triage in the browser, when one is up
    (ONEWINDOW_RASA_URL / ONEWINDOW_RASA_TOKEN, default 127.0.0.1:5005)."""
    import os

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
def live_app(tmp_path_factory, seeded_database):
    """The real web app under uvicorn on a free port: a temporary data folder
    with the seeded catalogue and two agents. Yields its URL, data folder and
    a session factory on the same database (to make cases as the router would)."""
    import os
    import shutil
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    from onewindow_catalogue.database import make_engine, make_session_factory

    data_dir = tmp_path_factory.mktemp("console-live")
    shutil.copyfile(seeded_database, data_dir / "onewindow.db")
    engine = make_engine(f"sqlite:///{data_dir / 'onewindow.db'}")
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for username, name in (("agent1", "Agent One"), ("agent2", "Agent Two")):
            users.create(
                db_session=session,
                user_in=UserCreate(username=username, display_name=name, password=AGENT_PASSWORD, role="agent"),
            )
    port = _free_port()
    rasa = rasa_status()
    env = {
        **os.environ,
        "ONEWINDOW_DATA_DIR": str(data_dir),
        "ONEWINDOW_STAFFED_HOURS": "always",
        "ONEWINDOW_RASA_URL": rasa["url"] if rasa else f"http://127.0.0.1:{_free_port()}",
    }
    if rasa and rasa["token"]:
        env["ONEWINDOW_RASA_TOKEN"] = rasa["token"]
    log = open(data_dir / "web.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "uvicorn"),
            "bot.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The web app did not start:\n" + (data_dir / "web.log").read_text()[-3000:])
        time.sleep(0.2)
    try:
        yield {"url": url, "data_dir": data_dir, "session_factory": factory, "rasa": rasa}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        engine.dispose()


@pytest.fixture(scope="module")
def chromium():
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()

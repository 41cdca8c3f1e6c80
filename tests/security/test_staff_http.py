"""The staff doors attacked from outside, over HTTP against the web process as
`onewindow up` starts it (the same uvicorn command line, in a subprocess):
strangers must not lock an agent out, X-Forwarded-For counts only from the
configured proxies, the sign-in form refuses a cross-site post, and the web
log holds no conversation id in full."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator

import httpx
import pytest

from bot.users import throttle

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PEOPLE = [("ana", "agent", []), ("ben", "agent", []), ("olu", "owner", ["service-canada"])]


@lru_cache(maxsize=1)
def template_database() -> bytes:
    """Made once per run: every server gets a fresh copy."""
    folder = Path(tempfile.mkdtemp(prefix="staff-http-"))
    seed(folder)
    content = (folder / "onewindow.db").read_bytes()
    shutil.rmtree(folder)
    return content


def seed(data_dir: Path) -> None:
    """Tables, the seed catalogue and PEOPLE (password PASSWORD), as `onewindow db init` and `users add` make them."""
    from bot.schema import create_schema
    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue import service as catalogue_service
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
    from onewindow_catalogue.loading import read_catalogue

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{data_dir.resolve() / 'onewindow.db'}")
    create_schema(engine)
    with session_scope(make_session_factory(engine)) as session:
        catalogue_service.replace_all(db_session=session, catalogue=read_catalogue(ROOT / "catalogue" / "seed"))
        for username, role, organisations in PEOPLE:
            user_in = UserCreate(
                username=username, display_name=username, password=PASSWORD, role=role, organisations=organisations
            )
            users.create(db_session=session, user_in=user_in)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_web(data_dir: Path, env: Dict[str, str]) -> Iterator[str]:
    """The web process exactly as bot.processes.specs() describes it, on a free port."""
    from bot.processes import specs
    from bot.settings import Settings

    data_dir.mkdir(parents=True)
    (data_dir / "onewindow.db").write_bytes(template_database())
    port = free_port()
    settings = Settings(data_dir=data_dir, web_port=port)
    web = next(spec for spec in specs(settings) if spec.name == "web")
    process_env = {**os.environ, **web.env, "ONEWINDOW_DATA_DIR": str(data_dir), **env}
    process_env.pop("ONEWINDOW_DATABASE_URL", None)
    log = open(data_dir / "web.out", "wb")
    process = subprocess.Popen(web.command, cwd=ROOT, env=process_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (data_dir / "web.out").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the web app did not start"
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture()
def web(tmp_path) -> Iterator[str]:
    yield from serve_web(tmp_path / "data", {})


@pytest.fixture()
def web_behind_proxy(tmp_path) -> Iterator[str]:
    yield from serve_web(tmp_path / "data", {"ONEWINDOW_TRUSTED_PROXIES": '["127.0.0.1"]'})


def browser(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=30)


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    client.cookies.delete("ow_session")
    page = client.get("/signin", headers=headers)
    assert page.status_code == 200, page.text[:300]
    token = CSRF.search(page.text).group(1)
    data = {"username": username, "password": password, "next": "", "csrf_token": token}
    return client.post("/signin", data=data, headers=headers)


def test_a_strangers_failures_never_keep_the_agent_out_of_her_own_browser(web):
    with browser(web) as own, browser(web) as stranger, browser(web) as new_machine:
        assert sign_in(own, "ana").status_code == 303  # her browser is remembered from now on
        answers = [
            sign_in(stranger, "ana", "guessing wrong 1").status_code for _ in range(throttle.FREE_PER_ACCOUNT + 2)
        ]
        assert answers[0] == 401 and answers[-1] == 429
        assert sign_in(own, "ana").status_code == 303
        # a browser that never signed in to ana waits like the stranger (same address, account under attack)...
        assert sign_in(new_machine, "ana").status_code == 429
        # ...but other accounts from this address are not held by ana's attacker
        assert sign_in(new_machine, "ben").status_code == 303


def test_the_remembered_browser_still_waits_after_its_own_wrong_guesses(web):
    with browser(web) as own:
        assert sign_in(own, "ana").status_code == 303
        for _ in range(throttle.FREE_PER_ACCOUNT_AND_CLIENT):
            assert sign_in(own, "ana", "not her password").status_code == 401
        waiting = sign_in(own, "ana")
        assert waiting.status_code == 429 and int(waiting.headers["retry-after"]) > 0


def test_x_forwarded_for_from_an_untrusted_peer_does_not_make_a_new_client(web):
    """Rotating the header used to give each guess a fresh client (uvicorn believed it from loopback).
    (One address spraying many accounts is tested in tests/users/test_throttle.py.)"""
    with browser(web) as stranger:
        for number in range(throttle.FREE_PER_ACCOUNT_AND_CLIENT):
            answer = sign_in(stranger, "ana", "guessing wrong 1", **{"X-Forwarded-For": f"198.51.100.{number}"})
            assert answer.status_code == 401
        spoofed = sign_in(stranger, "ana", "guessing wrong 1", **{"X-Forwarded-For": "203.0.113.250"})
        assert spoofed.status_code == 429


def test_x_forwarded_for_from_a_configured_proxy_names_the_client(web_behind_proxy):
    with browser(web_behind_proxy) as first, browser(web_behind_proxy) as second:
        attacker = {"X-Forwarded-For": "203.0.113.5"}
        for _ in range(throttle.FREE_PER_ACCOUNT_AND_CLIENT):
            assert sign_in(first, "ana", "guessing wrong 1", **attacker).status_code == 401
        assert sign_in(first, "ana", **attacker).status_code == 429
        assert sign_in(second, "ana", **{"X-Forwarded-For": "198.51.100.7"}).status_code == 303


def test_the_sign_in_form_refuses_a_cross_site_post(web):
    form = {"username": "ana", "password": PASSWORD, "next": ""}
    with browser(web) as victim, browser(web) as attacker:
        # a page elsewhere posts the attacker's own valid token: the victim's browser has no matching cookie
        token = CSRF.search(attacker.get("/signin").text).group(1)
        forged = victim.post("/signin", data={**form, "csrf_token": token}, headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403 and "did not come from OneWindow" in forged.text
        assert "ow_session" not in forged.cookies
        assert victim.post("/signin", data=form).status_code == 403  # no token at all
        assert sign_in(victim, "ana").status_code == 303  # the form itself works


def test_the_web_log_holds_no_conversation_id_in_full(tmp_path):
    conversation = "Zq3kLm9PxY2vB7nT4rW8sD1fG6hJ0aEe"  # the shape of a real id (token_urlsafe(24))
    data_dir = tmp_path / "data"
    for base in serve_web(data_dir, {}):
        httpx.get(f"{base}/api/conversations/{conversation}/messages", timeout=30)
        httpx.get(f"{base}/api/conversations/{conversation}/messages?after=1", timeout=30)
    log = (data_dir / "web.out").read_text(errors="replace")
    assert "/api/conversations/Zq3kLm.../messages" in log, log[-2000:]
    assert conversation not in log and conversation[:12] not in log


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_cookies_are_secure_when_a_trusted_proxy_says_the_browser_used_https(tmp_path, behind_proxy):
    env = {"ONEWINDOW_TRUSTED_PROXIES": '["127.0.0.1"]'} if behind_proxy else {}
    forwarded = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    for base in serve_web(tmp_path / "data", env):
        page = httpx.get(f"{base}/signin", headers=forwarded, timeout=30)
        data = {"username": "ana", "password": PASSWORD, "next": "", "csrf_token": CSRF.search(page.text).group(1)}
        cookie = {"Cookie": f"ow_signin={page.cookies['ow_signin']}"}
        signed_in = httpx.post(f"{base}/signin", data=data, headers={**forwarded, **cookie}, timeout=30)
        assert signed_in.status_code == 303
        session = next(c for c in signed_in.headers.get_list("set-cookie") if c.startswith("ow_session="))
        assert ("secure" in session.lower()) is behind_proxy  # a stranger's header does not decide it

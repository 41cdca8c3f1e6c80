"""Shared helpers for browser tests: the real web app served by uvicorn on a
free port over a fresh seeded database, and Debian's Chromium driven by
Playwright (never a browser Playwright downloads).

    from browser_support import launch_chromium, requires_chromium, start_web_app, stop_web_app

    @requires_chromium
    @pytest.mark.browser
    def test_something(tmp_path):
        base_url = start_web_app(tmp_path, people=[("olu", "owner", ["canada-revenue-agency"])])
        try:
            with launch_chromium() as browser:
                page = browser.new_page()
                ...
        finally:
            stop_web_app(base_url)

Everyone in `people` gets the password PASSWORD.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterable, Iterator, Sequence, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
STARTUP_SECONDS = 60

_running: Dict[str, Tuple[subprocess.Popen, object]] = {}

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium, or make browser)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_database(data_dir: Path, people: Iterable[Tuple[str, str, Sequence[str]]] = ()) -> None:
    """Tables, the seed catalogue (with version 1 of each service, as `onewindow db init`) and accounts."""
    from bot.schema import create_schema
    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue import service as catalogue_service
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
    from onewindow_catalogue.drafts import service as drafts
    from onewindow_catalogue.loading import read_catalogue

    engine = make_engine(f"sqlite:///{Path(data_dir).resolve() / 'onewindow.db'}")
    create_schema(engine)
    with session_scope(make_session_factory(engine)) as session:
        catalogue = read_catalogue(ROOT / "catalogue" / "seed")
        catalogue_service.replace_all(db_session=session, catalogue=catalogue)
        drafts.record_import(db_session=session, catalogue=catalogue)
        for username, role, organisations in people:
            users.create(
                db_session=session,
                user_in=UserCreate(
                    username=username,
                    display_name=username.title(),
                    password=PASSWORD,
                    role=role,
                    organisations=list(organisations),
                ),
            )
    engine.dispose()


def start_web_app(
    tmp_path: Path, people: Iterable[Tuple[str, str, Sequence[str]]] = (), env: Dict[str, str] | None = None
) -> str:
    """Serve the real app (uvicorn, one process) over a fresh seeded database in
    tmp_path; returns its base URL once /healthz answers."""
    data_dir = Path(tmp_path) / "web-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    seed_database(data_dir, people)
    port = free_port()
    log = open(data_dir / "uvicorn.log", "wb")  # closed in stop_web_app
    process_env = {**os.environ, "ONEWINDOW_DATA_DIR": str(data_dir), "ONEWINDOW_WEB_PORT": str(port), **(env or {})}
    process_env.pop("ONEWINDOW_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bot.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=process_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    _running[base_url] = (process, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return base_url
        except OSError:
            time.sleep(0.2)
    stop_web_app(base_url)
    raise RuntimeError(f"the web app did not start: {(data_dir / 'uvicorn.log').read_text(errors='replace')[-3000:]}")


def stop_web_app(base_url: str) -> None:
    process, log = _running.pop(base_url, (None, None))
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if log is not None:
        log.close()  # type: ignore[attr-defined]


@contextmanager
def web_app(tmp_path: Path, people: Iterable[Tuple[str, str, Sequence[str]]] = ()) -> Iterator[str]:
    base_url = start_web_app(tmp_path, people)
    try:
        yield base_url
    finally:
        stop_web_app(base_url)


@contextmanager
def launch_chromium(**launch_options: object) -> Iterator[object]:
    """Headless Debian Chromium through Playwright; closed when the block ends."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, **launch_options
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: object, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form (the page ends on the user's home page)."""
    page.goto(f"{base_url}/signin")  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: ONEWINDOW_SCREENSHOTS if set (to keep them), else tmp_path."""
    folder = Path(os.environ.get("ONEWINDOW_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder

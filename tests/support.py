"""What many test folders need, written once: free ports, the cheap password
hasher, a seeded database with accounts, signing in (a test client or a real
browser), the real web app served by uvicorn, Debian's Chromium, axe-core, and
waiting for a state instead of sleeping.

A plain module: tests/ is on sys.path (pytest's `pythonpath`), so any test file
says `from support import ...` and runs on its own (`pytest tests/x/test_y.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "catalogue" / "seed"
FIXTURES = ROOT / "tests" / "fixtures"
PASSWORD = "correct horse battery"  # everyone's password in tests
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # `make browser` installs it
WAIT_SECONDS = 30.0  # how long a browser test waits for a state before failing (generous: CI is often loaded)
STARTUP_SECONDS = 90.0

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (make browser, or apt-get install chromium)"
)

T = TypeVar("T")
# (user name, display name, role, organisations)
Person = Tuple[str, str, str, Sequence[str]]


# --- time and ports --------------------------------------------------------------------------------------------------
# the day relative dates in fact tests count from ("last Tuesday", "hier"): a Monday
MONDAY = dt.date(2026, 11, 23)


def facts_of(matcher: Any, text: str, today: dt.date = MONDAY) -> Dict[str, str]:
    """{fact: value} the FactExtractor's matcher finds in `text`."""
    return {m.fact: m.value for m in matcher.extract(text, today=today)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], T], what: str, seconds: float = WAIT_SECONDS, every: float = 0.1) -> T:
    """Poll `check` until it returns something truthy (returned), or fail naming
    `what`: for state another process or thread changes, never a fixed sleep."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(every)


def within(seconds: float, call: Callable[[], T], what: str) -> T:
    """`call()`'s result, or an AssertionError after `seconds` (for blocking calls
    with no timeout of their own, such as Starlette's WebSocket receive)."""
    outcome: Dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the caller
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"no {what} within {seconds:.0f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def receive_json(socket: Any, seconds: float = 10.0) -> Any:
    """The next JSON message of a TestClient WebSocket, failing instead of hanging."""
    return within(seconds, socket.receive_json, "WebSocket message")


# --- accounts and the database ---------------------------------------------------------------------------------------
def cheap_password_hasher() -> Any:
    """Real argon2 at test-sized cost: the production cost (~0.7 s a hash here) is for production."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def add_people(session: Any, people: Iterable[Person], *, password: str = PASSWORD) -> Dict[str, Any]:
    """Accounts, every one with `password`; returns the rows by user name."""
    from bot.users import service as users
    from bot.users.models import UserCreate

    made = {}
    for username, display_name, role, organisations in people:
        made[username] = users.create(
            db_session=session,
            user_in=UserCreate(
                username=username,
                display_name=display_name,
                password=password,
                role=role,
                organisations=list(organisations),
            ),
        )
    return made


def seed_database(path: Path, people: Iterable[Person] = (), *, record_versions: bool = True) -> Path:
    """A SQLite file at `path` with every table, the seed catalogue (and version 1
    of each service, as `onewindow db init` records) and `people`."""
    from bot.schema import create_schema
    from onewindow_catalogue import service as catalogue_service
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
    from onewindow_catalogue.drafts import service as drafts
    from onewindow_catalogue.loading import read_catalogue

    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    try:
        create_schema(engine)
        with session_scope(make_session_factory(engine)) as session:
            catalogue = read_catalogue(SEED_DIR)
            catalogue_service.replace_all(db_session=session, catalogue=catalogue)
            if record_versions:
                drafts.record_import(db_session=session, catalogue=catalogue)
            add_people(session, people)
    finally:
        engine.dispose()
    return path


# --- signing in without a browser ------------------------------------------------------------------------------------
def csrf_of(html: str) -> Optional[str]:
    match = CSRF.search(html)
    return match.group(1) if match else None


def sign_in_form(client: Any, username: str, password: str = PASSWORD, next_url: str = "", **options: Any) -> Any:
    """Post the sign-in form as a browser would (with the form's own CSRF token when
    it has one); `client` is a TestClient or an httpx.Client. Returns the response."""
    data = {"username": username, "password": password, "next": next_url}
    token = csrf_of(client.get("/signin").text)
    if token:
        data["csrf_token"] = token
    return client.post("/signin", data=data, **options)


class SignedIn:
    """One person's browser without a browser: a client signed in through the
    form, posting forms with the session's CSRF token (read from the first of
    `csrf_pages` that has one)."""

    def __init__(
        self,
        client: Any,
        username: str,
        password: str = PASSWORD,
        csrf_pages: Sequence[str] = ("/console/phone", "/admin/catalogue", "/console"),
    ) -> None:
        self.client = client
        self.username = username
        response = sign_in_form(client, username, password, follow_redirects=False)
        assert response.status_code == 303, response.text
        self.csrf = next((token for url in csrf_pages if (token := csrf_of(client.get(url).text))), None)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: Any = None, follow: bool = False, **kwargs: Any) -> Any:
        if isinstance(data, list):  # repeated names, as a browser sends them
            grouped: Dict[str, List[str]] = {"csrf_token": [self.csrf or ""]}
            for key, value in data:
                if key != "csrf_token":
                    grouped.setdefault(key, []).append(value)
            data = grouped
        else:
            data = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=data, follow_redirects=follow, **kwargs)


# --- the real web app under uvicorn ----------------------------------------------------------------------------------
@dataclass
class LiveApp:
    """The web app in its own process, and a way into its database (to set up
    cases as the router would, or check what a page did)."""

    url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path
    _engine: Any = field(default=None, repr=False)

    @property
    def session_factory(self) -> Any:
        from onewindow_catalogue.database import make_engine, make_session_factory

        if self._engine is None:
            self._engine = make_engine(f"sqlite:///{self.data_dir.resolve() / 'onewindow.db'}")
        return make_session_factory(self._engine)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._engine is not None:
            self._engine.dispose()


def start_web_app(data_dir: Path, people: Iterable[Person] = (), env: Optional[Dict[str, str]] = None) -> LiveApp:
    """Seed a fresh database in `data_dir`, serve the real app on a free port and
    return once /healthz answers. Staffed hours are 'always' unless `env` says
    otherwise, and no Rasa answers unless `env` names one."""
    data_dir = Path(data_dir)
    seed_database(data_dir / "onewindow.db", people)
    port = free_port()
    process_env = {
        **os.environ,
        "ONEWINDOW_STAFFED_HOURS": "always",
        "ONEWINDOW_RASA_URL": f"http://127.0.0.1:{free_port()}",
        **(env or {}),
        "ONEWINDOW_DATA_DIR": str(data_dir),
        "ONEWINDOW_WEB_PORT": str(port),
    }
    process_env.pop("ONEWINDOW_DATABASE_URL", None)
    log_path = data_dir / "uvicorn.log"
    with open(log_path, "wb") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bot.web.app:create_app", "--factory"]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    app = LiveApp(url=f"http://127.0.0.1:{port}", data_dir=data_dir, process=process, log_path=log_path)

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the web app stopped at start-up:\n{app.log()}")
        try:
            with urllib.request.urlopen(f"{app.url}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(healthy, "the web app to answer /healthz", seconds=STARTUP_SECONDS, every=0.2)
    except AssertionError:
        app.stop()
        raise
    return app


@contextmanager
def web_app(data_dir: Path, people: Iterable[Person] = (), env: Optional[Dict[str, str]] = None) -> Iterator[LiveApp]:
    app = start_web_app(data_dir, people, env)
    try:
        yield app
    finally:
        app.stop()


def get_json(url: str, timeout: float = 10) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


# --- Chromium ---------------------------------------------------------------------------------------------------------
@contextmanager
def launch_chromium(**launch_options: Any) -> Iterator[Any]:
    """Headless Debian Chromium through Playwright, closed when the block ends;
    Playwright's expect() waits up to WAIT_SECONDS for the state it checks."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_SECONDS * 1000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, **launch_options
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, base_url: str, username: str, password: str = PASSWORD, next_url: str = "") -> None:
    """Sign in through the real form and wait until the browser has left it."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/signin" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/signin"))


def tab_until(page: Any, check: str, limit: int = 120) -> None:
    """Press Tab until `check` (a JS expression over `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!(el && ({check})); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {check}")


def axe_violations(page: Any, tags: Sequence[str], impacts: Sequence[str] = ()) -> List[str]:
    """axe-core's findings on the page as it is now (only `impacts` when given)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run 'make browser'")
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the
    # pages' own Content-Security-Policy (script-src 'self'), which stays in force.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async (tags) => await window.axe.run(document, {runOnly: tags})", list(tags))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if not impacts or v["impact"] in impacts
    ]


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: ONEWINDOW_SCREENSHOTS if set (to keep them), else the test's tmp_path."""
    folder = Path(os.environ.get("ONEWINDOW_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder

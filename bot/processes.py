"""The processes OneWindow runs on one machine, and a small supervisor that
starts them, waits until each is healthy, restarts one that dies, and stops
them all together. Used by `onewindow up` and by the end-to-end tests.

The action server and the Rasa server are internal: they listen on loopback
unless ONEWINDOW_ACTION_HOST / ONEWINDOW_RASA_HOST say otherwise, and answer
only callers holding their secret (bot/servers/). Secrets reach the children
through their environment or 0600 files, never their command lines (`ps`)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from bot.settings import Settings, connect_host

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
log = logging.getLogger("onewindow.supervisor")


@dataclass
class ProcessSpec:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    start_timeout: float = 180.0
    title: str = ""  # what a person calls it, for messages

    def __post_init__(self) -> None:
        self.title = self.title or self.name


@dataclass
class HealthCheck:
    name: str
    title: str
    url: str  # shown to people: carries no secret
    params: Dict[str, str] = field(default_factory=dict)


def health_checks(settings: Settings) -> List[HealthCheck]:
    """Where each process says it is healthy, from the settings alone (so
    `onewindow status` can ask without being the supervisor)."""
    return [
        HealthCheck(
            "actions",
            "action server",
            f"http://{connect_host(settings.action_host)}:{settings.action_port}/health",
        ),
        HealthCheck(
            "rasa",
            "Rasa server",
            f"http://{connect_host(settings.rasa_host)}:{settings.rasa_port}/status",
            {"token": settings.secret("rasa_token")},
        ),
        HealthCheck("web", "web app", f"http://{connect_host(settings.web_host)}:{settings.web_port}/healthz"),
    ]


def write_private(path: Path, text: str) -> None:
    """Create or replace a file readable by its owner only (no moment when it is not)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file may have had wider rights
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def render_endpoints(settings: Settings) -> Path:
    """endpoints.yml for this run (0600: it holds the action token): the committed
    file with the action server's URL and token, and the tracker store's database,
    filled in from the settings."""
    import yaml

    from bot.servers.auth import bearer

    # BaseLoader: Rasa, once imported, teaches the safe loader to expand ${VARS}
    # and fail on unset ones; the committed file's placeholder is replaced anyway.
    endpoints = yaml.load((ROOT / "endpoints.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    endpoints["action_endpoint"] = {
        "url": settings.action_url,
        "headers": {"Authorization": bearer(settings.secret("action_token"))},
    }
    store = endpoints.get("tracker_store")
    if isinstance(store, dict) and store.get("dialect", "sqlite") == "sqlite" and not settings.database_url:
        store["db"] = str((settings.data_dir / "onewindow.db").resolve())
    from bot.platform import endpoints as scaled

    scaled.apply(endpoints, settings.database_url, settings.redis_url)  # PostgreSQL tracker store, Redis locks
    path = settings.data_dir / "endpoints.yml"
    write_private(path, yaml.safe_dump(endpoints, sort_keys=False))
    return path


def specs(settings: Settings, model: Path | None = None) -> List[ProcessSpec]:
    """Action server, Rasa server (API and REST channel behind a token), web app.
    Each child gets the settings it needs in its environment, secrets included
    (a process's environment is readable by its own user only)."""
    model = model or settings.model_path
    endpoints = render_endpoints(settings)
    checks = {check.name: check for check in health_checks(settings)}
    shared = {
        "ONEWINDOW_DATA_DIR": str(settings.data_dir.resolve()),
        "ONEWINDOW_RASA_HOST": settings.rasa_host,
        "ONEWINDOW_RASA_PORT": str(settings.rasa_port),
        "ONEWINDOW_RASA_URL": settings.rasa_url,
        "ONEWINDOW_ACTION_HOST": settings.action_host,
        "ONEWINDOW_ACTION_PORT": str(settings.action_port),
        "ONEWINDOW_ACTION_URL": settings.action_url,
    }
    if settings.database_url:
        shared["ONEWINDOW_DATABASE_URL"] = settings.database_url
    if settings.redis_url:
        shared["ONEWINDOW_REDIS_URL"] = settings.redis_url
    rasa_token = {"ONEWINDOW_RASA_TOKEN": settings.secret("rasa_token")}
    action_token = {"ONEWINDOW_ACTION_TOKEN": settings.secret("action_token")}
    python = sys.executable
    rasa_health = checks["rasa"]
    return [
        ProcessSpec(
            name="actions",
            title="action server",
            command=[
                python,
                "-m",
                "bot.servers.action_server",
                "--host",
                settings.action_host,
                "--port",
                str(settings.action_port),
            ],
            health_url=checks["actions"].url,
            env={**shared, **action_token},
        ),
        ProcessSpec(
            name="rasa",
            title="Rasa server",
            command=[
                python,
                "-m",
                "bot.servers.rasa_server",
                "run",
                "--model",
                str(model),
                "--enable-api",
                "--interface",
                settings.rasa_host,
                "--port",
                str(settings.rasa_port),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
            health_url=str(httpx.URL(rasa_health.url, params=rasa_health.params)),
            env={**shared, **rasa_token, **action_token},
            start_timeout=300.0,
        ),
        ProcessSpec(
            name="web",
            title="web app",
            command=[
                str(BIN / "uvicorn"),
                "bot.web.app:create_app",
                "--factory",
                "--no-proxy-headers",  # X-Forwarded-For only from ONEWINDOW_TRUSTED_PROXIES (bot/web/client_address.py)
                "--log-config",
                str(ROOT / "bot" / "web" / "access_log.yml"),  # no conversation id in full in the web log
                "--host",
                settings.web_host,
                "--port",
                str(settings.web_port),
            ],
            health_url=checks["web"].url,
            env={**shared, **rasa_token},
        ),
    ]


class GaveUp(RuntimeError):
    """The supervisor stopped everything: one process could not be kept running."""


class Supervisor:
    """Starts processes in order, each once the previous is healthy; restarts
    one that exits, at most `max_restarts` times, then stops them all and says
    loudly why (on standard error and in log_dir/supervisor.log)."""

    def __init__(
        self,
        process_specs: List[ProcessSpec],
        log_dir: Path,
        max_restarts: int = 3,
        state_file: Optional[Path] = None,
        poll_seconds: float = 1.0,
    ) -> None:
        self.specs = process_specs
        self.log_dir = log_dir
        self.max_restarts = max_restarts
        self.state_file = state_file
        self.poll_seconds = poll_seconds
        self.running: Dict[str, subprocess.Popen] = {}
        self.restarts: Dict[str, int] = {}
        self.states: Dict[str, str] = {spec.name: "not started" for spec in process_specs}
        self._log_handler: Optional[logging.Handler] = None

    # --- starting ---------------------------------------------------------------------
    def start_all(self) -> None:
        self.log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._attach_log()
        for spec in self.specs:
            self._start(spec)
            self._wait_healthy(spec)

    def _attach_log(self) -> None:
        if self._log_handler is None:
            path = self.log_dir / "supervisor.log"
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            self._log_handler = logging.FileHandler(path, encoding="utf-8")
            self._log_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            log.addHandler(self._log_handler)
            log.setLevel(logging.INFO)

    def _start(self, spec: ProcessSpec) -> None:
        # Logs may hold what citizens typed: the owner's alone.
        path = self.log_dir / f"{spec.name}.log"
        log_file = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        self.running[spec.name] = subprocess.Popen(
            spec.command,
            cwd=ROOT,
            env={**os.environ, **spec.env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()  # the child has its own copy
        self._set_state(spec.name, "starting")
        log.info("started %s (pid %s)", spec.title, self.running[spec.name].pid)

    def _wait_healthy(self, spec: ProcessSpec) -> None:
        deadline = time.monotonic() + spec.start_timeout
        process = self.running[spec.name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self._set_state(spec.name, f"exited with code {process.returncode}")
                raise RuntimeError(
                    f"The {spec.title} ({spec.name}) exited with code {process.returncode} while starting; "
                    f"see {self.log_dir / (spec.name + '.log')}"
                )
            if is_healthy(spec.health_url):
                self._set_state(spec.name, "healthy")
                log.info("%s is healthy", spec.title)
                return
            time.sleep(0.5)
        self._set_state(spec.name, "not healthy")
        raise RuntimeError(
            f"The {spec.title} ({spec.name}) was not healthy after {spec.start_timeout:.0f}s; "
            f"see {self.log_dir / (spec.name + '.log')}"
        )

    # --- running ----------------------------------------------------------------------
    def watch(self, stop_after: Optional[float] = None) -> None:
        """Block, restarting a process that died (at most max_restarts times each),
        until interrupted (or `stop_after` seconds, for tests). Raises GaveUp."""
        until = None if stop_after is None else time.monotonic() + stop_after
        while until is None or time.monotonic() < until:
            time.sleep(self.poll_seconds)
            self.check_once()

    def check_once(self) -> None:
        for spec in self.specs:
            process = self.running[spec.name]
            if process.poll() is None:
                continue
            code = process.returncode
            count = self.restarts.get(spec.name, 0) + 1
            if count > self.max_restarts:
                self._give_up(spec, f"it exited {count} times (last exit: {_describe_exit(code)})")
            self.restarts[spec.name] = count
            log.warning(
                "%s (%s) exited (%s); restarting it (%d/%d)",
                spec.title,
                spec.name,
                _describe_exit(code),
                count,
                self.max_restarts,
            )
            self._set_state(spec.name, f"restarting ({count}/{self.max_restarts})")
            self._start(spec)
            try:
                self._wait_healthy(spec)
            except RuntimeError as error:
                self._give_up(spec, f"it did not come back after restart {count}: {error}")

    def _give_up(self, spec: ProcessSpec, why: str) -> None:
        log_path = self.log_dir / f"{spec.name}.log"
        self._set_state(spec.name, "given up")
        message = "\n".join(
            [
                "=" * 78,
                f"ONEWINDOW HAS STOPPED: the supervisor gave up on the {spec.title} ({spec.name}).",
                f"Why: {why}; {self.max_restarts} restarts are allowed.",
                "Every OneWindow process is being stopped now, so that no citizen is left with a",
                "half-working assistant. The chat, console and API are DOWN until someone acts.",
                f"What to do: read {log_path} (last lines below) for the cause, fix it,",
                "then start again with 'onewindow up' (check with 'onewindow status').",
                "-" * 78,
                *(_tail(log_path) or ["(the log is empty)"]),
                "=" * 78,
            ]
        )
        log.critical(message)
        print(message, file=sys.stderr, flush=True)
        raise GaveUp(f"Gave up on the {spec.title} ({spec.name}): {why}. See {log_path}.")

    def _set_state(self, name: str, state: str) -> None:
        self.states[name] = state
        if self.state_file is None:
            return
        report = {
            spec.name: {
                "title": spec.title,
                "state": self.states.get(spec.name, "not started"),
                "pid": self.running[spec.name].pid if spec.name in self.running else None,
                "restarts": self.restarts.get(spec.name, 0),
                "health_url": _public_url(spec.health_url),
            }
            for spec in self.specs
        }
        try:
            write_private(self.state_file, json.dumps({"supervisor_pid": os.getpid(), "processes": report}, indent=2))
        except OSError as error:
            log.warning("could not write %s: %s", self.state_file, error)

    def health(self) -> Dict[str, str]:
        """Each process's state now: healthy, not answering, or exited."""
        report = {}
        for spec in self.specs:
            process = self.running.get(spec.name)
            if process is None:
                report[spec.name] = self.states.get(spec.name, "not started")
            elif process.poll() is not None:
                report[spec.name] = f"exited ({_describe_exit(process.returncode)})"
            else:
                report[spec.name] = "healthy" if is_healthy(spec.health_url) else "running but not answering"
        return report

    # --- stopping ---------------------------------------------------------------------
    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            process = self.running[name]
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for name, process in self.running.items():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            if self.states.get(name) != "given up":
                self._set_state(name, "stopped")
        if self.running:
            log.info("stopped %s", ", ".join(spec.title for spec in self.specs if spec.name in self.running))
        self.running.clear()
        if self._log_handler is not None:
            log.removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None


def _describe_exit(code: Optional[int]) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"code {code}"


def _tail(path: Path, lines: int = 15) -> List[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return ["  | " + line for line in text.splitlines()[-lines:]]


def _public_url(url: str) -> str:
    """A health URL without its query (the Rasa one carries the token)."""
    return str(httpx.URL(url).copy_with(query=None))


def is_healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False

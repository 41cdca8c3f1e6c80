"""The processes OneWindow runs on one machine, and a small supervisor that
starts them, waits until each is healthy, restarts one that dies, and stops
them all together. Used by `onewindow up` and by the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import httpx

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class ProcessSpec:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    start_timeout: float = 180.0


def render_endpoints(settings: Settings) -> Path:
    """endpoints.yml for this run: the committed file with the action server's
    port and the tracker store's database filled in from the settings."""
    import yaml

    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{settings.action_port}/webhook"}
    store = endpoints.get("tracker_store")
    if isinstance(store, dict) and store.get("dialect", "sqlite") == "sqlite" and not settings.database_url:
        store["db"] = str((settings.data_dir / "onewindow.db").resolve())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


def specs(settings: Settings, model: Path | None = None) -> List[ProcessSpec]:
    """Action server, Rasa server (API behind a token, loopback only), web app."""
    model = model or settings.model_path
    token = settings.secret("rasa_token")
    endpoints = render_endpoints(settings)
    env = {
        "ONEWINDOW_DATA_DIR": str(settings.data_dir.resolve()),
        "ONEWINDOW_RASA_URL": settings.rasa_url,
        "ONEWINDOW_RASA_TOKEN": token,
        "ONEWINDOW_ACTION_PORT": str(settings.action_port),
        "ONEWINDOW_ACTION_URL": f"http://127.0.0.1:{settings.action_port}/webhook",
    }
    if settings.database_url:
        env["ONEWINDOW_DATABASE_URL"] = settings.database_url
    rasa = str(BIN / "rasa")
    return [
        ProcessSpec(
            name="actions",
            command=[rasa, "run", "actions", "--actions", "actions", "--port", str(settings.action_port)],
            health_url=f"http://127.0.0.1:{settings.action_port}/health",
            env=env,
        ),
        ProcessSpec(
            name="rasa",
            command=[
                rasa,
                "run",
                "--model",
                str(model),
                "--enable-api",
                "--auth-token",
                token,
                "--interface",
                "127.0.0.1",
                "--port",
                str(settings.rasa_port),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
            health_url=f"http://127.0.0.1:{settings.rasa_port}/status?token={token}",
            env=env,
            start_timeout=300.0,
        ),
        ProcessSpec(
            name="web",
            command=[
                str(BIN / "uvicorn"),
                "bot.web.app:create_app",
                "--factory",
                "--host",
                settings.web_host,
                "--port",
                str(settings.web_port),
            ],
            health_url=f"http://127.0.0.1:{settings.web_port}/healthz",
            env=env,
        ),
    ]


class Supervisor:
    """Starts processes in order, each once the previous is healthy."""

    def __init__(self, process_specs: List[ProcessSpec], log_dir: Path, max_restarts: int = 3) -> None:
        self.specs = process_specs
        self.log_dir = log_dir
        self.max_restarts = max_restarts
        self.running: Dict[str, subprocess.Popen] = {}
        self.restarts: Dict[str, int] = {}

    def start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for spec in self.specs:
            self._start(spec)
            self._wait_healthy(spec)

    def _start(self, spec: ProcessSpec) -> None:
        log = open(self.log_dir / f"{spec.name}.log", "ab")
        self.running[spec.name] = subprocess.Popen(
            spec.command,
            cwd=ROOT,
            env={**os.environ, **spec.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_healthy(self, spec: ProcessSpec) -> None:
        deadline = time.monotonic() + spec.start_timeout
        process = self.running[spec.name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = self.log_dir / f"{spec.name}.log"
                raise RuntimeError(f"{spec.name} exited with code {process.returncode} while starting; see {log}")
            if is_healthy(spec.health_url):
                return
            time.sleep(0.5)
        raise RuntimeError(
            f"{spec.name} was not healthy after {spec.start_timeout:.0f}s; see {self.log_dir}/{spec.name}.log"
        )

    def watch(self) -> None:
        """Block, restarting a process that died (a few times), until interrupted."""
        while True:
            time.sleep(1)
            for spec in self.specs:
                process = self.running[spec.name]
                if process.poll() is None:
                    continue
                count = self.restarts.get(spec.name, 0) + 1
                if count > self.max_restarts:
                    raise RuntimeError(f"{spec.name} keeps exiting (code {process.returncode}); see its log")
                self.restarts[spec.name] = count
                print(f"{spec.name} exited with code {process.returncode}; restarting ({count}/{self.max_restarts})")
                self._start(spec)
                self._wait_healthy(spec)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            process = self.running[name]
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.running.clear()


def is_healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False

"""`onewindow train` and `onewindow up`: the Rasa model and the running processes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List

import httpx
import typer

from bot.cli.common import SEED_DIR, fail
from bot.cli.db import db_init
from bot.settings import get_settings


def train(force: bool = typer.Option(False, help="train even if Rasa finds nothing changed")) -> None:
    """Train the Rasa model (models/onewindow.tar.gz) from config.yml, domain.yml and data/."""
    import subprocess
    import time

    from bot.components import reproducible
    from bot.processes import BIN, ROOT

    # seeded, fixed threads, deterministic ops (README, "Reproducible training")
    command = reproducible.command(
        str(BIN / "python"),
        [
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            "models",
            "--fixed-model-name",
            "onewindow",
        ],
    )
    if force:
        command.append("--force")
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=reproducible.environment())
    if result.returncode != 0:
        fail("Training failed; see the output above.", result.returncode)
    (ROOT / "models" / "onewindow.tar.gz").touch()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    seconds = round(time.monotonic() - started, 1)
    (settings.data_dir / "train_time.json").write_text(json.dumps({"seconds": seconds, "forced": force}))
    typer.echo(f"Model ready: models/onewindow.tar.gz ({seconds} s).")


def up(
    scaled: bool = typer.Option(
        False, help="PostgreSQL, Redis, REPLICAS of each process and nginx on loopback (bot/platform/scaled.py)"
    ),
    replicas: int = typer.Option(2, min=1, max=8, help="with --scaled: how many of each process"),
) -> None:
    """Start the action server, the Rasa server and the web app; print the URLs and each one's health."""
    from bot.processes import ROOT, Supervisor, specs

    if scaled:
        from bot.platform import scaled as scaled_stack
        from bot.platform.services import ServiceUnavailable

        try:
            scaled_stack.run(replicas)
        except (RuntimeError, ServiceUnavailable) as error:
            fail(str(error))
        return

    settings = get_settings()
    model = settings.model_path if settings.model_path.is_absolute() else ROOT / settings.model_path
    if not model.exists():
        fail(f"No trained model at {model}: run 'onewindow train' (or 'make run', which trains when needed).")
    db_init(seed=SEED_DIR, reseed=False)
    supervisor = Supervisor(specs(settings, model), log_dir=settings.data_dir / "logs", state_file=state_file(settings))
    import signal

    # A service manager stops us with SIGTERM: stop the children too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    typer.echo("Starting the action server, the Rasa server (about a minute to load the model) and the web app...")
    try:
        supervisor.start_all()
        typer.echo("\nOneWindow is running:\n" + "\n".join(url_lines(settings)))
        typer.echo("Processes:\n" + "\n".join(health_lines(supervisor.health(), settings)))
        typer.echo("Check them again with 'onewindow status'. Press Ctrl-C to stop.")
        supervisor.watch()
    except KeyboardInterrupt:
        typer.echo("Stopping...")
    except RuntimeError as error:
        fail(str(error))
    finally:
        supervisor.stop_all()


def _scaled_status(rows: List[tuple], settings) -> None:  # type: ignore[no-untyped-def]
    typer.echo("Scaled stack:")
    typer.echo("\n".join(f"  {title:<22}  {state:<34}  {where}" for title, state, where in rows))
    down = [title for title, state, _ in rows if not state.startswith("healthy")]
    if down:
        fail(
            f"{len(down)} of {len(rows)} part(s) not healthy: {', '.join(down)}. "
            f"The supervisor restarts a replica that exits; logs in {settings.data_dir / 'logs'}."
        )
    typer.echo("All healthy.")


def state_file(settings) -> Path:  # type: ignore[no-untyped-def]
    """Where the supervisor keeps each process's state for 'onewindow status'."""
    return settings.data_dir / "logs" / "processes.json"


def url_lines(settings) -> List[str]:  # type: ignore[no-untyped-def]
    from bot.settings import connect_host

    base = f"http://{connect_host(settings.web_host)}:{settings.web_port}"
    exposure = "loopback only" if _loopback(settings.rasa_host) else f"listening on {settings.rasa_host}"
    action_exposure = "loopback only" if _loopback(settings.action_host) else f"listening on {settings.action_host}"
    return [
        f"  citizen chat          {base}/chat",
        f"  agent console         {base}/console",
        f"  catalogue admin       {base}/admin/catalogue",
        f"  API description       {base}/openapi.json",
        f"  health                {base}/healthz",
        f"  Rasa                  {settings.rasa_url} ({exposure}; token: ONEWINDOW_RASA_TOKEN or "
        f"{settings.data_dir / '.rasa_token'})",
        f"  action server         {settings.action_url} ({action_exposure}; token: ONEWINDOW_ACTION_TOKEN or "
        f"{settings.data_dir / '.action_token'})",
        f"  logs                  {settings.data_dir / 'logs'}",
    ]


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def health_lines(states: Dict[str, str], settings) -> List[str]:  # type: ignore[no-untyped-def]
    from bot.processes import health_checks

    return [
        f"  {check.title:<20}  {states.get(check.name, 'unknown'):<26}  {check.url}"
        for check in health_checks(settings)
    ]


def status() -> None:
    """Say whether each process (action server, Rasa server, web app) answers its health check;
    for a running scaled stack, each replica, nginx, PostgreSQL and Redis."""
    from bot.platform import scaled
    from bot.processes import health_checks, is_healthy

    settings = get_settings()
    stack = scaled.running_stack(settings)
    if stack is not None:
        _scaled_status(scaled.stack_health(settings, stack), settings)
        return
    recorded: Dict[str, dict] = {}
    path = state_file(settings)
    if path.exists():
        try:
            recorded = json.loads(path.read_text(encoding="utf-8")).get("processes", {})
        except (OSError, ValueError):
            recorded = {}
    states = {}
    for check in health_checks(settings):
        url = str(httpx.URL(check.url, params=check.params))
        if is_healthy(url):
            states[check.name] = "healthy"
        else:
            last = recorded.get(check.name, {}).get("state")
            states[check.name] = f"not answering (supervisor: {last})" if last else "not answering"
        restarts = recorded.get(check.name, {}).get("restarts")
        if restarts:
            states[check.name] += f", restarted {restarts}x"
    typer.echo("\n".join(health_lines(states, settings)))
    down = [name for name, state in states.items() if not state.startswith("healthy")]
    if down:
        fail(
            f"{len(down)} of {len(states)} process(es) not healthy. Start them with 'onewindow up'; "
            f"logs in {settings.data_dir / 'logs'}."
        )
    typer.echo("All healthy.")

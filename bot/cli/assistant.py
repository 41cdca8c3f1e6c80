"""`onewindow train` and `onewindow up`: the Rasa model and the running processes."""

from __future__ import annotations

import json
import sys

import typer

from bot.cli.common import SEED_DIR, fail
from bot.cli.db import db_init
from bot.settings import get_settings


def train(force: bool = typer.Option(False, help="train even if Rasa finds nothing changed")) -> None:
    """Train the Rasa model (models/onewindow.tar.gz) from config.yml, domain.yml and data/."""
    import subprocess
    import time

    from bot.processes import BIN, ROOT

    command = [
        str(BIN / "rasa"),
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
    ]
    if force:
        command.append("--force")
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        fail("Training failed; see the output above.", result.returncode)
    (ROOT / "models" / "onewindow.tar.gz").touch()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    seconds = round(time.monotonic() - started, 1)
    (settings.data_dir / "train_time.json").write_text(json.dumps({"seconds": seconds, "forced": force}))
    typer.echo(f"Model ready: models/onewindow.tar.gz ({seconds} s).")


def up() -> None:
    """Start the action server, the Rasa server and the web app; print the URLs."""
    from bot.processes import ROOT, Supervisor, specs

    settings = get_settings()
    model = settings.model_path if settings.model_path.is_absolute() else ROOT / settings.model_path
    if not model.exists():
        fail(f"No trained model at {model}: run 'onewindow train' (or 'make run', which trains when needed).")
    db_init(seed=SEED_DIR, reseed=False)
    supervisor = Supervisor(specs(settings, model), log_dir=settings.data_dir / "logs")
    import signal

    # A service manager stops us with SIGTERM: stop the children too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    typer.echo("Starting the action server, the Rasa server (about a minute to load the model) and the web app...")
    try:
        supervisor.start_all()
        base = f"http://{settings.web_host}:{settings.web_port}"
        typer.echo(
            f"\nOneWindow is running:\n"
            f"  citizen chat      {base}/chat\n"
            f"  agent console     {base}/console\n"
            f"  catalogue API     {base}/docs\n"
            f"  health            {base}/healthz\n"
            f"  Rasa (loopback)   {settings.rasa_url} (token in {settings.data_dir}/.rasa_token)\n"
            f"  logs              {settings.data_dir / 'logs'}\n"
            f"Press Ctrl-C to stop."
        )
        supervisor.watch()
    except KeyboardInterrupt:
        typer.echo("Stopping...")
    except RuntimeError as error:
        fail(str(error))
    finally:
        supervisor.stop_all()

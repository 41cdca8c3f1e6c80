"""The real stack for end-to-end tests: action server, Rasa server with the
trained model, and the web app, started by the project's own supervisor on
ports of their own, with a fresh seeded database. Started once per session
(loading the model takes about a minute)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, add_people, free_port

MODEL = ROOT / "models" / "onewindow.tar.gz"
AGENTS = [("agent1", "Agent1", "agent", []), ("agent2", "Agent2", "agent", [])]  # password: support.PASSWORD


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make train' (make test trains it first).")
    from bot.processes import Supervisor, specs
    from bot.settings import Settings

    data_dir = tmp_path_factory.mktemp("stack")
    web, rasa, actions = free_port(), free_port(), free_port()
    settings = Settings(
        data_dir=data_dir,
        web_port=web,
        rasa_port=rasa,
        action_port=actions,
        rasa_url=f"http://127.0.0.1:{rasa}",
        staffed_hours="always",
        model_path=MODEL,
    )
    env = {**os.environ, "ONEWINDOW_DATA_DIR": str(data_dir)}
    env.pop("ONEWINDOW_DATABASE_URL", None)
    onewindow = str(Path(sys.executable).parent / "onewindow")
    subprocess.run([onewindow, "db", "init"], env=env, check=True, capture_output=True, timeout=300)
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope

    engine = make_engine(settings.resolved_database_url())
    with session_scope(make_session_factory(engine)) as session:
        add_people(session, AGENTS)  # the cheap test hasher; `onewindow users add` has tests of its own
    engine.dispose()
    process_specs = specs(settings, MODEL)
    for spec in process_specs:
        spec.env.update(
            {
                "ONEWINDOW_STAFFED_HOURS": settings.staffed_hours,
                "ONEWINDOW_RASA_URL": settings.rasa_url,
                "ONEWINDOW_WEB_PORT": str(web),
            }
        )
    supervisor = Supervisor(process_specs, log_dir=data_dir / "logs")
    try:
        supervisor.start_all()
    except RuntimeError as error:
        logs = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in (data_dir / "logs").glob("*.log"))
        supervisor.stop_all()
        pytest.fail(f"{error}\n{logs}")
    yield {
        "web": f"http://127.0.0.1:{web}",
        "rasa": settings.rasa_url,
        "data_dir": data_dir,
        "token": settings.secret("rasa_token"),
        "settings": settings,
    }
    supervisor.stop_all()

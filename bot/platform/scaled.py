"""`onewindow up --scaled`: the whole scaled topology on one machine, on loopback.

PostgreSQL and Redis (bot/platform/services.py, data in DATA_DIR/services),
then N action servers, N Rasa servers and N web apps behind one nginx:

    citizens -> nginx :WEB_PORT  (ip_hash: a WebSocket stays on its replica)
                  -> web-1..N    (WEB_PORT+1..)            -> nginx :RASA_PORT
                                                             -> rasa-1..N (RASA_PORT+1..)
                                                                 -> nginx :ACTION_PORT -> actions-1..N
    every process -> PostgreSQL (catalogue, cases, conversations, Rasa trackers)
    Rasa (lock store), web apps (message fan-out) -> Redis

The public, Rasa and action addresses stay the single-stack ones (nginx holds
them), so the settings mean the same thing in both modes. Each process is
supervised and health-checked like the single stack's (bot/processes.py).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import List, Optional, Tuple

from bot.processes import BIN, ROOT, ProcessSpec, health_checks, render_endpoints
from bot.settings import Settings, connect_host

# How long a Rasa replica's turn may hold a conversation's lock in Redis. Rasa's default (60 s)
# means that when a replica dies mid-turn (SIGKILL, out of memory) the conversation waits a
# minute before any other replica may answer it; a turn takes seconds even at saturation.
RASA_LOCK_SECONDS = 20


def nginx_program() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError("nginx is not installed: run 'make services' (apt-get install nginx-light)")
    return found


def nginx_config(settings: Settings, replicas: int, folder: Path) -> str:
    """One nginx for the three tiers: ip_hash for the web apps (sticky WebSockets),
    round robin for Rasa and the action servers (Redis orders each conversation)."""

    def upstream(name: str, port: int, policy: str = "") -> str:
        servers = "\n".join(
            f"    server 127.0.0.1:{port + i} max_fails=1 fail_timeout=2s;" for i in range(1, replicas + 1)
        )
        return f"  upstream {name} {{\n{policy}{servers}\n    keepalive 32;\n  }}\n"

    web = upstream("web", settings.web_port, "    ip_hash;\n")
    rasa = upstream("rasa", settings.rasa_port)
    actions = upstream("actions", settings.action_port)
    return f"""# Written by bot/platform/scaled.py for one run; loopback only.
{"user nobody nogroup;" if not os.geteuid() else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_buffer_size 2m;  # bodies stay in memory (the temp folder is the owner's alone)
  client_body_temp_path {folder / "tmp"};
  proxy_temp_path {folder / "tmp"};
  proxy_max_temp_file_size 0;
  client_max_body_size 2m;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_read_timeout 120s;
  proxy_next_upstream error timeout http_502 http_503;
  proxy_next_upstream_tries 2;
{web}
{rasa}
{actions}
  map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
  server {{
    listen 127.0.0.1:{settings.web_port};
    location / {{
      proxy_pass http://web;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
    }}
  }}
  server {{
    listen 127.0.0.1:{settings.rasa_port};
    location / {{
      # A Rasa replica that dies mid-turn (connection reset before any answer) has saved
      # nothing unless it died between saving the tracker and answering (a turn then counted
      # twice, not lost): the turn goes to the next replica, which waits for the dead one's
      # lock ticket to expire (RASA_LOCK_SECONDS). Never after a timeout: the first may still run.
      proxy_next_upstream error non_idempotent;
      proxy_pass http://rasa;
    }}
  }}
  server {{
    listen 127.0.0.1:{settings.action_port};
    location / {{
      # actions read the catalogue and return events for Rasa to apply: one whose server died
      # mid-call is safe to run again on another replica
      proxy_next_upstream error non_idempotent;
      proxy_pass http://actions;
    }}
  }}
}}
"""


def specs(settings: Settings, model: Path, replicas: int) -> List[ProcessSpec]:
    """Every process of the scaled stack, nginx last (it fronts the others)."""
    folder = settings.data_dir / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(nginx_config(settings, replicas, folder), encoding="utf-8")
    endpoints = render_endpoints(settings)  # action_url is nginx's action port: any replica answers
    rasa_token = settings.secret("rasa_token")
    action_token = settings.secret("action_token")
    shared = {
        "ONEWINDOW_DATA_DIR": str(settings.data_dir.resolve()),
        "ONEWINDOW_DATABASE_URL": settings.database_url or "",
        "ONEWINDOW_REDIS_URL": settings.redis_url or "",
        "ONEWINDOW_RASA_URL": settings.rasa_url,  # nginx, round robin over the Rasa replicas
        "ONEWINDOW_ACTION_URL": settings.action_url,
        "ONEWINDOW_TRUSTED_PROXIES": '["127.0.0.1"]',  # nginx passes the citizen's address
    }
    python = sys.executable
    out: List[ProcessSpec] = []
    for i in range(1, replicas + 1):
        port = settings.action_port + i
        out.append(
            ProcessSpec(
                name=f"actions-{i}",
                title=f"action server {i}",
                command=[python, "-m", "bot.servers.action_server", "--host", "127.0.0.1", "--port", str(port)],
                health_url=f"http://127.0.0.1:{port}/health",
                env={**shared, "ONEWINDOW_ACTION_TOKEN": action_token},
            )
        )
    for i in range(1, replicas + 1):
        port = settings.rasa_port + i
        out.append(
            ProcessSpec(
                name=f"rasa-{i}",
                title=f"Rasa server {i}",
                command=[python, "-m", "bot.servers.rasa_server", "run", "--model", str(model), "--enable-api",
                         "--interface", "127.0.0.1", "--port", str(port), "--endpoints", str(endpoints),
                         "--credentials", str(ROOT / "credentials.yml")],
                health_url=f"http://127.0.0.1:{port}/status?token={rasa_token}",
                env={**shared, "ONEWINDOW_RASA_TOKEN": rasa_token, "ONEWINDOW_ACTION_TOKEN": action_token,
                     "TICKET_LOCK_LIFETIME": str(RASA_LOCK_SECONDS)},
                start_timeout=420.0,
            )
        )  # fmt: skip
    for i in range(1, replicas + 1):
        port = settings.web_port + i
        out.append(
            ProcessSpec(
                name=f"web-{i}",
                title=f"web app {i}",
                command=[str(BIN / "uvicorn"), "bot.web.app:create_app", "--factory", "--no-proxy-headers",
                         "--log-config", str(ROOT / "bot" / "web" / "access_log.yml"),
                         "--host", "127.0.0.1", "--port", str(port)],
                health_url=f"http://127.0.0.1:{port}/healthz",
                env={**shared, "ONEWINDOW_RASA_TOKEN": rasa_token},
            )
        )  # fmt: skip
    web = {check.name: check for check in health_checks(settings)}["web"]
    out.append(
        ProcessSpec(
            name="nginx",
            title="nginx (load balancer)",
            command=[nginx_program(), "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
            health_url=web.url,
        )
    )
    return out


def start_services(settings: Settings) -> tuple:
    """PostgreSQL and Redis in DATA_DIR/services unless the settings name others."""
    from bot.platform.services import Postgres, Redis, _remembered_port

    folder = (settings.data_dir / "services").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    started: list = []
    database_url, redis_url = settings.database_url, settings.redis_url
    try:
        if not database_url:
            _open_path(folder)
            postgres = Postgres(folder / "postgres", _remembered_port(folder / "postgres.port"))
            started.append(postgres.start())
            database_url = postgres.url
        if not redis_url:
            redis = Redis(folder / "redis", _remembered_port(folder / "redis.port"))
            started.append(redis.start())
            redis_url = redis.url
    except BaseException:
        for service in reversed(started):  # nothing left running when the other could not start
            service.stop()
        raise
    return database_url, redis_url, started


def _open_path(folder: Path) -> None:
    """As root, PostgreSQL runs as `postgres`: it must be able to reach its folder
    (the data folder stays closed to others; only passing through is allowed)."""
    if os.geteuid() != 0:
        return
    for parent in [folder, *folder.parents]:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def run(replicas: int, on_ready=None) -> None:  # type: ignore[no-untyped-def]
    """Start everything, report each process's health, supervise until stopped."""
    import signal

    import typer

    from bot.cli.common import SEED_DIR
    from bot.cli.db import db_init
    from bot.processes import Supervisor
    from bot.settings import get_settings

    settings = get_settings()
    model = settings.model_path if settings.model_path.is_absolute() else ROOT / settings.model_path
    if not model.exists():
        raise RuntimeError(f"No trained model at {model}: run 'onewindow train' (or 'make run').")
    database_url, redis_url, services = start_services(settings)
    os.environ["ONEWINDOW_DATABASE_URL"], os.environ["ONEWINDOW_REDIS_URL"] = database_url, redis_url
    get_settings.cache_clear()
    settings = get_settings()
    supervisor = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        db_init(seed=SEED_DIR, reseed=False)  # migrations, first admin, seed catalogue: on PostgreSQL
        processes = specs(settings, model, replicas)
        remember(settings, processes, database_url, redis_url)
        supervisor = Supervisor(
            processes,
            log_dir=settings.data_dir / "logs",
            state_file=settings.data_dir / "logs" / "processes.json",
        )
        typer.echo(f"Starting {replicas} action servers, {replicas} Rasa servers, {replicas} web apps and nginx...")
        supervisor.start_all()
        base = f"http://{connect_host(settings.web_host)}:{settings.web_port}"
        typer.echo(f"\nOneWindow (scaled) is running: {base}/chat, console {base}/console")
        typer.echo(f"  PostgreSQL {_without_password(database_url)}, Redis {redis_url}")
        for name, state in supervisor.health().items():
            typer.echo(f"  {name:<12} {state}")
        if on_ready is not None:
            on_ready(supervisor)
        supervisor.watch()
    except KeyboardInterrupt:
        typer.echo("Stopping...")
    finally:
        if supervisor is not None:
            supervisor.stop_all()
        for service in reversed(services):
            service.stop()
        stack_file(settings).unlink(missing_ok=True)


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- `onewindow status` for the scaled stack -----------------------------------------------------


def stack_file(settings: Settings) -> Path:
    """What `onewindow status` needs to check a running scaled stack (owner-only: it holds the database URL)."""
    return settings.data_dir / "logs" / "scaled.json"


def remember(settings: Settings, processes: List[ProcessSpec], database_url: str, redis_url: str) -> None:
    """Write the stack's processes and services for `onewindow status` (removed when the stack stops)."""
    import json

    import httpx

    from bot.processes import write_private

    entries = [
        {
            "name": spec.name,
            "title": spec.title,
            "url": str(httpx.URL(spec.health_url).copy_with(query=None)),  # the Rasa token stays out of the file
            "token": spec.name.startswith("rasa-"),
        }
        for spec in processes
    ]
    record = {"supervisor_pid": os.getpid(), "processes": entries, "database_url": database_url, "redis_url": redis_url}
    write_private(stack_file(settings), json.dumps(record, indent=2))


def running_stack(settings: Settings) -> Optional[dict]:
    """The scaled stack recorded in the data folder, if its supervisor still runs (a stack that was
    killed leaves its file behind; then the single stack's status applies)."""
    import json

    try:
        record = json.loads(stack_file(settings).read_text(encoding="utf-8"))
        os.kill(int(record["supervisor_pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record


def stack_health(settings: Settings, record: dict) -> List[Tuple[str, str, str]]:
    """(title, state, where) for PostgreSQL, Redis, each replica of each role and nginx."""
    import json

    import httpx

    from bot.processes import is_healthy

    try:
        supervised = json.loads((settings.data_dir / "logs" / "processes.json").read_text(encoding="utf-8"))
        supervised = supervised.get("processes", {})
    except (OSError, ValueError):
        supervised = {}
    rows = [
        ("PostgreSQL", _postgres_state(record["database_url"]), _without_password(record["database_url"])),
        ("Redis", _redis_state(record["redis_url"]), _without_password(record["redis_url"])),
    ]
    token = settings.secret("rasa_token")
    for entry in record["processes"]:
        url = str(httpx.URL(entry["url"], params={"token": token})) if entry.get("token") else entry["url"]
        if is_healthy(url):
            state = "healthy"
        else:
            last = supervised.get(entry["name"], {}).get("state")
            state = f"not answering (supervisor: {last})" if last else "not answering"
        restarts = supervised.get(entry["name"], {}).get("restarts")
        if restarts:
            state += f", restarted {restarts}x"
        rows.append((entry["title"], state, entry["url"]))
    return rows


def _postgres_state(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url, future=True, connect_args={"connect_timeout": 3}, poolclass=_null_pool())
    try:
        with engine.connect() as connection:
            connections = connection.execute(text("SELECT count(*) FROM pg_stat_activity")).scalar_one()
        return f"healthy ({connections} connections)"
    except SQLAlchemyError as error:
        return f"not answering ({type(getattr(error, 'orig', error)).__name__})"
    finally:
        engine.dispose()


def _redis_state(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
    try:
        client.ping()
        return f"healthy ({client.info('clients').get('connected_clients', '?')} clients)"
    except redis.RedisError as error:
        return f"not answering ({type(error).__name__})"
    finally:
        client.close()


def _null_pool():  # type: ignore[no-untyped-def]
    from sqlalchemy.pool import NullPool

    return NullPool

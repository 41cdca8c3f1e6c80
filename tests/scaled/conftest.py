"""Real PostgreSQL and Redis on loopback for the `scaled` tests, started once per
session in a folder of their own (bot/platform/services.py) and stopped after.
When the servers are not installed (`make services` installs them) every scaled
test is skipped, and says so loudly."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def services():
    from bot.platform.services import Postgres, Redis, ServiceUnavailable, free_port

    folder = Path(tempfile.mkdtemp(prefix="onewindow-scaled-"))
    os.chmod(folder, 0o755)  # PostgreSQL runs as `postgres` when we are root
    postgres = Postgres(folder / "postgres", free_port())
    redis = Redis(folder / "redis", free_port())
    try:
        postgres.start()
        redis.start()
    except ServiceUnavailable as error:
        postgres.stop()
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)
        message = f"SCALED TESTS SKIPPED: {error}"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    try:
        yield postgres, redis
    finally:
        redis.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def database_url(services):
    """A fresh PostgreSQL database for this test, at the newest schema."""
    import uuid

    import psycopg2

    postgres, _ = services
    name = "t_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(
        host="127.0.0.1", port=postgres.port, user=postgres.user, password=postgres.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{postgres.user}:{postgres.password}@127.0.0.1:{postgres.port}/{name}"
    from bot.platform import migrate
    from onewindow_catalogue.database import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture()
def redis_url(services):
    _, redis = services
    import redis as redis_client

    client = redis_client.Redis.from_url(redis.url)
    client.flushdb()
    client.close()
    return redis.url

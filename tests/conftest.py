"""Shared fixtures: a temporary database per test that needs one, the mini
catalogue made for engine tests, the project's real seed catalogue, the cheap
password hasher for every test, Chromium, and a healthy loopback HTTP server. Helpers to import live in
tests/support.py (a conftest is not for importing)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from support import FIXTURES, SEED_DIR, cheap_password_hasher, launch_chromium, seed_database


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Every test hashes passwords with real argon2 at test-sized cost."""
    from bot.users import service as users

    production = users.PASSWORDS
    users.PASSWORDS = cheap_password_hasher()
    yield
    users.PASSWORDS = production


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium, one per test module (skips when it is not installed)."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def mini_catalogue():
    from onewindow_catalogue.loading import read_catalogue

    return read_catalogue(FIXTURES / "mini_catalogue.yml")


@pytest.fixture(scope="session")
def mini_snapshot(mini_catalogue):
    from onewindow_catalogue.snapshot import CatalogueSnapshot

    return CatalogueSnapshot.build(mini_catalogue, revision=1)


@pytest.fixture(scope="session")
def seed_catalogue():
    from onewindow_catalogue.loading import read_catalogue

    return read_catalogue(SEED_DIR)


@pytest.fixture(scope="session")
def seed_snapshot(seed_catalogue):
    from onewindow_catalogue.snapshot import CatalogueSnapshot

    return CatalogueSnapshot.build(seed_catalogue, revision=1)


@pytest.fixture()
def settings(tmp_path, monkeypatch):
    """Settings pointing at a fresh data folder (and SQLite file) for this test."""
    from bot.settings import Settings, get_settings

    monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield Settings(data_dir=tmp_path)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory):
    """A SQLite file with every table and the seed catalogue, made once per run."""
    return seed_database(tmp_path_factory.mktemp("seeded") / "onewindow.db", record_versions=False)


@pytest.fixture()
def seeded_app(settings, seeded_database):
    """The real web app on a fresh copy of the seeded database."""
    import shutil

    from bot.web.app import create_app

    shutil.copyfile(seeded_database, settings.data_dir / "onewindow.db")
    return create_app(settings)


@pytest.fixture()
def client(seeded_app):
    from fastapi.testclient import TestClient

    with TestClient(seeded_app) as test_client:
        yield test_client


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def healthy_server():
    """`healthy_server() -> port`: a loopback HTTP server answering 200 to everything (a healthy process)."""
    servers = []

    def start() -> int:
        server = HTTPServer(("127.0.0.1", 0), _Ok)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()

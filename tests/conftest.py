"""Shared fixtures: a temporary database per test that needs one, the mini
catalogue made for engine tests, and the project's real seed catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_DIR = ROOT / "catalogue" / "seed"


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
    from bot.schema import create_schema
    from onewindow_catalogue import service
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
    from onewindow_catalogue.loading import read_catalogue

    path = tmp_path_factory.mktemp("seeded") / "onewindow.db"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    with session_scope(make_session_factory(engine)) as session:
        service.replace_all(db_session=session, catalogue=read_catalogue(SEED_DIR))
    engine.dispose()
    return path


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

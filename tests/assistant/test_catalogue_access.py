"""The action server's catalogue snapshot: the revision is read at most once per
check interval (not on every action call), and a publish still reaches every
replica — each process with its own cache over the one shared database."""

import pytest

from bot.assistant.catalogue_access import CatalogueAccess
from bot.schema import create_schema
from onewindow_catalogue import service
from onewindow_catalogue.database import make_engine, make_session_factory, session_scope


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def database(tmp_path, mini_catalogue):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = make_engine(url)
    create_schema(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        service.replace_all(db_session=session, catalogue=mini_catalogue)
    return url, factory


def replica(url: str, clock: Clock, seconds: float = 2.0) -> tuple[CatalogueAccess, list]:
    """A replica's access over its own engine, counting the sessions it opens."""
    opened: list = []
    factory = make_session_factory(make_engine(url))

    def counting_factory():  # type: ignore[no-untyped-def]
        opened.append(1)
        return factory()

    return CatalogueAccess(counting_factory, seconds, clock=clock), opened


def test_calls_within_the_interval_do_not_touch_the_database(database):
    url, _ = database
    clock = Clock()
    access, opened = replica(url, clock)
    first = access.get()
    for _ in range(50):
        clock.now += 0.01
        assert access.get() is first
    assert len(opened) == 1
    clock.now += 2.0
    assert access.get() is first  # same revision: the same snapshot, one more cheap check
    assert len(opened) == 2


def test_a_publish_reaches_every_replica_within_the_interval(database, mini_catalogue, seed_catalogue):
    url, factory = database
    clock = Clock()
    replicas = [replica(url, clock)[0] for _ in range(2)]
    assert all(len(access.get().services) == len(mini_catalogue.services) for access in replicas)
    with session_scope(factory) as session:
        revision = service.replace_all(db_session=session, catalogue=seed_catalogue)
    clock.now += 1.0
    assert all(access.get().revision == revision - 1 for access in replicas)  # not yet checked
    clock.now += 1.0
    for access in replicas:
        snapshot = access.get()
        assert snapshot.revision == revision
        assert len(snapshot.services) == len(seed_catalogue.services)


def test_zero_seconds_checks_on_every_call(database, seed_catalogue):
    url, factory = database
    access, opened = replica(url, Clock(), seconds=0)
    access.get()
    with session_scope(factory) as session:
        revision = service.replace_all(db_session=session, catalogue=seed_catalogue)
    assert access.get().revision == revision
    assert len(opened) == 2

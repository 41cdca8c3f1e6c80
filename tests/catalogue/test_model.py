"""The catalogue tables: a catalogue goes in and comes back out unchanged,
import replaces all or nothing, and every published change moves the revision."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.schema import create_schema
from onewindow_catalogue import service
from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
from onewindow_catalogue.models import ServiceRelationRow
from onewindow_catalogue.snapshot import SnapshotCache


@pytest.fixture()
def factory(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    create_schema(engine)
    return make_session_factory(engine)


def test_round_trip_through_the_database(factory, seed_catalogue):
    with session_scope(factory) as session:
        assert service.replace_all(db_session=session, catalogue=seed_catalogue) == 1
    with session_scope(factory) as session:
        assert service.read_all(db_session=session) == seed_catalogue
        covers = (
            session.execute(
                select(ServiceRelationRow.target_id).where(
                    ServiceRelationRow.service_id == "on-newborn-registration-service",
                    ServiceRelationRow.kind == "covers",
                )
            )
            .scalars()
            .all()
        )
        assert "ca-sin" in covers


def test_revision_moves_and_snapshots_reload(factory, mini_catalogue, seed_catalogue):
    cache = SnapshotCache()
    with session_scope(factory) as session:
        service.replace_all(db_session=session, catalogue=mini_catalogue)
    with session_scope(factory) as session:
        first = cache.get(session)
        assert cache.get(session) is first and len(first.services) == len(mini_catalogue.services)
    with session_scope(factory) as session:
        assert service.replace_all(db_session=session, catalogue=seed_catalogue) == 2
    with session_scope(factory) as session:
        assert len(cache.get(session).services) == len(seed_catalogue.services)


def test_a_failed_import_loads_nothing(factory, seed_catalogue, mini_catalogue):
    with session_scope(factory) as session:
        service.replace_all(db_session=session, catalogue=mini_catalogue)
    broken = seed_catalogue.copy(deep=True)
    broken.services[0].organisation = "no-such-organisation"  # a foreign key the database refuses
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        service.replace_all(db_session=session, catalogue=broken)
    with session_scope(factory) as session:
        assert service.read_all(db_session=session) == mini_catalogue
        assert service.current_revision(db_session=session) == 1

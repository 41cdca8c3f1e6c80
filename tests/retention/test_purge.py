"""Retention: old conversations and closed cases go; anonymous counts stay."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.cases import service as cases
from bot.cases.models import CaseRow
from bot.conversations import service as conversations
from bot.conversations.models import ConversationRow, MessageRow
from bot.retention import service as retention
from bot.retention.models import ArchivedContactRow
from onewindow_catalogue.database import session_scope

LONG_AGO = dt.datetime(2026, 1, 5, 12, tzinfo=dt.timezone.utc)


def count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture()
def history(seeded_app):
    """An old contained chat, an old chat with a closed case, an old chat whose case is
    still open, and a fresh chat."""
    factory = seeded_app.state.session_factory
    with session_scope(factory) as session:
        contained = conversations.create(db_session=session)
        conversations.add_message(db_session=session, conversation=contained, sender="user", text="my baby")
        conversations.add_message(
            db_session=session, conversation=contained, sender="bot", text="list", bundle={"x": 1}
        )
        handed = conversations.create(db_session=session)
        conversations.add_message(db_session=session, conversation=handed, sender="user", text="agent please")
        closed = cases.open_case(
            db_session=session,
            conversation=handed,
            queue="family",
            reason="asked_for_person",
            summary={"events": ["birth"]},
        )
        waiting = conversations.create(db_session=session)
        cases.open_case(
            db_session=session,
            conversation=waiting,
            queue="family",
            reason="asked_for_person",
            summary={"events": ["birth"]},
        )
        fresh = conversations.create(db_session=session)
        for row in (contained, handed, waiting):
            row.created_at = row.last_activity_at = LONG_AGO
        closed.status, closed.disposition = "closed", "resolved_tier1"
        closed.created_at, closed.claimed_at = LONG_AGO, LONG_AGO + dt.timedelta(minutes=4)
        closed.closed_at = LONG_AGO + dt.timedelta(minutes=10)
        ids = {"contained": contained.id, "handed": handed.id, "waiting": waiting.id, "fresh": fresh.id}
    return factory, ids


def test_parse_age():
    assert retention.parse_age("30d") == dt.timedelta(days=30)
    assert retention.parse_age("2w") == dt.timedelta(weeks=2)
    with pytest.raises(ValueError, match="expected a number and d, h or w"):
        retention.parse_age("soon")


def test_dry_run_plan_changes_nothing(history):
    factory, ids = history
    with session_scope(factory) as session:
        plan = retention.plan(db_session=session, older_than=dt.timedelta(days=30))
        assert set(plan.conversations) == {ids["contained"], ids["handed"]}
        assert len(plan.cases) == 1 and plan.messages == 3 and plan.kept_open_cases == 1
        assert "1 open case(s) are kept" in plan.describe()
        assert count(session, ConversationRow) == 4


def test_purge_keeps_only_anonymous_counts(history):
    factory, ids = history
    with session_scope(factory) as session:
        retention.purge(
            db_session=session, purge_plan=retention.plan(db_session=session, older_than=dt.timedelta(days=30))
        )
    with session_scope(factory) as session:
        remaining = set(session.execute(select(ConversationRow.id)).scalars())
        assert remaining == {ids["waiting"], ids["fresh"]}
        assert count(session, MessageRow) == 0
        assert count(session, CaseRow) == 1  # the open case stays
        archived = list(session.execute(select(ArchivedContactRow)).scalars())
        by_kind = {row.handed_over: row for row in archived}
        assert len(archived) == 2
        assert by_kind[True].disposition == "resolved_tier1" and by_kind[True].wait_seconds == 240
        assert by_kind[True].handling_seconds == 360 and by_kind[True].events == ["birth"]
        assert by_kind[False].contained is True
        columns = {c.name for c in ArchivedContactRow.__table__.columns}
        assert not columns & {"text", "conversation_id", "reference", "summary", "callback"}


def test_cli_dry_run(history, settings):
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["purge", "--older-than", "30d", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        "2 conversation(s) with 3 message(s), 1 closed case(s)" in result.output
        and "nothing was deleted" in result.output
    )
    bad = CliRunner().invoke(app, ["purge", "--older-than", "forever"])
    assert bad.exit_code == 2 and "expected a number" in bad.output


def test_reports_still_count_purged_contacts(history, seeded_app):
    from bot.console.reports import build_report, date_range

    factory, _ = history
    period = date_range("2026-01-01", "2026-01-31", "America/Toronto")
    with session_scope(factory) as session:
        snapshot = seeded_app.state.snapshots.get(session)
        before = build_report(db_session=session, snapshot=snapshot, period=period)
        retention.purge(
            db_session=session, purge_plan=retention.plan(db_session=session, older_than=dt.timedelta(days=30))
        )
    with session_scope(factory) as session:
        after = build_report(db_session=session, snapshot=snapshot, period=period)
    for key in ("containment", "handoff", "wait", "handling", "dispositions"):
        assert after[key] == before[key], key
    assert after["containment"]["contained"] == 1
    assert {r["id"]: r["count"] for r in after["dispositions"]}["resolved_tier1"] == 1
    assert after["wait"]["median_minutes"] == 4.0

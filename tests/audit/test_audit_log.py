"""The audit log's service functions and the unmatched-question store."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.audit import service as audit
from bot.audit.models import AuditRow
from bot.users.models import SignedIn, UserRead
from onewindow_catalogue.database import session_scope


@pytest.fixture()
def factory(seeded_app):
    return seeded_app.state.session_factory


def owner(username="olu", orgs=("canada-revenue-agency",)):
    return SignedIn(
        user=UserRead(
            id=7, username=username, display_name="Olu", role="owner", organisations=list(orgs), disabled=False
        )
    )


def test_record_accepts_people_names_and_the_system(factory):
    with session_scope(factory) as session:
        audit.record(session, owner(), "service.publish", "service", "ca-sin", {"organisation": "service-canada"})
        audit.record(session, "cli-user", "catalogue.import", "catalogue", "seed", {"services": 66})
        audit.record(session, None, "retention.purge", "conversation", 12, None)
    with session_scope(factory) as session:
        rows = audit.search(session, audit.AuditFilter())
        assert [(r.actor, r.actor_id, r.actor_role) for r in rows] == [
            ("system", None, None),
            ("cli-user", None, None),
            ("olu", 7, "owner"),
        ]
        assert rows[2].organisation == "service-canada" and rows[0].target_id == "12"


def test_filters(factory):
    with session_scope(factory) as session:
        audit.record(session, owner(), "service.publish", "service", "a", {"organisation": "canada-revenue-agency"})
        audit.record(
            session,
            owner("sam", ["service-canada"]),
            "service.publish",
            "service",
            "b",
            {"organisation": "service-canada"},
        )
        audit.record(session, owner(), "access.denied", "service", "b", {"organisation": "service-canada"})
        old = audit.record(session, "root", "draft.save", "service", "a", {"organisation": "canada-revenue-agency"})
        old.at = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    with session_scope(factory) as session:

        def ids(**kwargs):
            return [(r.actor, r.action, r.target_id) for r in audit.search(session, audit.AuditFilter(**kwargs))]

        assert ids(actor="OLU") == [("olu", "access.denied", "b"), ("olu", "service.publish", "a")]
        assert ids(action="service.") == [("sam", "service.publish", "b"), ("olu", "service.publish", "a")]
        assert ids(until=dt.date(2020, 1, 1)) == [("root", "draft.save", "a")]
        assert ("root", "draft.save", "a") not in ids(since=dt.date(2020, 1, 2))
        # an owner sees their organisations' entries and their own doings, not others'
        assert {r for r in ids(organisations=["canada-revenue-agency"], include_actor="olu")} == {
            ("olu", "service.publish", "a"),
            ("olu", "access.denied", "b"),
            ("root", "draft.save", "a"),
        }
        assert audit.count(session, audit.AuditFilter(target_id="b")) == 2
        assert audit.actions(session) == ["access.denied", "draft.save", "service.publish"]


def test_csv_export_cannot_smuggle_formulas(factory):
    with session_scope(factory) as session:
        audit.record(session, "=cmd|' /C calc'!A0", "service.publish", "service", "+evil", {"note": "@SUM(1)"})
        rows = list(csv.DictReader(io.StringIO(audit.to_csv(session.query(AuditRow).all()))))
    assert rows[0]["actor"].startswith("'=") and rows[0]["target_id"] == "'+evil"
    assert rows[0]["detail"] == '{"note": "@SUM(1)"}'  # JSON starts with "{": safe as it is


def test_oversized_detail_is_truncated(factory):
    with session_scope(factory) as session:
        row = audit.record(session, "x", "y", "z", "1", {"organisation": "o", "blob": "a" * 20000})
        assert row.detail == {"organisation": "o", "truncated": True}


def test_unmatched_questions_are_stored_redacted(factory):
    with session_scope(factory) as session:
        row = audit.record_unmatched(session, "My SIN is 046 454 286, how do I get a fishing licence?", "chat")
        assert "046 454 286" not in row.text_redacted and "fishing licence" in row.text_redacted
        assert audit.record_unmatched(session, "   ", "triage") is None
        with pytest.raises(ValueError, match="source"):
            audit.record_unmatched(session, "text", "email")
        audit.record_unmatched(session, "x" * 2000, "phone")
    with session_scope(factory) as session:
        gaps = audit.gap_report(session)
        assert len(gaps) == 2 and max(len(g.text) for g in gaps) == audit.MAX_QUESTION_CHARS

"""Writing and reading the audit log; recording unmatched questions.

`record` adds to the caller's session, so an entry is committed with the
change it describes, or not at all. Refusals (403, 409) are recorded too:
the caller commits before answering with the error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.audit.models import SOURCES, AuditRow, UnmatchedQuestionRow, utcnow

MAX_DETAIL_CHARS = 8000
MAX_QUESTION_CHARS = 500
CSV_COLUMNS = ("at", "actor", "actor_role", "action", "target_type", "target_id", "organisation", "detail")


def _actor_fields(actor: Any) -> Dict[str, Any]:
    """Accepts a SignedIn, a user row/model, a username, or None (the system)."""
    user = getattr(actor, "user", actor)
    if user is None:
        return {"actor": "system", "actor_id": None, "actor_role": None}
    if isinstance(user, str):
        return {"actor": user[:64], "actor_id": None, "actor_role": None}
    return {
        "actor": str(getattr(user, "username", "unknown"))[:64],
        "actor_id": getattr(user, "id", None),
        "actor_role": getattr(user, "role", None),
    }


def record(
    db_session: Session,
    actor: Any,
    action: str,
    target_type: str,
    target_id: Any,
    detail: Optional[Dict[str, Any]] = None,
) -> AuditRow:
    """Add one audit entry to the caller's transaction. `detail` must be
    JSON-serialisable and hold no personal data; detail["organisation"], if
    given, lets that organisation's owners see the entry."""
    detail = dict(detail or {})
    if len(json.dumps(detail, default=str)) > MAX_DETAIL_CHARS:
        detail = {"organisation": detail.get("organisation"), "truncated": True}
    detail = json.loads(json.dumps(detail, default=str))
    row = AuditRow(
        at=utcnow(),
        action=action[:64],
        target_type=target_type[:32],
        target_id=str(target_id)[:128],
        organisation=(str(detail["organisation"])[:128] if detail.get("organisation") else None),
        detail=detail,
        **_actor_fields(actor),
    )
    db_session.add(row)
    db_session.flush()
    return row


@dataclass
class AuditFilter:
    actor: Optional[str] = None
    action: Optional[str] = None  # exact, or a prefix ending in "." ("service.")
    target_id: Optional[str] = None
    since: Optional[dt.date] = None
    until: Optional[dt.date] = None  # inclusive
    organisations: Optional[Sequence[str]] = None  # owners: only these organisations...
    include_actor: Optional[str] = None  # ...and what they did themselves


def search(db_session: Session, where: AuditFilter, limit: int = 200, offset: int = 0) -> List[AuditRow]:
    """Newest first."""
    query = _filtered(select(AuditRow), where).order_by(AuditRow.at.desc(), AuditRow.id.desc())
    return list(db_session.execute(query.limit(limit).offset(offset)).scalars())


def count(db_session: Session, where: AuditFilter) -> int:
    return db_session.execute(_filtered(select(func.count()).select_from(AuditRow), where)).scalar_one()


def actions(db_session: Session) -> List[str]:
    return list(db_session.execute(select(AuditRow.action).distinct().order_by(AuditRow.action)).scalars())


def _filtered(query: Any, where: AuditFilter) -> Any:
    if where.actor:
        query = query.where(AuditRow.actor == where.actor.lower())
    if where.action:
        if where.action.endswith("."):
            query = query.where(AuditRow.action.startswith(where.action))
        else:
            query = query.where(AuditRow.action == where.action)
    if where.target_id:
        query = query.where(AuditRow.target_id == where.target_id)
    if where.since:
        query = query.where(AuditRow.at >= _start_of(where.since))
    if where.until:
        query = query.where(AuditRow.at < _start_of(where.until + dt.timedelta(days=1)))
    if where.organisations is not None:
        visible = AuditRow.organisation.in_(list(where.organisations))
        if where.include_actor:
            visible = or_(visible, AuditRow.actor == where.include_actor)
        query = query.where(visible)
    return query


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.timezone.utc)


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: Iterable[AuditRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.timezone.utc)
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    at.isoformat(timespec="seconds"),
                    row.actor,
                    row.actor_role,
                    row.action,
                    row.target_type,
                    row.target_id,
                    row.organisation,
                    json.dumps(row.detail, ensure_ascii=False, sort_keys=True),
                )
            ]
        )
    return out.getvalue()


# ------------------------------------------------------------ unmatched questions


def _redact(text: str) -> str:
    """Callers redact; this is a second net in case one forgot."""
    try:
        from bot.privacy import redact_text
    except ImportError:  # pragma: no cover - privacy is part of the project
        return text
    return redact_text(text)


def record_unmatched(db_session: Session, text_redacted: str, source: str) -> Optional[UnmatchedQuestionRow]:
    """Keep a question that matched no service, for the gap report. Pass text
    already redacted (bot.privacy.redact_text); it is redacted again anyway.
    `source` is chat, triage or phone. Blank text is ignored."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    text = re.sub(r"\s+", " ", _redact(text_redacted or "")).strip()[:MAX_QUESTION_CHARS]
    if not text:
        return None
    row = UnmatchedQuestionRow(text_redacted=text, source=source, created_at=utcnow())
    db_session.add(row)
    db_session.flush()
    return row


@dataclass
class Gap:
    text: str
    count: int
    sources: List[str]
    last_asked: dt.datetime


def gap_report(db_session: Session, since: Optional[dt.date] = None, limit: int = 200) -> List[Gap]:
    """Unmatched questions grouped by their (case- and space-insensitive) text, most asked first."""
    query = select(UnmatchedQuestionRow).order_by(UnmatchedQuestionRow.created_at.desc())
    if since:
        query = query.where(UnmatchedQuestionRow.created_at >= _start_of(since))
    groups: Dict[str, Gap] = {}
    for row in db_session.execute(query.limit(5000)).scalars():
        key = row.text_redacted.lower()
        gap = groups.get(key)
        if gap is None:
            groups[key] = Gap(row.text_redacted, 1, [row.source], row.created_at)
        else:
            gap.count += 1
            if row.source not in gap.sources:
                gap.sources.append(row.source)
    for gap in groups.values():
        gap.sources.sort()
    return sorted(groups.values(), key=lambda gap: (-gap.count, gap.text))[:limit]

"""Keeping a plan: unguessable links that expire with the retention policy,
steps ticked off, and what is due next. The plan itself is recomputed from
the kept events and facts each time, so it follows the published catalogue."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, Dict, List, Mapping, Optional, Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.plans.models import PlanLinkRow
from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts
from onewindow_catalogue.snapshot import CatalogueSnapshot

TOKEN_BYTES = 32  # 256 bits: unguessable


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: Optional[dt.datetime] = None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def kept_facts(bundle: Mapping[str, Any]) -> Dict[str, Any]:
    """The facts a link keeps: what the person said, not what was implied from it
    (recomputed on reopening, so a corrected catalogue rule applies)."""
    implied = set(bundle.get("implied_facts") or [])
    return {k: v for k, v in (bundle.get("facts") or {}).items() if k not in implied and v is not None}


def create_link(
    *,
    db_session: Session,
    events: Sequence[str],
    facts: Mapping[str, Any],
    lang: str,
    keep_days: int,
    now: Optional[dt.datetime] = None,
) -> tuple[str, PlanLinkRow]:
    """A new link: (token, row). The token is returned once and stored hashed."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    created = _now(now)
    row = PlanLinkRow(
        token_hash=_hash(token),
        lang=lang if lang in ("en", "fr") else "en",
        events=list(events),
        facts=dict(facts),
        done=[],
        created_at=created,
        expires_at=created + dt.timedelta(days=keep_days),
    )
    db_session.add(row)
    db_session.flush()
    return token, row


def open_link(*, db_session: Session, token: str, now: Optional[dt.datetime] = None) -> Optional[PlanLinkRow]:
    """The plan behind a token, or None (unknown, malformed or expired; an expired one is deleted)."""
    if not token or len(token) > 100:
        return None
    row = db_session.get(PlanLinkRow, _hash(token))
    if row is None:
        return None
    if _aware(row.expires_at) <= _now(now):
        db_session.delete(row)
        db_session.flush()
        return None
    return row


def set_done(*, db_session: Session, row: PlanLinkRow, service_id: str, done: bool, known: Sequence[str]) -> None:
    """Tick a step off (or back on). Only a step of this plan can be ticked."""
    if service_id not in known:
        raise ValueError(f"unknown step {service_id[:60]!r} for this plan")
    ticked = [sid for sid in row.done or [] if sid != service_id]
    if done:
        ticked.append(service_id)
    row.done = ticked
    db_session.flush()


def purge_expired(*, db_session: Session, now: Optional[dt.datetime] = None) -> int:
    """Delete links past their expiry (run by `onewindow purge`)."""
    result = db_session.execute(delete(PlanLinkRow).where(PlanLinkRow.expires_at <= _now(now)))
    return result.rowcount or 0


def plan_view(
    snapshot: CatalogueSnapshot,
    row: PlanLinkRow,
    lang: Optional[str] = None,
    today: Optional[dt.date] = None,
) -> Dict[str, Any]:
    """{bundle, done, next: [steps not done, in plan order, due ones first], expires_at}."""
    events = [e for e in row.events or [] if e in snapshot.life_events]
    facts: Dict[str, Any] = {}
    for name, value in (row.facts or {}).items():
        try:
            facts.update(parse_facts(snapshot, {name: value}))
        except BundleRequestError:
            continue  # the catalogue changed: a fact it no longer takes is left out
    bundle = build_bundle(snapshot, events, facts, lang=lang or row.lang, today=today)
    done = [sid for sid in row.done or [] if any(s["id"] == sid for s in bundle["services"])]
    return {
        "bundle": bundle,
        "done": done,
        "next": due_next(bundle, done),
        "expires_at": _aware(row.expires_at).isoformat(),
    }


def due_next(bundle: Mapping[str, Any], done: Sequence[str], limit: int = 3) -> List[Dict[str, Any]]:
    """What to do next: the first steps not ticked off, in plan order (the plan
    already puts what is due first). A step whose application is ticked is done too."""
    finished = set(done)
    names = {s["id"]: s.get("name") for s in bundle.get("services") or []}
    upcoming = []
    for step in (bundle.get("plan") or {}).get("steps") or []:
        if step["id"] in finished or step.get("covered_by") in finished or step.get("covered_by"):
            continue
        upcoming.append({**step, "name": names.get(step["id"], step["id"])})
        if len(upcoming) >= limit:
            break
    return upcoming

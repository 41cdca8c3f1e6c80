"""Keeping it true: overdue entries, services no owner keeps, entries missing
their French text, and the questions citizens asked that matched no service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.catalogue_admin.workflow import editable_organisations
from bot.users.models import SignedIn, UserRow
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.drafts.upkeep import Overdue, overdue, ownerless
from onewindow_catalogue.seed_format import Service


@dataclass
class ReviewReport:
    days: int
    overdue: List[Overdue]
    ownerless: List[Service]
    owners: Dict[str, List[str]]
    missing_french: List[MissingText] = field(default_factory=list)


def owned_organisations(db_session: Session) -> Dict[str, List[str]]:
    """Organisation id -> usernames of the active service owners who keep it."""
    owners: Dict[str, List[str]] = {}
    query = select(UserRow).where(UserRow.role == "owner", UserRow.disabled.is_(False))
    for user in db_session.execute(query).scalars():
        for organisation in user.organisations or []:
            owners.setdefault(organisation, []).append(user.username)
    return owners


def review_report(db_session: Session, signed_in: SignedIn, days: int, today: dt.date | None = None) -> ReviewReport:
    catalogue = catalogue_service.read_all(db_session=db_session)
    owners = owned_organisations(db_session)
    mine = editable_organisations(signed_in)
    return ReviewReport(
        days,
        overdue(catalogue, days, today, mine),
        ownerless(catalogue, set(owners)),
        owners,
        missing_french(catalogue.services, mine),
    )


def review_due_lines(db_session: Session, days: int, today: dt.date | None = None) -> List[str]:
    """The same report for a terminal (onewindow catalogue review-due)."""
    catalogue = catalogue_service.read_all(db_session=db_session)
    owners: Set[str] = set(owned_organisations(db_session))
    lines = [f"Overdue for review (not checked in {days} days):"]
    for item in overdue(catalogue, days, today):
        when = f"last checked {item.last_checked} ({item.days} days ago)" if item.last_checked else "never checked"
        lines.append(f"  {item.service.id:<45} {item.service.organisation:<35} {when}")
    lines.append("Services no active service owner keeps:")
    lines += [f"  {service.id:<45} {service.organisation}" for service in ownerless(catalogue, owners)]
    return lines


def report_out(report: ReviewReport) -> Dict[str, Any]:
    return {
        "days": report.days,
        "overdue": [
            {
                "id": item.service.id,
                "organisation": item.service.organisation,
                "last_checked": item.last_checked.isoformat() if item.last_checked else None,
                "days_since_check": item.days,
            }
            for item in report.overdue
        ],
        "ownerless": [{"id": service.id, "organisation": service.organisation} for service in report.ownerless],
        "missing_french": [
            {"id": item.service.id, "organisation": item.service.organisation, "fields": item.fields}
            for item in report.missing_french
        ],
    }


# The texts citizens see, in the order the edit form shows them (keys of admin.french_fields).
CITIZEN_TEXTS = ("name", "summary", "applies_when", "documents", "deadline", "fee", "processing_time", "channels")


@dataclass
class MissingText:
    service: Service
    fields: List[str]


def _has(text: Optional[Dict[str, str]], lang: str) -> bool:
    return bool((text or {}).get(lang, "").strip())


def missing_texts(service: Service, lang: str = "fr") -> List[str]:
    """Which citizen-facing texts of `service` have English but no `lang` text (CITIZEN_TEXTS names).
    A text absent in both languages is not missing a translation."""
    found = {
        "name": [service.name],
        "summary": [service.summary],
        "applies_when": [service.applies_when.text],
        "documents": list(service.documents),
        "deadline": [service.deadline.text] if service.deadline else [],
        "fee": [service.fee.text] if service.fee else [],
        "processing_time": [service.processing_time] if service.processing_time else [],
        "channels": [channel.note for channel in service.channels if channel.note],
    }
    return [name for name in CITIZEN_TEXTS if any(_has(text, "en") and not _has(text, lang) for text in found[name])]


def missing_french(services: Iterable[Service], organisations: Optional[Iterable[str]] = None) -> List[MissingText]:
    """Published entries (of `organisations`, None: all) a French speaker sees partly in English: the list
    to review. Citizens meanwhile get the English text marked "available in English only"."""
    mine = None if organisations is None else set(organisations)
    listed = []
    for service in services:
        if mine is not None and service.organisation not in mine:
            continue
        fields = missing_texts(service, "fr")
        if fields:
            listed.append(MissingText(service, fields))
    return listed


def gaps(db_session: Session, days: int) -> List[audit.Gap]:
    return audit.gap_report(db_session, since=dt.date.today() - dt.timedelta(days=days))

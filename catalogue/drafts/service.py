"""Draft -> (review) -> published, retire, roll back, history.

Plain functions over a session; the caller owns the transaction, checks who
may do what, and records the audit log. Conflicts are detected on the
published version number a draft started from (`base_version`): if another
draft was published since, saving or publishing raises VersionConflict with
what changed, and nothing is written. Two transactions racing past the check
still cannot both publish the same number (unique constraint)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.drafts.diff import Change, diff, three_way
from onewindow_catalogue.drafts.entries import check_candidate, entry_dict, parse_entry
from onewindow_catalogue.drafts.models import OPEN_STATUSES, ServiceVersionRow, utcnow
from onewindow_catalogue.seed_format import Catalogue, Service
from onewindow_catalogue.validation import Problem


@dataclass
class Published:
    service_id: str
    number: int
    data: Dict[str, Any]
    retired: bool
    organisation: str
    row: Optional[ServiceVersionRow] = field(default=None, repr=False)


class DraftError(Exception):
    """Something a person can fix; the message says what."""


class NotFound(DraftError):
    pass


class WrongState(DraftError):
    pass


class ReviewRequired(DraftError):
    pass


class SelfReview(DraftError):
    pass


class Invalid(DraftError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s): " + "; ".join(str(p) for p in self.problems[:5]))


class VersionConflict(DraftError):
    """The published version moved since the draft started."""

    def __init__(
        self,
        service_id: str,
        base: Optional[Published],
        current: Optional[Published],
        mine: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.service_id = service_id
        self.base_version = base.number if base else None
        self.current_version = current.number if current else None
        self.current_data = current.data if current else None
        self.current_retired = bool(current and current.retired)
        self.changes: List[Change] = diff(base.data if base else None, current.data if current else None)
        self.merged: Optional[Dict[str, Any]] = None
        self.conflicts: List[str] = []
        if mine is not None and base is not None and current is not None:
            self.merged, self.conflicts = three_way(base.data, mine, current.data)
        super().__init__(
            f"Service '{service_id}' changed since you started: version {self.current_version} was published "
            f"after version {self.base_version}. Review what changed, then save again on top of it."
        )


# ---------------------------------------------------------------- reading


def history(*, db_session: Session, service_id: str) -> List[ServiceVersionRow]:
    """Every published version, newest first (syncing with the published table first)."""
    current(db_session=db_session, service_id=service_id)
    query = (
        select(ServiceVersionRow)
        .where(ServiceVersionRow.service_id == service_id, ServiceVersionRow.number.is_not(None))
        .order_by(ServiceVersionRow.number.desc())
    )
    return list(db_session.execute(query).scalars())


def get_version(*, db_session: Session, service_id: str, number: int) -> ServiceVersionRow:
    row = db_session.execute(
        select(ServiceVersionRow).where(ServiceVersionRow.service_id == service_id, ServiceVersionRow.number == number)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"Service '{service_id}' has no version {number}.")
    return row


def get_draft(*, db_session: Session, draft_id: int) -> ServiceVersionRow:
    row = db_session.get(ServiceVersionRow, draft_id)
    if row is None or row.number is not None:
        raise NotFound(f"No draft {draft_id}.")
    return row


def open_drafts(
    *,
    db_session: Session,
    service_id: Optional[str] = None,
    organisations: Optional[Iterable[str]] = None,
    statuses: Sequence[str] = OPEN_STATUSES,
    author: Optional[str] = None,
) -> List[ServiceVersionRow]:
    query = select(ServiceVersionRow).where(ServiceVersionRow.status.in_(statuses))
    if service_id is not None:
        query = query.where(ServiceVersionRow.service_id == service_id)
    if organisations is not None:
        query = query.where(ServiceVersionRow.organisation.in_(list(organisations)))
    if author is not None:
        query = query.where(ServiceVersionRow.author == author)
    return list(db_session.execute(query.order_by(ServiceVersionRow.updated_at.desc())).scalars())


def current(*, db_session: Session, service_id: str) -> Optional[Published]:
    """The latest published version of a service (retired or not), or None if
    it never existed. A service published outside this module (a seed import
    by `replace_all`) gets a version recorded here first, so history always
    starts at what is actually published."""
    latest = _latest(db_session, service_id)
    service = catalogue_service.read_service(db_session=db_session, service_id=service_id)
    if service is not None:
        data = entry_dict(service)
        if latest is None or latest.action == "retire" or not same_entry(latest.data, data):
            latest = _record_published(db_session, service_id, data, "import", "import", None, latest)
    elif latest is not None and latest.action != "retire":
        latest = _record_published(db_session, service_id, latest.data, "retire", "import", None, latest)
    if latest is None:
        return None
    return Published(service_id, latest.number, latest.data, latest.action == "retire", latest.organisation, latest)


def same_entry(one: Dict[str, Any], other: Dict[str, Any]) -> bool:
    """Equal as published: the tables keep life events in the catalogue's order, not the entry's."""
    return {**one, "life_events": sorted(one.get("life_events", []))} == {
        **other,
        "life_events": sorted(other.get("life_events", [])),
    }


def _latest(db_session: Session, service_id: str) -> Optional[ServiceVersionRow]:
    return db_session.execute(
        select(ServiceVersionRow)
        .where(ServiceVersionRow.service_id == service_id, ServiceVersionRow.number.is_not(None))
        .order_by(ServiceVersionRow.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def _record_published(
    db_session: Session,
    service_id: str,
    data: Dict[str, Any],
    action: str,
    author: str,
    author_id: Optional[int],
    previous: Optional[ServiceVersionRow],
    note: Optional[str] = None,
) -> ServiceVersionRow:
    if previous is not None:
        previous.status = "superseded"
    now = utcnow()
    row = ServiceVersionRow(
        service_id=service_id,
        number=(previous.number if previous else 0) + 1,
        status="published",
        action=action,
        organisation=data.get("organisation", ""),
        data=data,
        base_version=previous.number if previous else None,
        author=author,
        author_id=author_id,
        note=note,
        created_at=now,
        updated_at=now,
        published_at=now,
    )
    db_session.add(row)
    db_session.flush()
    return row


def record_import(*, db_session: Session, catalogue: Catalogue, author: str = "import") -> int:
    """After `replace_all`: a new version for every service the import added or
    changed, and a retirement for every one it dropped. Returns how many."""
    known = set(db_session.execute(select(ServiceVersionRow.service_id).distinct()).scalars())
    count = 0
    for service_id in [s.id for s in catalogue.services] + sorted(known - {s.id for s in catalogue.services}):
        before = _latest(db_session, service_id)
        after = current(db_session=db_session, service_id=service_id)
        if after is not None and (before is None or after.number != before.number):
            after.row.author = author  # type: ignore[union-attr]
            count += 1
    return count


# ---------------------------------------------------------------- drafts


def save_draft(
    *,
    db_session: Session,
    data: Any,
    base_version: Optional[int],
    author: str,
    author_id: Optional[int] = None,
    service_id: Optional[str] = None,
    note: Optional[str] = None,
    action: str = "edit",
    check_whole: bool = True,
) -> ServiceVersionRow:
    """Save the author's draft of a service (one open draft per author and
    service; saving again updates it). `service_id` None creates a service.
    Raises Invalid with every problem, or VersionConflict. A batch (an
    import) passes check_whole=False and checks all its entries together."""
    label = service_id or (data.get("id") if isinstance(data, dict) else None)
    parsed, problems = parse_entry(data, label)
    if parsed is not None and service_id is not None and parsed.id != service_id:
        problems.append(Problem("services", service_id, "id", "the id of a service cannot change"))
    if problems:
        raise Invalid(problems)
    assert parsed is not None
    target = service_id or parsed.id
    published = current(db_session=db_session, service_id=target)
    if service_id is None and published is not None:
        state = "was retired: restore it from its history" if published.retired else "already exists"
        raise Invalid([Problem("services", parsed.id, "id", f"a service with id '{parsed.id}' {state}")])
    if service_id is not None and published is None:
        raise NotFound(f"No service '{service_id}'.")
    if service_id is not None and published is not None and published.retired:
        raise WrongState(f"Service '{service_id}' is retired: restore it from its history before editing it.")
    clean = entry_dict(parsed)
    _check_base(db_session, target, base_version, published, clean)
    if action != "retire" and check_whole:
        _check_whole(db_session, {target: parsed})
    draft = next(iter(open_drafts(db_session=db_session, service_id=target, author=author)), None)
    now = utcnow()
    if draft is None:
        draft = ServiceVersionRow(service_id=target, author=author, author_id=author_id, created_at=now)
        db_session.add(draft)
    draft.status, draft.action, draft.data, draft.organisation = "draft", action, clean, parsed.organisation
    draft.base_version, draft.note, draft.updated_at = base_version, note, now
    draft.reviewer = draft.review_note = None
    if service_id is None:
        draft.action = "create"
    db_session.flush()
    return draft


def retire_draft(
    *,
    db_session: Session,
    service_id: str,
    base_version: Optional[int],
    author: str,
    author_id: Optional[int] = None,
    note: Optional[str] = None,
) -> ServiceVersionRow:
    published = current(db_session=db_session, service_id=service_id)
    if published is None or published.retired:
        raise WrongState(f"Service '{service_id}' is not published, so it cannot be retired.")
    return save_draft(
        db_session=db_session,
        data=published.data,
        base_version=base_version,
        author=author,
        author_id=author_id,
        service_id=service_id,
        note=note,
        action="retire",
    )


def rollback_draft(
    *,
    db_session: Session,
    service_id: str,
    to_version: int,
    base_version: Optional[int],
    author: str,
    author_id: Optional[int] = None,
    note: Optional[str] = None,
) -> ServiceVersionRow:
    """A draft that brings back an earlier version (also restores a retired service)."""
    old = get_version(db_session=db_session, service_id=service_id, number=to_version)
    if old.action == "retire":
        raise WrongState(f"Version {to_version} of '{service_id}' is a retirement; pick the version before it.")
    published = current(db_session=db_session, service_id=service_id)
    parsed, problems = parse_entry(old.data, service_id)
    if problems:
        raise Invalid(problems)
    _check_base(db_session, service_id, base_version, published, old.data)
    _check_whole(db_session, {service_id: parsed})
    draft = next(iter(open_drafts(db_session=db_session, service_id=service_id, author=author)), None)
    now = utcnow()
    if draft is None:
        draft = ServiceVersionRow(service_id=service_id, author=author, author_id=author_id, created_at=now)
        db_session.add(draft)
    draft.status, draft.action, draft.data, draft.organisation = "draft", "rollback", old.data, old.organisation
    draft.base_version, draft.updated_at = base_version, now
    draft.note = note or f"Roll back to version {to_version}"
    draft.reviewer = draft.review_note = None
    db_session.flush()
    return draft


def submit(*, db_session: Session, draft_id: int, actor: str) -> ServiceVersionRow:
    draft = _open_draft(db_session, draft_id)
    if draft.status != "draft":
        raise WrongState("This draft is already waiting for review.")
    draft.status, draft.updated_at = "in_review", utcnow()
    return draft


def discard(*, db_session: Session, draft_id: int) -> ServiceVersionRow:
    draft = _open_draft(db_session, draft_id)
    draft.status, draft.updated_at = "discarded", utcnow()
    return draft


def reject(*, db_session: Session, draft_id: int, reviewer: str, note: Optional[str] = None) -> ServiceVersionRow:
    draft = _open_draft(db_session, draft_id)
    if draft.status != "in_review":
        raise WrongState("Only a draft waiting for review can be rejected.")
    draft.status, draft.reviewer, draft.review_note, draft.updated_at = "rejected", reviewer, note, utcnow()
    return draft


def approve(*, db_session: Session, draft_id: int, reviewer: str, note: Optional[str] = None) -> ServiceVersionRow:
    """A second person approves a draft in review, which publishes it."""
    draft = _open_draft(db_session, draft_id)
    if draft.status != "in_review":
        raise WrongState("Only a draft waiting for review can be approved; submit it for review first.")
    if draft.author == reviewer:
        raise SelfReview("A second person must approve this change; you cannot approve your own draft.")
    draft.reviewer, draft.review_note = reviewer, note
    return _publish(db_session, draft)


def publish(*, db_session: Session, draft_id: int, actor: str, require_review: bool = False) -> ServiceVersionRow:
    """Publish a draft now. With review required, only `approve` publishes."""
    draft = _open_draft(db_session, draft_id)
    if require_review:
        raise ReviewRequired("Changes need a second person's approval: submit the draft for review.")
    return _publish(db_session, draft)


def _publish(db_session: Session, draft: ServiceVersionRow) -> ServiceVersionRow:
    published = current(db_session=db_session, service_id=draft.service_id)
    _check_base(db_session, draft.service_id, draft.base_version, published, draft.data)
    parsed, problems = parse_entry(draft.data, draft.service_id)
    if problems:
        raise Invalid(problems)
    retiring = draft.action == "retire"
    _check_whole(db_session, {draft.service_id: None if retiring else parsed})
    previous = published.row if published else None
    if previous is not None:
        previous.status = "superseded"
    draft.number = (previous.number if previous else 0) + 1
    draft.status, draft.published_at, draft.updated_at = "published", utcnow(), utcnow()
    db_session.flush()
    if retiring:
        catalogue_service.retire_service(db_session=db_session, service_id=draft.service_id)
    else:
        catalogue_service.upsert_service(db_session=db_session, service=parsed, version=draft.number)
    catalogue_service.bump_revision(db_session=db_session)
    return draft


def check_batch(*, db_session: Session, entries: Sequence[Service]) -> None:
    """Raise Invalid unless the catalogue stays valid with all these entries in it."""
    _check_whole(db_session, {service.id: service for service in entries})


def publish_batch(*, db_session: Session, draft_ids: Sequence[int]) -> List[ServiceVersionRow]:
    """Publish several drafts as one change (an import): the whole catalogue is
    checked once with all of them in, then each is written; one revision bump."""
    batch = [_open_draft(db_session, draft_id) for draft_id in draft_ids]
    parsed: Dict[str, Service] = {}
    for draft in batch:
        if draft.action == "retire":
            raise WrongState("A batch cannot retire services.")
        published = current(db_session=db_session, service_id=draft.service_id)
        _check_base(db_session, draft.service_id, draft.base_version, published, draft.data)
        service, problems = parse_entry(draft.data, draft.service_id)
        if problems:
            raise Invalid(problems)
        parsed[draft.service_id] = service  # type: ignore[assignment]
    _check_whole(db_session, dict(parsed))
    for draft in _targets_first(batch, parsed):
        previous = _latest(db_session, draft.service_id)
        if previous is not None:
            previous.status = "superseded"
        draft.number = (previous.number if previous else 0) + 1
        draft.status, draft.published_at, draft.updated_at = "published", utcnow(), utcnow()
        db_session.flush()
    for draft in _targets_first(batch, parsed):
        catalogue_service.upsert_service(db_session=db_session, service=parsed[draft.service_id], version=draft.number)
    if batch:
        catalogue_service.bump_revision(db_session=db_session)
    return batch


def _targets_first(batch: List[ServiceVersionRow], parsed: Dict[str, Service]) -> List[ServiceVersionRow]:
    """New services another entry of the batch requires or covers are written first."""
    by_id = {draft.service_id: draft for draft in batch}
    ordered: List[ServiceVersionRow] = []
    seen: set = set()

    def visit(service_id: str) -> None:
        if service_id in seen or service_id not in by_id:
            return
        seen.add(service_id)
        for target in [*parsed[service_id].requires, *parsed[service_id].covers]:
            visit(target)
        ordered.append(by_id[service_id])

    for draft in batch:
        visit(draft.service_id)
    return ordered


def _open_draft(db_session: Session, draft_id: int) -> ServiceVersionRow:
    draft = get_draft(db_session=db_session, draft_id=draft_id)
    if not draft.is_open:
        raise WrongState(f"Draft {draft_id} is {draft.status.replace('_', ' ')}; nothing more can be done with it.")
    return draft


def _check_base(
    db_session: Session,
    service_id: str,
    base_version: Optional[int],
    published: Optional[Published],
    mine: Optional[Dict[str, Any]],
) -> None:
    now = published.number if published else None
    if base_version == now:
        return
    base = None
    if base_version is not None:
        try:
            row = get_version(db_session=db_session, service_id=service_id, number=base_version)
            base = Published(service_id, row.number, row.data, row.action == "retire", row.organisation, row)
        except NotFound:
            base = None
    raise VersionConflict(service_id, base, published, mine)


def _check_whole(db_session: Session, changes: Dict[str, Optional[Service]]) -> None:
    problems = check_candidate(catalogue_service.read_all(db_session=db_session), changes)
    if problems:
        raise Invalid(problems)


def changes_between(*, db_session: Session, service_id: str, before: int, after: int) -> List[Change]:
    old = get_version(db_session=db_session, service_id=service_id, number=before)
    new = get_version(db_session=db_session, service_id=service_id, number=after)
    return diff(old.data, new.data)


def draft_changes(*, db_session: Session, draft: ServiceVersionRow) -> List[Change]:
    """What the draft would change compared with what is published now."""
    published = current(db_session=db_session, service_id=draft.service_id)
    return diff(published.data if published and not published.retired else None, draft.data)

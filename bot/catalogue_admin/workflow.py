"""What the pages and the API share: who may change which organisation's
services, publishing (or submitting for review) with the audit log written
in the same transaction, and refusals recorded before they are answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.users.models import SignedIn
from bot.web.i18n import t
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.drafts.models import ServiceVersionRow
from onewindow_catalogue.models import OrganisationRow
from onewindow_catalogue.text import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, localise

PUBLISH_ACTIONS = {
    "create": "service.create",
    "edit": "service.publish",
    "retire": "service.retire",
    "rollback": "service.rollback",
    "import": "service.publish",
}


class Refused(Exception):
    """The signed-in user may not do this; `message` names the organisation. `key` and `values` give the
    same text in another language (bot/web/i18n admin.*.yml), for the pages and the API."""

    def __init__(
        self,
        message: str,
        status: int = 403,
        key: Optional[str] = None,
        values: Union[Dict[str, Any], Callable[[str], Dict[str, Any]], None] = None,
    ) -> None:
        self.message = message
        self.status = status
        self.key = key
        self.values = values or {}
        super().__init__(message)

    def text(self, lang: str) -> str:
        """The message in `lang` (the English message when it has no key)."""
        if not self.key:
            return self.message
        values = self.values(lang) if callable(self.values) else self.values
        return t(self.key, lang, **values)


def organisation_name(db_session: Session, organisation_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    row = db_session.get(OrganisationRow, organisation_id)
    name = localise(row.name, lang) if row else None
    return f"{name} ({organisation_id})" if name else f"'{organisation_id}'"


def organisation_names(db_session: Session, organisation_id: str) -> Callable[[str], str]:
    """The organisation's name in each language, read now: a refusal is put into words after the request's
    database session has closed (bot/catalogue_admin/in_language.py)."""
    names = {lang: organisation_name(db_session, organisation_id, lang) for lang in SUPPORTED_LANGUAGES}
    return lambda lang: names.get(lang) or names[DEFAULT_LANGUAGE]


def editable_organisations(signed_in: SignedIn) -> Optional[List[str]]:
    """None means every organisation (an admin)."""
    return None if signed_in.user.role == "admin" else list(signed_in.user.organisations)


def ensure_can_edit(
    db_session: Session, signed_in: SignedIn, organisations: Iterable[Optional[str]], target_id: str, attempted: str
) -> None:
    """Refuse, and record the refusal, unless the user keeps every organisation named."""
    for organisation in dict.fromkeys(o for o in organisations if o):
        if not signed_in.can_edit(organisation):
            audit.record(
                db_session,
                signed_in,
                "access.denied",
                "service",
                target_id,
                {"organisation": organisation, "attempted": attempted},
            )
            db_session.commit()
            mine = ", ".join(signed_in.user.organisations) or "none"
            name = organisation_names(db_session, organisation)
            raise Refused(
                f"You cannot change services of {name(DEFAULT_LANGUAGE)}: your account keeps the services of {mine}.",
                key="admin.refused.not_yours",
                values=lambda lang, name=name, mine=mine: {"organisation": name(lang), "mine": mine},
            )


def conflict_recorded(
    db_session: Session, signed_in: SignedIn, error: drafts.VersionConflict, organisation: Optional[str]
) -> None:
    audit.record(
        db_session,
        signed_in,
        "service.conflict",
        "service",
        error.service_id,
        {
            "organisation": organisation,
            "base_version": error.base_version,
            "current_version": error.current_version,
            "changed_fields": [c.field for c in error.changes],
        },
    )
    db_session.commit()


RELATIONS = ("requires", "covers")


def relations_added(before: Optional[Mapping[str, Any]], after: Mapping[str, Any]) -> List[Tuple[str, str]]:
    """(kind, target) pairs the new entry has and the published one had not."""
    old = {(kind, target) for kind in RELATIONS for target in (before or {}).get(kind) or []}
    return [(kind, target) for kind in RELATIONS for target in after.get(kind) or [] if (kind, target) not in old]


def consent_needed(
    db_session: Session,
    draft: ServiceVersionRow,
    batch: Optional[Mapping[str, str]] = None,
) -> Dict[str, List[str]]:
    """Other organisations whose entries this draft newly relates to, each with
    the relations ("covers 'x'"). `covers` puts their service under this one and
    `requires` pulls it into this one's bundles: that is theirs to agree to.
    `batch` gives the organisation of entries created in the same import."""
    published = drafts.current(db_session=db_session, service_id=draft.service_id)
    before = published.data if published and not published.retired else None
    needed: Dict[str, List[str]] = {}
    for kind, target in relations_added(before, draft.data or {}):
        organisation = (batch or {}).get(target)
        if organisation is None:
            target_published = drafts.current(db_session=db_session, service_id=target)
            organisation = target_published.organisation if target_published else None
        if organisation and organisation != draft.organisation:
            needed.setdefault(organisation, []).append(f"{kind} '{target}'")
    return needed


def missing_consent(signed_in: SignedIn, needed: Mapping[str, List[str]]) -> Dict[str, List[str]]:
    """What of `needed` this person cannot agree to (an admin, or an owner of the organisation, can)."""
    return {org: relations for org, relations in needed.items() if not signed_in.can_edit(org)}


def ensure_consent(
    db_session: Session, signed_in: SignedIn, draft: ServiceVersionRow, attempted: str, approving: bool = False
) -> None:
    """Refuse, recording it, a change relating to another organisation's entries
    unless this person may speak for that organisation."""
    missing = missing_consent(signed_in, consent_needed(db_session, draft))
    if not missing:
        return
    audit.record(
        db_session,
        signed_in,
        "access.denied",
        "service",
        draft.service_id,
        {"organisation": sorted(missing)[0], "attempted": attempted, "relations": missing},
    )
    db_session.commit()
    raise Refused(
        consent_message(db_session, missing, approving),
        key="admin.refused.approve_consent" if approving else "admin.refused.submit_consent",
        values=_consent_values(db_session, missing),
    )


def _consent_values(db_session: Session, missing: Mapping[str, List[str]]) -> Callable[[str], Dict[str, str]]:
    """The placeholders of the consent messages (`relations`, `owners`), put into words in a page's language."""
    names = {org: organisation_names(db_session, org) for org in missing}

    def values(lang: str) -> Dict[str, str]:
        parts = [
            t(
                "admin.refused.relation",
                lang,
                relations=", ".join(relation_text(relation, lang) for relation in relations),
                organisation=names[org](lang),
            )
            for org, relations in missing.items()
        ]
        owners = t("admin.refused.and", lang).join(name(lang) for name in names.values())
        return {"relations": "; ".join(parts), "owners": owners}

    return values


def relation_text(relation: str, lang: str) -> str:
    """A relation as consent_needed words it ("covers 'x'"), in `lang`."""
    kind, _, target = relation.partition(" ")
    return t(f"admin.refused.{kind}", lang, default=relation, target=target.strip("'"))


def consent_message(db_session: Session, missing: Mapping[str, List[str]], approving: bool = False) -> str:
    parts = [f"{', '.join(relations)} of {organisation_name(db_session, org)}" for org, relations in missing.items()]
    owners = " and ".join(organisation_name(db_session, org) for org in missing)
    if approving:
        return f"Only an owner of {owners} or an administrator can approve this change: it adds {'; '.join(parts)}."
    return (
        f"This change adds {'; '.join(parts)}: relations to another organisation's services need its agreement. "
        f"Submit it for review: an owner of {owners} or an administrator must approve it."
    )


def draft_organisations(
    db_session: Session, signed_in: SignedIn, draft: ServiceVersionRow, step: str
) -> List[Optional[str]]:
    """The organisations to check before `step` on a draft: its own (and the
    published entry's, which an edit cannot change by renaming its
    organisation), except that an owner of every organisation whose agreement
    the draft waits for may view, approve or reject it."""
    published = drafts.current(db_session=db_session, service_id=draft.service_id)
    own = [draft.organisation, published.organisation if published else None]
    if step in ("view", "approve", "reject"):
        needed = consent_needed(db_session, draft)
        if needed and not missing_consent(signed_in, needed):
            return list(needed)
    return own


def awaiting_my_consent(db_session: Session, signed_in: SignedIn) -> List[ServiceVersionRow]:
    """Drafts in review of other organisations that wait for this owner's organisations to agree."""
    mine = set(editable_organisations(signed_in) or [])
    if not mine:
        return []
    waiting = drafts.open_drafts(db_session=db_session, statuses=("in_review",))
    return [d for d in waiting if d.organisation not in mine and mine & set(consent_needed(db_session, d))]


@dataclass
class Outcome:
    draft: ServiceVersionRow
    published: bool
    in_review: bool


def finish(
    db_session: Session, signed_in: SignedIn, draft: ServiceVersionRow, publish_now: bool, require_review: bool
) -> Outcome:
    """After a draft is saved: leave it, submit it for review, or publish it."""
    detail = {
        "organisation": draft.organisation,
        "draft": draft.id,
        "action": draft.action,
        "base_version": draft.base_version,
        "note": draft.note,
    }
    audit.record(db_session, signed_in, "draft.save", "service", draft.service_id, detail)
    if not publish_now:
        return Outcome(draft, False, False)
    if require_review or missing_consent(signed_in, consent_needed(db_session, draft)):
        drafts.submit(db_session=db_session, draft_id=draft.id, actor=signed_in.user.username)
        audit.record(db_session, signed_in, "draft.submit", "service", draft.service_id, detail)
        return Outcome(draft, False, True)
    return Outcome(publish(db_session, signed_in, draft.id, require_review=False), True, False)


def publish(
    db_session: Session,
    signed_in: SignedIn,
    draft_id: int,
    require_review: bool,
    approve: bool = False,
    note: Optional[str] = None,
) -> ServiceVersionRow:
    """Publish (or approve and publish) a draft and record it. A publish racing
    another for the same version number loses with a conflict, not an error."""
    changes = []
    try:
        draft = drafts.get_draft(db_session=db_session, draft_id=draft_id)
        ensure_consent(db_session, signed_in, draft, "approve" if approve else "publish", approving=approve)
        changes = [c.field for c in drafts.draft_changes(db_session=db_session, draft=draft)]
        if approve:
            row = drafts.approve(db_session=db_session, draft_id=draft_id, reviewer=signed_in.user.username, note=note)
        else:
            row = drafts.publish(
                db_session=db_session, draft_id=draft_id, actor=signed_in.user.username, require_review=require_review
            )
    except IntegrityError:
        db_session.rollback()
        raise Refused(
            "Someone published this service at the same moment. Reload it and try again.",
            409,
            key="admin.refused.same_moment",
        ) from None
    audit.record(
        db_session,
        signed_in,
        PUBLISH_ACTIONS.get(row.action, "service.publish"),
        "service",
        row.service_id,
        {
            "organisation": row.organisation,
            "version": row.number,
            "draft": row.id,
            "author": row.author,
            "reviewer": row.reviewer,
            "changed_fields": changes,
            "note": row.note,
        },
    )
    return row


def version_out(row: ServiceVersionRow, with_data: bool = True) -> Dict[str, Any]:
    out = {
        "draft_id": row.id,
        "service_id": row.service_id,
        "version": row.number,
        "status": row.status,
        "action": row.action,
        "organisation": row.organisation,
        "base_version": row.base_version,
        "author": row.author,
        "reviewer": row.reviewer,
        "note": row.note,
        "review_note": row.review_note,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "published_at": _iso(row.published_at),
    }
    if with_data:
        out["data"] = row.data
    return out


def _iso(moment: Any) -> Optional[str]:
    return moment.isoformat(timespec="seconds") if moment else None

"""Plain functions over cases. Every change of hands is a conditional update,
so two agents (on any replica) can never both claim the same case."""

from __future__ import annotations

import datetime as dt
import secrets
import statistics
from typing import Any, Callable, Dict, List, Optional, Union

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cases.directory import PRIORITY_QUEUE, dispositions, may_take, queues
from bot.cases.models import CaseEventRow, CaseRow, utcnow
from bot.conversations import service as conversations
from bot.conversations.messages import say
from bot.conversations.models import ConversationRow
from bot.privacy import redact
from bot.users.models import UserRow
from bot.web.i18n import t

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud on the phone
DEFAULT_WAIT_MINUTES = 5


Value = Union[str, Callable[[str], str]]


class CaseError(ValueError):
    """A request about a case that cannot be done, said plainly. The message is English (logs, the CLI);
    `key` names the same text in console.<lang>.yml (console.case_errors.*), so the console and its API
    tell an agent in their own language. A value may be a function of the language (a queue's title)."""

    def __init__(self, message: str, key: Optional[str] = None, **values: Value) -> None:
        super().__init__(message)
        self.key = key
        self.values = values

    def text(self, lang: str) -> str:
        """The message in `lang` (the English message when it has no key)."""
        if not self.key:
            return str(self)
        values = {name: value(lang) if callable(value) else value for name, value in self.values.items()}
        return t(f"console.case_errors.{self.key}", lang, **values)


class CaseNotFound(CaseError, LookupError):
    pass


class CaseConflict(CaseError):
    """Someone else got there first (claimed, transferred or closed it)."""


def _reference() -> str:
    return "OW-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _event(db_session: Session, case: CaseRow, kind: str, actor_id: Optional[int] = None, **detail: Any) -> None:
    db_session.add(CaseEventRow(case_id=case.id, kind=kind, actor_id=actor_id, detail=detail))


def open_case(
    *,
    db_session: Session,
    queue: str,
    reason: str,
    summary: Dict[str, Any],
    urgent: bool = False,
    channel: str = "chat",
    conversation: Optional[ConversationRow] = None,
    consent: Optional[Dict[str, Any]] = None,
    callback: Optional[Dict[str, Any]] = None,
    actor_id: Optional[int] = None,
    status: str = "waiting",
) -> CaseRow:
    if queue not in queues():
        known = ", ".join(queues())
        raise CaseError(f"Unknown queue '{queue}'; known: {known}.", "unknown_queue", queue=queue, known=known)
    case = CaseRow(
        reference=_reference(),
        conversation_id=conversation.id if conversation else None,
        channel=channel,
        queue=PRIORITY_QUEUE if urgent else queue,
        urgent=urgent,
        reason=reason[:64],
        summary=summary,
        consent=consent,
        callback=callback,
        status=status,
        assigned_agent_id=actor_id if status == "claimed" else None,
        claimed_at=utcnow() if status == "claimed" else None,
    )
    db_session.add(case)
    db_session.flush()
    _event(db_session, case, "created", actor_id, reason=case.reason, queue=case.queue, urgent=urgent)
    return case


def get_or_raise(*, db_session: Session, case_id: int) -> CaseRow:
    case = db_session.get(CaseRow, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id}.", "not_found", case_id=str(case_id))
    return case


def open_case_for_conversation(*, db_session: Session, conversation_id: str) -> Optional[CaseRow]:
    query = (
        select(CaseRow)
        .where(CaseRow.conversation_id == conversation_id, CaseRow.status != "closed")
        .order_by(CaseRow.id.desc())
    )
    return db_session.execute(query).scalars().first()


def waiting(*, db_session: Session, queue: Optional[str] = None) -> List[CaseRow]:
    """Waiting cases, urgent first, then oldest first."""
    query = select(CaseRow).where(CaseRow.status == "waiting")
    if queue:
        query = query.where(CaseRow.queue == queue)
    return list(db_session.execute(query.order_by(CaseRow.urgent.desc(), CaseRow.created_at, CaseRow.id)).scalars())


def claimed_by(*, db_session: Session, agent_id: int) -> List[CaseRow]:
    query = select(CaseRow).where(CaseRow.status == "claimed", CaseRow.assigned_agent_id == agent_id)
    return list(db_session.execute(query.order_by(CaseRow.claimed_at)).scalars())


def timeline(*, db_session: Session, case_id: int) -> List[CaseEventRow]:
    query = select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.id)
    return list(db_session.execute(query).scalars())


class LanguageRequired(CaseConflict):
    """The case's queue needs an agent who speaks a language this agent does not."""


def claim(*, db_session: Session, case_id: int, agent_id: int) -> CaseRow:
    """Take a waiting case; the conversation's owner becomes the agent. A queue that
    requires a language (queues.yml) is taken only by agents who speak it (their account's
    `languages`, or queues.yml's agent_languages)."""
    waiting = get_or_raise(db_session=db_session, case_id=case_id)
    agent = db_session.get(UserRow, agent_id)
    if agent is not None and not may_take(agent.username, waiting.queue, agent.languages or []):
        language = queues()[waiting.queue].language or ""
        raise LanguageRequired(
            f"Case {waiting.reference} needs an agent who speaks {language}.",
            "language_required",
            reference=waiting.reference,
            language=lambda lang: _language_name(language, lang),
        )
    result = db_session.execute(
        update(CaseRow)
        .where(CaseRow.id == case_id, CaseRow.status == "waiting")
        .values(status="claimed", assigned_agent_id=agent_id, claimed_at=utcnow())
    )
    case = get_or_raise(db_session=db_session, case_id=case_id)
    db_session.refresh(case)
    if result.rowcount != 1:
        raise CaseConflict(
            f"Case {case.reference} is no longer waiting: another agent claimed or closed it.",
            "no_longer_waiting",
            reference=case.reference,
        )
    _event(db_session, case, "claimed", agent_id)
    if case.conversation_id:
        conversations.set_owner(db_session=db_session, conversation_id=case.conversation_id, owner="agent")
        conversation = conversations.get(db_session=db_session, conversation_id=case.conversation_id)
        conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="system",
            text=say("agent_joined", conversation.lang),
        )
    return case


def _held_by(db_session: Session, case_id: int, agent_id: int) -> CaseRow:
    case = get_or_raise(db_session=db_session, case_id=case_id)
    if case.status != "claimed" or case.assigned_agent_id != agent_id:
        raise CaseConflict(
            f"Case {case.reference} is not held by you; claim it first.", "not_held", reference=case.reference
        )
    return case


def reply(*, db_session: Session, case_id: int, agent_id: int, text: str) -> None:
    """An agent's message to the citizen, redacted like everything stored."""
    case = _held_by(db_session, case_id, agent_id)
    if not case.conversation_id:
        raise CaseError("This case has no chat to reply in (it came from a phone call).", "no_chat")
    cleaned = redact(text.strip())
    if not cleaned.text:
        raise CaseError("Type a message first.", "empty_reply")
    conversation = conversations.get(db_session=db_session, conversation_id=case.conversation_id)
    conversations.add_message(
        db_session=db_session,
        conversation=conversation,
        sender="agent",
        text=cleaned.text,
        agent_id=agent_id,
        redacted_kinds=cleaned.kinds,
    )


def send_bundle(*, db_session: Session, case_id: int, agent_id: int, bundle: Dict[str, Any], note: str = "") -> None:
    case = _held_by(db_session, case_id, agent_id)
    case.summary = {**case.summary, "sent_bundle": [s["id"] for s in bundle["services"]]}
    _event(db_session, case, "bundle_sent", agent_id, services=[s["id"] for s in bundle["services"]])
    if case.conversation_id:
        conversation = conversations.get(db_session=db_session, conversation_id=case.conversation_id)
        text = redact(note.strip()).text or say("agent_bundle", conversation.lang)
        conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="agent",
            text=text,
            bundle=bundle,
            agent_id=agent_id,
        )


def transfer(*, db_session: Session, case_id: int, agent_id: int, queue: str, note: str) -> CaseRow:
    if queue not in queues():
        raise CaseError(f"Unknown queue '{queue}'.", "transfer_unknown_queue", queue=queue)
    case = _held_by(db_session, case_id, agent_id)
    result = db_session.execute(
        update(CaseRow)
        .where(CaseRow.id == case_id, CaseRow.status == "claimed", CaseRow.assigned_agent_id == agent_id)
        .values(status="waiting", queue=queue, assigned_agent_id=None, claimed_at=None)
    )
    if result.rowcount != 1:
        raise CaseConflict(f"Case {case.reference} changed hands meanwhile.", "changed_hands", reference=case.reference)
    db_session.refresh(case)
    _event(db_session, case, "transferred", agent_id, queue=queue, note=redact(note).text[:2000])
    if case.conversation_id:
        conversations.set_owner(db_session=db_session, conversation_id=case.conversation_id, owner="queue")
        conversation = conversations.get(db_session=db_session, conversation_id=case.conversation_id)
        conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="system",
            text=say("transferred", conversation.lang),
        )
    return case


def close(
    *, db_session: Session, case_id: int, agent_id: int, disposition: str, note: str = "", return_to_bot: bool = False
) -> CaseRow:
    """Close with a disposition code; the chat ends, or goes back to the assistant."""
    known = {d.id: d for d in dispositions()}
    if disposition not in known:
        choices = ", ".join(known)
        raise CaseError(f"Choose a disposition: {choices}.", "no_disposition", choices=choices)
    if known[disposition].needs_note and not note.strip():
        raise CaseError(
            f"“{known[disposition].title}” needs a note naming the program.",
            "needs_note",
            disposition=lambda lang: _disposition_title(disposition, lang),
        )
    case = _held_by(db_session, case_id, agent_id)
    case.status, case.closed_at, case.disposition = "closed", utcnow(), disposition
    case.private_note = redact(note.strip()).text[:4000] or None
    _event(db_session, case, "closed", agent_id, disposition=disposition, returned_to_bot=return_to_bot)
    if case.conversation_id:
        owner = "bot" if return_to_bot else "closed"
        conversations.set_owner(db_session=db_session, conversation_id=case.conversation_id, owner=owner)
        conversation = conversations.get(db_session=db_session, conversation_id=case.conversation_id)
        text = say("back_to_bot" if return_to_bot else "agent_closed", conversation.lang)
        conversations.add_message(db_session=db_session, conversation=conversation, sender="system", text=text)
    return case


def escalate(*, db_session: Session, case: CaseRow, reason: str) -> None:
    """A waiting or held case that turns urgent moves to the priority queue."""
    if case.urgent:
        return
    case.urgent, case.queue = True, PRIORITY_QUEUE
    _event(db_session, case, "escalated", None, reason=reason)


def estimated_wait_minutes(*, db_session: Session, queue: str) -> int:
    """Median of recent waits in this queue, times the people ahead, roughly."""
    recent = db_session.execute(
        select(CaseRow.created_at, CaseRow.claimed_at)
        .where(CaseRow.queue == queue, CaseRow.claimed_at.is_not(None))
        .order_by(CaseRow.claimed_at.desc())
        .limit(20)
    ).all()
    waits = [max(0.0, (_aware(c) - _aware(a)).total_seconds() / 60) for a, c in recent]
    median = statistics.median(waits) if waits else DEFAULT_WAIT_MINUTES
    ahead = len(waiting(db_session=db_session, queue=queue))
    return max(1, round(median * max(1, ahead)))


def _language_name(code: str, lang: str) -> str:
    return t(f"console.language_names.{code}", lang, default=code)


def _disposition_title(disposition: str, lang: str) -> str:
    return next((d.title for d in dispositions(lang) if d.id == disposition), disposition)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)

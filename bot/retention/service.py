"""`onewindow purge`: delete conversations and closed cases older than the
retention age, after keeping an anonymous row for each in archived_contacts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

from sqlalchemy import bindparam, delete, inspect, select, text, update
from sqlalchemy.orm import Session

from bot.cases.models import CaseEventRow, CaseRow
from bot.conversations.models import ConversationRow, MessageRow
from bot.retention.models import ArchivedContactRow

AGE = re.compile(r"^(\d{1,5})\s*([dhw])$")


def parse_age(text: str) -> dt.timedelta:
    """'30d', '12h', '2w' -> a timedelta; ValueError says the expected form."""
    match = AGE.match(text.strip().lower())
    if not match:
        raise ValueError(f"age {text!r}: expected a number and d, h or w, e.g. 30d")
    amount, unit = int(match.group(1)), match.group(2)
    return {"d": dt.timedelta(days=amount), "h": dt.timedelta(hours=amount), "w": dt.timedelta(weeks=amount)}[unit]


@dataclass
class PurgePlan:
    cutoff: dt.datetime
    conversations: List[str]
    cases: List[int]
    messages: int
    kept_open_cases: int

    def describe(self) -> str:
        return (
            f"Older than {self.cutoff:%Y-%m-%d %H:%M} UTC: {len(self.conversations)} conversation(s) "
            f"with {self.messages} message(s), {len(self.cases)} closed case(s). "
            f"{self.kept_open_cases} open case(s) are kept until they are closed."
        )


def plan(*, db_session: Session, older_than: dt.timedelta, now: Optional[dt.datetime] = None) -> PurgePlan:
    cutoff = (now or dt.datetime.now(dt.timezone.utc)) - older_than
    open_case_conversations = set(
        db_session.execute(
            select(CaseRow.conversation_id).where(CaseRow.status != "closed", CaseRow.conversation_id.is_not(None))
        ).scalars()
    )
    old_conversations = [
        cid
        for cid in db_session.execute(
            select(ConversationRow.id).where(ConversationRow.last_activity_at < cutoff)
        ).scalars()
        if cid not in open_case_conversations
    ]
    old_cases = list(
        db_session.execute(select(CaseRow.id).where(CaseRow.status == "closed", CaseRow.closed_at < cutoff)).scalars()
    )
    kept = len(
        open_case_conversations
        & set(db_session.execute(select(ConversationRow.id).where(ConversationRow.last_activity_at < cutoff)).scalars())
    )
    messages = (
        len(db_session.execute(select(MessageRow.id).where(MessageRow.conversation_id.in_(old_conversations))).all())
        if old_conversations
        else 0
    )
    return PurgePlan(cutoff, old_conversations, old_cases, messages, kept)


def purge(*, db_session: Session, purge_plan: PurgePlan) -> Dict[str, int]:
    """Archive anonymous counts, then delete. One transaction: all or nothing."""
    cases = list(db_session.execute(select(CaseRow).where(CaseRow.id.in_(purge_plan.cases))).scalars())
    case_conversations = {case.conversation_id for case in cases if case.conversation_id}
    for case in cases:
        db_session.add(
            ArchivedContactRow(
                day=_day(case.created_at),
                channel=case.channel,
                events=list(case.summary.get("events") or []),
                handed_over=True,
                contained=False,
                reason=case.reason,
                queue=case.queue,
                urgent=case.urgent,
                disposition=case.disposition,
                wait_seconds=_seconds(case.created_at, case.claimed_at),
                handling_seconds=_seconds(case.claimed_at, case.closed_at),
            )
        )
    has_case = set(
        db_session.execute(
            select(CaseRow.conversation_id).where(CaseRow.conversation_id.in_(purge_plan.conversations))
        ).scalars()
    )
    for conversation in db_session.execute(
        select(ConversationRow).where(ConversationRow.id.in_(purge_plan.conversations))
    ).scalars():
        if conversation.id in has_case or conversation.id in case_conversations:
            continue  # counted through its case
        db_session.add(
            ArchivedContactRow(
                day=_day(conversation.created_at),
                channel=conversation.channel,
                events=[],
                handed_over=False,
                contained=bool(conversation.ended_with_bundle),
                urgent=bool(conversation.urgent),
            )
        )
    if purge_plan.cases:
        db_session.execute(delete(CaseEventRow).where(CaseEventRow.case_id.in_(purge_plan.cases)))
        db_session.execute(delete(CaseRow).where(CaseRow.id.in_(purge_plan.cases)))
    if purge_plan.conversations:
        db_session.execute(delete(MessageRow).where(MessageRow.conversation_id.in_(purge_plan.conversations)))
        # Closed cases younger than the cutoff outlive their old conversation.
        db_session.execute(
            update(CaseRow).where(CaseRow.conversation_id.in_(purge_plan.conversations)).values(conversation_id=None)
        )
        db_session.execute(delete(ConversationRow).where(ConversationRow.id.in_(purge_plan.conversations)))
        _purge_rasa_tracker(db_session, purge_plan.conversations)
    from bot.plans.service import purge_expired  # kept plans expire under the same policy

    return {
        "conversations": len(purge_plan.conversations),
        "cases": len(purge_plan.cases),
        "messages": purge_plan.messages,
        "plan_links": purge_expired(db_session=db_session),
    }


def _purge_rasa_tracker(db_session: Session, conversation_ids: List[str]) -> None:
    """Rasa's SQL tracker store keeps its events in the same database (sender_id
    is the conversation id): they go too."""
    if "events" not in inspect(db_session.get_bind()).get_table_names():
        return
    statement = text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True))
    db_session.execute(statement, {"ids": conversation_ids})


def _day(moment: Optional[dt.datetime]) -> dt.date:
    return (moment or dt.datetime.now(dt.timezone.utc)).date()


def _seconds(start: Optional[dt.datetime], end: Optional[dt.datetime]) -> Optional[int]:
    if start is None or end is None:
        return None
    aware = [m if m.tzinfo else m.replace(tzinfo=dt.timezone.utc) for m in (start, end)]
    return max(0, int((aware[1] - aware[0]).total_seconds()))

"""Handing a conversation from the assistant to a person: the case in the right queue (French to a
French-speaking agent), the summary the agent sees first, and what the citizen is told (wait,
urgent, or after hours). A mixin of ConversationRouter (router.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List

from sqlalchemy.orm import Session

from bot.cases import hours
from bot.cases import service as cases
from bot.cases.directory import GENERAL_QUEUE, language_queue, queues
from bot.conversations import service as conversations
from bot.conversations.messages import say
from bot.conversations.models import ConversationRow
from bot.privacy import redact
from bot.settings import Settings
from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts
from onewindow_catalogue.snapshot import SnapshotCache


class HandOver:
    settings: Settings
    snapshots: SnapshotCache
    clock: Callable[[], dt.datetime]

    def _hand_over(self, db_session: Session, conversation: ConversationRow, handoff: Dict[str, Any]) -> List[int]:
        """Open the case the assistant asked for and take the conversation off the bot."""
        urgent = bool(handoff.get("urgent")) or conversation.urgent
        known_queues = queues(conversation.lang)
        queue = handoff.get("queue") if handoff.get("queue") in known_queues else GENERAL_QUEUE
        # a French conversation needs a French-speaking agent
        queue = language_queue(conversation.lang, db_session) or queue
        summary = self._summary(db_session, conversation, handoff)
        staffed = hours.is_staffed(self.settings.staffed_hours, self.settings.timezone, self.clock())
        consent = handoff.get("consent") if isinstance(handoff.get("consent"), dict) else None
        case = cases.open_case(
            db_session=db_session,
            conversation=conversation,
            queue=queue,
            urgent=urgent,
            reason=str(handoff.get("reason") or "asked_for_person"),
            summary=summary,
            consent={**consent, "recorded_at": conversations.utcnow().isoformat()} if consent else None,
            callback=None if staffed or urgent else {"offered": True},
        )
        conversations.set_owner(db_session=db_session, conversation_id=conversation.id, owner="queue", expected="bot")
        db_session.refresh(conversation)
        conversation.urgent = urgent
        lang = conversation.lang
        if urgent:
            text = say("queued_urgent", lang, reference=case.reference)
        elif not staffed:
            conversation.awaiting = "callback_contact"
            text = say("after_hours", lang, hours=self.settings.staffed_hours, reference=case.reference)
        else:
            minutes = cases.estimated_wait_minutes(db_session=db_session, queue=case.queue)
            text = say("queued", lang, queue=known_queues[case.queue].title, reference=case.reference, minutes=minutes)
        row = conversations.add_message(db_session=db_session, conversation=conversation, sender="system", text=text)
        return [row.id]

    def _summary(self, db_session: Session, conversation: ConversationRow, handoff: Dict[str, Any]) -> Dict[str, Any]:
        """What the agent sees first: events, facts, the proposed bundle, why."""
        snapshot = self.snapshots.get(db_session)
        events = [e for e in handoff.get("events") or [] if e in snapshot.life_events]
        raw_facts = {k: v for k, v in (handoff.get("facts") or {}).items() if k in snapshot.facts}
        try:
            facts = parse_facts(snapshot, {k: v for k, v in raw_facts.items() if v is not None})
        except BundleRequestError:
            facts = {}
        bundle = build_bundle(snapshot, events, facts, lang=conversation.lang) if events else None
        return {
            "lang": conversation.lang,  # the citizen's language, shown to the agent
            "events": events,
            "facts": bundle["facts"] if bundle else {},
            "reason": handoff.get("reason"),
            "reason_detail": redact(str(handoff.get("detail") or "")).text[:500] or None,
            "proposed_bundle": [s["id"] for s in bundle["services"]] if bundle else [],
            "open_questions": [q["fact"] for q in bundle["questions"]] if bundle else [],
        }

"""Console test helpers (a plain module: test files import it by name)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from bot.cases import service as cases
from bot.conversations import service as conversations
from onewindow_catalogue.database import session_scope

# (user name, display name, role, organisations), all with support.PASSWORD
PEOPLE = [
    ("ana", "Ana Agent", "agent", []),
    ("ben", "Ben Agent", "agent", []),
    ("olu", "Olu Owner", "owner", ["canada-revenue-agency"]),
    ("root", "Root Admin", "admin", []),
]
LIVE_PEOPLE = [("agent1", "Agent One", "agent", []), ("agent2", "Agent Two", "agent", [])]


def make_case(
    app,
    *,
    queue: str = "business",
    events=("new_business",),
    facts: Optional[Dict[str, Any]] = None,
    urgent: bool = False,
    reason: str = "asked_for_person",
    said: str = "I want to open a bakery",
    proposed=None,
    consent: Optional[Dict[str, Any]] = None,
    minutes_ago: float = 0,
) -> Dict[str, Any]:
    """A chat handed over to the queue, as the router leaves it: conversation with
    the person's message, the case waiting, the owner 'queue'. `app` is the app
    or a session factory on its database."""
    import datetime as dt

    factory = app.state.session_factory if hasattr(app, "state") else app
    with session_scope(factory) as session:
        conversation = conversations.create(db_session=session)
        conversations.add_message(db_session=session, conversation=conversation, sender="bot", text="Hello!")
        conversations.add_message(db_session=session, conversation=conversation, sender="user", text=said)
        summary = {
            "events": list(events),
            "facts": facts or {"business_structure": "sole_proprietorship"},
            "reason": reason,
            "reason_detail": None,
            "proposed_bundle": list(proposed if proposed is not None else ["ca-business-number"]),
            "open_questions": ["municipality"],
        }
        case = cases.open_case(
            db_session=session,
            conversation=conversation,
            queue=queue,
            reason=reason,
            summary=summary,
            urgent=urgent,
            consent=consent or {"given": True, "wording": "May an agent read this chat?"},
        )
        if minutes_ago:
            case.created_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes_ago)
        conversations.set_owner(db_session=session, conversation_id=conversation.id, owner="queue")
        return {"id": case.id, "reference": case.reference, "conversation_id": conversation.id}

"""Citizen messages a client may send more than once, answered once.

A client cannot tell a message lost on the way from an answer lost on the way
back (a web replica killed mid-request gives a 502 either way), so it resends
the message with the same `client_message_id`. The first copy is stored with
that id, and (conversation_id, client_message_id) is unique, so however many
replicas receive copies at once only one stores it. That replica holds a
*claim* on the message while Rasa answers it and renews it meanwhile; the
seqs of the answer are kept on the message, for the copies that follow.

A claim not renewed for CLAIM_LEASE belongs to a replica that died: a resend
then takes the claim over (a conditional update, so one resend only) and has
the message answered again — the one case where Rasa may see it twice, since
the dead replica may have sent it before dying.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.conversations.models import MessageRow, utcnow
from bot.privacy import redact

CLAIM_RENEW_SECONDS = 5.0  # how often the answering replica says it is alive
CLAIM_LEASE = dt.timedelta(seconds=20)  # a claim older than this is a dead replica's


def digest(text: str, payload: str) -> str:
    """A fingerprint of what was sent, to refuse the same id with other words.
    Taken over the redacted text: even hashed, no identifier is kept (a SIN has
    few enough values to be found from its hash)."""
    cleaned = redact(text).text if text else ""
    return hashlib.sha256(json.dumps([cleaned, payload]).encode("utf-8")).hexdigest()


def new_claim() -> str:
    return secrets.token_hex(16)


def find(*, db_session: Session, conversation_id: str, client_message_id: str) -> Optional[MessageRow]:
    query = select(MessageRow).where(
        MessageRow.conversation_id == conversation_id, MessageRow.client_message_id == client_message_id
    )
    return db_session.execute(query).scalars().first()


def renew(*, db_session: Session, message_id: int, claim: str) -> bool:
    """Keep our claim fresh; False if another replica took it over (or it was answered).
    On PostgreSQL the update also locks the row until the transaction ends."""
    query = update(MessageRow).where(MessageRow.id == message_id, MessageRow.claim == claim)
    return _changed(db_session, query.values(claimed_at=utcnow()))


def take_over(*, db_session: Session, message_id: int) -> Optional[str]:
    """Claim a message whose claim went stale; the new claim, or None when it is
    fresh, answered, or another resend took it first (the update is conditional)."""
    claim, now = new_claim(), utcnow()
    query = update(MessageRow).where(
        MessageRow.id == message_id, MessageRow.claim.is_not(None), MessageRow.claimed_at < now - CLAIM_LEASE
    )
    return claim if _changed(db_session, query.values(claim=claim, claimed_at=now)) else None


def finish(*, db_session: Session, message_id: int, claim: str, answer: List[int]) -> bool:
    """Record the answer and release the claim, if the claim is still ours."""
    query = update(MessageRow).where(MessageRow.id == message_id, MessageRow.claim == claim)
    return _changed(db_session, query.values(claim=None, answer=list(answer)))


def _changed(db_session: Session, statement) -> bool:  # type: ignore[no-untyped-def]
    """Run a conditional update of one row: whether it matched. The condition is the
    database's to judge (the loaded row may be stale), so the session is not synchronised."""
    return db_session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1

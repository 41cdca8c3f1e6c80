"""What the router knows about a message between recording it (a thread) and answering it (async):
the parts that record, resend and reply all pass these along."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass
class _Received:
    conversation_id: str
    lang: str
    owner: str
    forward: Optional[str]  # what to send to Rasa, None when the bot does not own the conversation
    is_payload: bool  # `forward` is a button's payload (an intent for Rasa), not words someone typed
    created: List[int]
    raw_text: str
    message_id: int = 0  # the person's stored message
    claim: Optional[str] = None  # ours while we answer a message sent with a client_message_id


@dataclass
class _Resent:
    """A copy of a message stored before (same client_message_id): answered from the first."""

    conversation_id: str
    message_id: int
    lang: str

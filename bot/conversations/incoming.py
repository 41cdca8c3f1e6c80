"""Recording the person's message, once: checked, redacted and stored, with what the router says
itself, and the decision of what Rasa gets. Only the buttons offered may be pressed. A mixin of
ConversationRouter (router.py), which holds the session factory and settings."""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Tuple, Union

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations import resends
from bot.conversations import service as conversations
from bot.conversations.errors import MessageRejected
from bot.conversations.messages import say
from bot.conversations.models import ConversationRow, IncomingMessage, utcnow
from bot.conversations.turns import _Received, _Resent
from bot.language import detect_language
from bot.plans.outline import understood_corrections
from bot.privacy import redact
from bot.settings import Settings
from onewindow_catalogue.database import session_scope

PAYLOAD = re.compile(r"^/[a-z_+]{1,80}(\{[^{}]{0,400}\})?$")
# Payloads the widget offers on every screen ("Talk to a person"), whatever the assistant said last.
ALWAYS_OFFERED = frozenset({"/request_human"})
YES_NO = frozenset({"/affirm", "/deny"})
AWAITING_LANGUAGE = "language"  # conversation.awaiting: the page did not choose; the first clear words will


class IncomingMessages:
    session_factory: sessionmaker
    settings: Settings

    # --- recording the person's message -----------------------------------------------
    def _record_incoming(self, conversation_id: str, incoming: IncomingMessage) -> Union[_Received, _Resent]:
        client_id = incoming.client_message_id
        digest = ""
        try:
            with session_scope(self.session_factory) as db_session:
                conversation = self._open(db_session, conversation_id)
                text, payload = self._checked(incoming, conversation.lang)  # refused in the conversation's language
                digest = resends.digest(text, payload) if client_id else ""
                resent = self._earlier_copy(db_session, conversation, client_id, digest) if client_id else None
                if resent is not None:
                    return resent
                if conversation.owner == "closed":
                    raise MessageRejected(409, "rejected_ended", conversation.lang)
                return self._record_new(db_session, conversation, text, payload, (client_id, digest))
        except IntegrityError:
            if not client_id:
                raise
            with session_scope(self.session_factory) as db_session:  # another replica stored this message first
                resent = self._earlier_copy(db_session, self._open(db_session, conversation_id), client_id, digest)
            if resent is None:
                raise
            return resent

    def _checked(self, incoming: IncomingMessage, lang: str) -> Tuple[str, str]:
        """(text, payload), stripped; refused (in `lang`) before anything is stored when they cannot be taken."""
        text = (incoming.text or "").strip()
        payload = (incoming.payload or "").strip()
        if payload and not PAYLOAD.match(payload):
            raise MessageRejected(422, "rejected_unknown_button", lang)
        if not payload and not text:
            raise MessageRejected(422, "rejected_empty", lang)
        if len(text) > self.settings.max_message_chars:
            raise MessageRejected(413, "rejected_too_long", lang, limit=self.settings.max_message_chars)
        return text, payload

    @staticmethod
    def _open(db_session: Session, conversation_id: str) -> ConversationRow:
        conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
        if conversation is None:
            raise MessageRejected(404, "rejected_no_conversation")
        return conversation

    def _record_new(
        self, db_session: Session, conversation: ConversationRow, text: str, payload: str, client: Tuple[str, str]
    ) -> _Received:
        """Store the person's message and what the router says itself; decide what Rasa gets.
        `client` is (client_message_id, digest), both empty when the client sent no id."""
        client_id, digest = client
        if conversation.awaiting == AWAITING_LANGUAGE and text and not payload:
            detected = detect_language(text)
            if detected is not None:  # too short or mixed ("ok", "bonjour"): keep waiting
                conversation.lang = detected
                conversation.awaiting = None
        offered = self._offered(db_session, conversation.id)
        if payload and payload not in offered and payload not in ALWAYS_OFFERED:
            raise MessageRejected(422, "rejected_not_offered", conversation.lang)
        cleaned = redact(text or offered.get(payload) or payload)
        row = conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="user",
            text=cleaned.text,
            redacted_kinds=cleaned.kinds,
            client_message_id=client_id or None,
        )
        created = [row.id]
        if cleaned.found and conversation.awaiting != "callback_contact":
            notice = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="system",
                text=say("identifier_not_needed", conversation.lang),
            )
            created.append(notice.id)
        forward = None
        if conversation.awaiting == "callback_contact":
            created += self._take_callback_contact(db_session, conversation, text)
        elif conversation.owner == "bot" and not payload and YES_NO.issubset(offered) and not has_words(text):
            created += self._ask_yes_or_no(db_session, conversation, offered)
        elif conversation.owner == "bot":
            forward = payload or cleaned.text
        else:
            created += self._while_with_agents(db_session, conversation, text)
        received = _Received(
            conversation.id, conversation.lang, conversation.owner, forward, bool(payload), created, text, row.id
        )
        if client_id:
            received.claim = resends.new_claim()
            row.claim, row.claimed_at = received.claim, utcnow()
            row.submission = {"digest": digest, "forward": forward, "payload": bool(payload), "created": created}
        return received

    def _offered(self, db_session: Session, conversation_id: str) -> Dict[str, str]:
        """Payload -> title of the buttons offered in the latest turn (the bot's or the
        router's messages since the person last wrote). Only these may be pressed:
        a payload is an intent for Rasa, so one never offered would let anyone
        trigger any intent (a fake urgent case with `/crisis`)."""
        offered: Dict[str, str] = {}
        for row in conversations.latest_messages(db_session=db_session, conversation_id=conversation_id):
            if row.sender == "user":
                break
            for button in row.buttons or []:
                if isinstance(button, dict) and button.get("payload"):
                    offered.setdefault(str(button["payload"]), str(button.get("title") or button["payload"]))
            for button in understood_corrections(row.bundle):
                offered.setdefault(button["payload"], button["title"])
        return offered

    def _ask_yes_or_no(self, db_session: Session, conversation: ConversationRow, offered: Dict[str, str]) -> List[int]:
        """A yes/no question (consent to share the summary) answered with no words
        at all — an emoji, punctuation, combining accents — is no answer: consent
        must be explicit, so the question is put again with its buttons."""
        row = conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="system",
            text=say("answer_yes_or_no", conversation.lang),
            buttons=[{"title": offered[payload], "payload": payload} for payload in sorted(YES_NO)],
        )
        return [row.id]


def has_words(text: str) -> bool:
    """Whether `text` holds at least one letter or digit (any script)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)

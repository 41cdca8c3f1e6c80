"""The conversation router: the only door for citizen messages.

Every message is checked, redacted and recorded once, here. While the bot
owns the conversation it is forwarded to Rasa; while a case waits or an agent
holds it, it goes to the case instead and Rasa never sees it. The owner in the
database, not Rasa's pause flag, decides — so any replica routes the same way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.audit.service import record_unmatched
from bot.cases import hours
from bot.cases import service as cases
from bot.cases.directory import GENERAL_QUEUE, language_queue, queues
from bot.conversations import resends
from bot.conversations import service as conversations
from bot.conversations.messages import say
from bot.conversations.models import ConversationRow, IncomingMessage, Message, MessageRow, utcnow
from bot.conversations.rasa_channel import BotReply, BotUnavailable, RasaChannel
from bot.language import detect_language
from bot.plans.outline import understood_corrections
from bot.privacy import redact
from bot.safety import detect
from bot.settings import Settings
from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts
from onewindow_catalogue.database import session_scope
from onewindow_catalogue.snapshot import SnapshotCache
from onewindow_catalogue.text import localise

log = logging.getLogger(__name__)
PAYLOAD = re.compile(r"^/[a-z_+]{1,80}(\{[^{}]{0,400}\})?$")
PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")
# Payloads the widget offers on every screen ("Talk to a person"), whatever the assistant said last.
ALWAYS_OFFERED = frozenset({"/request_human"})
YES_NO = frozenset({"/affirm", "/deny"})
LANGUAGES = ("en", "fr")
AWAITING_LANGUAGE = "language"  # conversation.awaiting: the page did not choose; the first clear words will
RESENT_WAIT_SECONDS = 8.0  # a resend waits this long for the first copy's answer (under the widget's 15 s)
RESENT_POLL_SECONDS = 0.2
RESENT_RETRY_AFTER = 2  # seconds, in the 409's Retry-After when the first copy is still being answered


class MessageRejected(ValueError):
    """A message the router will not take; `status` is the HTTP status to answer with.

    Its text is a messages.yml entry (`key`, `values`), so the refusal can be said in the
    person's language: `lang` is the conversation's when the router knows it; when it does
    not (no such conversation), the view says it in the request's language (`detail`)."""

    def __init__(
        self, status: int, key: str, lang: Optional[str] = None, retry_after: Optional[int] = None, **values: Any
    ) -> None:
        super().__init__(say(key, lang or "en", **values))
        self.status = status
        self.key = key
        self.lang = lang
        self.values = values
        self.retry_after = retry_after  # seconds: the same request may succeed then (a Retry-After header)

    def detail(self, fallback_lang: str = "en") -> str:
        """The refusal in the conversation's language, else in `fallback_lang`."""
        return say(self.key, self.lang or fallback_lang, **self.values)


class ClaimLost(RuntimeError):
    """Another replica took over answering the message (ours looked dead): its answer counts."""


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


class ConversationRouter:
    def __init__(
        self,
        session_factory: sessionmaker,
        bot: RasaChannel,
        settings: Settings,
        snapshots: SnapshotCache,
        clock: Callable[[], dt.datetime] = hours.utcnow,
    ) -> None:
        self.session_factory = session_factory
        self.bot = bot
        self.settings = settings
        self.snapshots = snapshots
        self.clock = clock  # read for staffed hours; tests pass a fixed one

    # --- starting -----------------------------------------------------------------
    def start(self, lang: str = "en", detect_language: bool = False) -> Dict[str, Any]:
        """A new conversation in `lang`. With `detect_language` (the page did not choose),
        the person's first words that clearly are English or French set the language."""
        with session_scope(self.session_factory) as db_session:
            conversation = conversations.create(db_session=db_session, lang=lang)
            if detect_language:
                conversation.awaiting = AWAITING_LANGUAGE
            snapshot = self.snapshots.get(db_session)
            buttons = [
                {"title": localise(event.title, lang) or event.id, "payload": f"/{event.id}"}
                for event in snapshot.life_events.values()
            ]
            buttons.append({"title": say("welcome_other", lang), "payload": "/other_service"})
            welcome = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="bot",
                text=say("welcome", lang),
                buttons=buttons,
            )
            return {
                "id": conversation.id,
                "owner": conversation.owner,
                "lang": conversation.lang,
                "messages": [Message.from_row(welcome)],
            }

    # --- language -------------------------------------------------------------------
    def set_language(self, conversation_id: str, lang: str) -> Dict[str, Any]:
        """The person chose a language (the page's menu): everything from now on is in it,
        the assistant's answers too (the language goes to Rasa with every message)."""
        if lang not in LANGUAGES:
            raise MessageRejected(422, "rejected_unknown_language", chosen=lang, languages=", ".join(LANGUAGES))
        with session_scope(self.session_factory) as db_session:
            conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
            if conversation is None:
                raise MessageRejected(404, "rejected_no_conversation")
            if conversation.awaiting == AWAITING_LANGUAGE:
                conversation.awaiting = None
            created = []
            if conversation.lang != lang:
                conversation.lang = lang
                row = conversations.add_message(
                    db_session=db_session,
                    conversation=conversation,
                    sender="system",
                    text=say("language_switched", lang),
                )
                created.append(Message.from_row(row))
            return {"id": conversation.id, "owner": conversation.owner, "lang": conversation.lang, "messages": created}

    # --- receiving ----------------------------------------------------------------
    async def receive(self, conversation_id: str, incoming: IncomingMessage) -> Dict[str, Any]:
        received = await run_in_threadpool(self._record_incoming, conversation_id, incoming)
        if isinstance(received, _Resent):
            return await self._answer_resent(received)
        return await self._answer(received)

    async def _answer(self, received: _Received) -> Dict[str, Any]:
        """Ask Rasa (when the bot owns the conversation) and record its replies; a claimed
        message's claim is renewed meanwhile, so no other replica thinks this one died."""
        keeper = asyncio.create_task(self._keep_claim(received)) if received.claim else None
        try:
            replies = await self._ask_bot(received)
        finally:
            if keeper is not None:
                keeper.cancel()
        try:
            return await run_in_threadpool(self._record_replies, received, replies)
        except ClaimLost:
            return await self._answer_resent(_Resent(received.conversation_id, received.message_id, received.lang))

    async def _ask_bot(self, received: _Received) -> List[BotReply]:
        if received.forward is None:
            return []
        try:
            return await self.bot.send(
                received.conversation_id, received.forward, {"lang": received.lang}, payload=received.is_payload
            )
        except BotUnavailable as error:
            log.warning("conversation %s: %s", received.conversation_id[:8], error)
            return [
                *error.partial,  # what the assistant said before it failed, then the way forward
                BotReply(
                    text=say("bot_unavailable", received.lang),
                    buttons=[{"title": say("talk_to_person", received.lang), "payload": "/request_human"}],
                ),
            ]

    async def _keep_claim(self, received: _Received) -> None:
        """Renew the claim until cancelled; a failed renewal is only logged: recording the
        answer checks the claim again, and a lapsed one lets a resend answer instead."""
        try:
            while True:
                await asyncio.sleep(resends.CLAIM_RENEW_SECONDS)
                if not await run_in_threadpool(self._renew_claim, received):
                    return
        except Exception as error:  # noqa: BLE001 (a background task: nobody else would see it)
            log.warning("conversation %s: could not renew a claim: %s", received.conversation_id[:8], error)

    def _renew_claim(self, received: _Received) -> bool:
        with session_scope(self.session_factory) as db_session:
            return resends.renew(db_session=db_session, message_id=received.message_id, claim=received.claim or "")

    # --- resent messages --------------------------------------------------------------
    async def _answer_resent(self, resent: _Resent) -> Dict[str, Any]:
        """The first copy's answer, once it is there. Waits a little for a replica still
        answering it; takes over a dead replica's claim; else asks the client to retry."""
        deadline = asyncio.get_running_loop().time() + RESENT_WAIT_SECONDS
        while True:
            found = await run_in_threadpool(self._resent_state, resent)
            if isinstance(found, _Received):
                return await self._answer(found)
            if found is not None:
                return found
            if asyncio.get_running_loop().time() >= deadline:
                raise MessageRejected(409, "rejected_still_answering", resent.lang, RESENT_RETRY_AFTER)
            await asyncio.sleep(RESENT_POLL_SECONDS)

    def _resent_state(self, resent: _Resent) -> Union[Dict[str, Any], _Received, None]:
        """The stored answer; or the message to answer again, its claim now ours (the
        replica that held it stopped renewing it); or None while it is being answered."""
        with session_scope(self.session_factory) as db_session:
            conversation = self._open(db_session, resent.conversation_id)
            row = db_session.get(MessageRow, resent.message_id)
            if row is None:  # deleted meanwhile with its conversation's history (retention)
                raise MessageRejected(404, "rejected_no_conversation")
            if row.claim is None:
                return self._answer_body(db_session, conversation, row.answer or [row.id])
            claim = resends.take_over(db_session=db_session, message_id=row.id)
            if claim is None:
                return None
            log.warning("conversation %s: answering a message its replica left unanswered", conversation.id[:8])
            submission = row.submission or {}
            forward = submission.get("forward") if conversation.owner == "bot" else None
            created = [int(seq) for seq in submission.get("created") or [row.id]]
            is_payload = bool(submission.get("payload"))
            return _Received(
                conversation.id, conversation.lang, conversation.owner, forward, is_payload, created, "", row.id, claim
            )

    def _earlier_copy(
        self, db_session: Session, conversation: ConversationRow, client_message_id: str, digest: str
    ) -> Optional[_Resent]:
        """The message stored before under this id, if any; the same id with other words is refused."""
        earlier = resends.find(
            db_session=db_session, conversation_id=conversation.id, client_message_id=client_message_id
        )
        if earlier is None:
            return None
        if (earlier.submission or {}).get("digest") != digest:
            raise MessageRejected(422, "rejected_id_reused", conversation.lang)
        return _Resent(conversation.id, earlier.id, conversation.lang)

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

    def _while_with_agents(self, db_session: Session, conversation: ConversationRow, raw_text: str) -> List[int]:
        """Messages for a waiting or held case: recorded for the agent; a crisis escalates."""
        case = cases.open_case_for_conversation(db_session=db_session, conversation_id=conversation.id)
        if raw_text and detect(raw_text) is not None:
            conversation.urgent = True
            if case is not None:
                cases.escalate(db_session=db_session, case=case, reason="crisis message while waiting")
            row = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="system",
                text=say("crisis_while_waiting", conversation.lang),
            )
            return [row.id]
        return []

    def _take_callback_contact(self, db_session: Session, conversation: ConversationRow, raw_text: str) -> List[int]:
        """After hours the person may leave a number. It goes into the case's
        callback field only (never the transcript) and is purged with the case."""
        case = cases.open_case_for_conversation(db_session=db_session, conversation_id=conversation.id)
        match = PHONE.search(raw_text)
        if case is None or match is None:
            row = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="system",
                text=say("callback_no_phone", conversation.lang),
            )
            return [row.id]
        when = redact(raw_text.replace(match.group(0), " ")).text.strip()[:200]
        case.callback = {**(case.callback or {}), "contact": match.group(0), "when": when, "requested": True}
        conversation.awaiting = None
        row = conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="system",
            text=say("callback_saved", conversation.lang, reference=case.reference),
        )
        return [row.id]

    # --- replies --------------------------------------------------------------------
    def _record_replies(self, received: _Received, replies: List[BotReply]) -> Dict[str, Any]:
        with session_scope(self.session_factory) as db_session:
            if received.claim and not resends.renew(
                db_session=db_session, message_id=received.message_id, claim=received.claim
            ):
                raise ClaimLost(received.conversation_id)
            conversation = conversations.get_or_raise(db_session=db_session, conversation_id=received.conversation_id)
            created = list(received.created)
            handoff = None
            for reply in replies:
                bundle = reply.custom.get("bundle") if isinstance(reply.custom.get("bundle"), dict) else None
                if bundle is not None:
                    bundle = {**bundle, "print_url": f"/conversations/{conversation.id}/bundle"}
                if reply.text or reply.buttons or bundle:
                    row = conversations.add_message(
                        db_session=db_session,
                        conversation=conversation,
                        sender="bot",
                        text=redact(reply.text).text,
                        buttons=reply.buttons,
                        bundle=bundle,
                    )
                    created.append(row.id)
                if isinstance(reply.custom.get("handoff"), dict):
                    handoff = reply.custom["handoff"]
            if any(reply.custom.get("unmatched") for reply in replies):
                question = conversations.messages_after(
                    db_session=db_session, conversation_id=conversation.id, after=min(received.created) - 1, limit=1
                )
                if question and question[0].sender == "user":
                    record_unmatched(db_session, question[0].text, "chat")  # the catalogue's gap report
            if handoff is not None and conversation.owner == "bot":
                created += self._hand_over(db_session, conversation, handoff)
            if received.claim:
                resends.finish(
                    db_session=db_session, message_id=received.message_id, claim=received.claim, answer=created
                )
            return self._answer_body(db_session, conversation, created)

    @staticmethod
    def _answer_body(db_session: Session, conversation: ConversationRow, created: List[int]) -> Dict[str, Any]:
        """The answer to a message: the messages `created` for it (the person's own first)."""
        rows = [
            row
            for row in conversations.messages_after(
                db_session=db_session, conversation_id=conversation.id, after=min(created) - 1
            )
            if row.id in created
        ]
        return {
            "owner": conversation.owner,
            "lang": conversation.lang,
            "messages": [Message.from_row(row) for row in rows],
        }

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


def has_words(text: str) -> bool:
    """Whether `text` holds at least one letter or digit (any script)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)

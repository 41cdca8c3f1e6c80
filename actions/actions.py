"""Rasa SDK actions: thin translations between slots/events and bot.assistant.

The logic (answers, questions, bundle text, referrals, handoff decisions) is in
bot/assistant/, bot/handoff/ and bot/safety/, tested without Rasa.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.assistant import conversation as conv
from bot.assistant.answers import NONE, SKIP, UNKNOWN, VALUE, parse_answer
from bot.assistant.catalogue_access import get_snapshot
from bot.assistant.messages import say
from bot.assistant.referrals import match_referral, referral_payload, referral_text
from bot.assistant.summary import bundle_buttons, bundle_text, more_questions_text
from bot.components.fact_matcher import default_matcher
from bot.handoff.rules import COMPLEX_CASE, URGENT, decide, queue_for
from bot.safety import detect
from bot.safety.referral import bereavement_support, crisis_lines

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Build the fact matcher and safety patterns when the action server starts."""
    try:
        default_matcher()
        detect("warm up")
    except Exception:  # noqa: BLE001 (a slow first answer is better than no server)
        logger.exception("warm-up failed")


warm_up()

FALLBACK_INTENTS = ("nlu_fallback", "out_of_scope")
FINISH_INTENTS = ("show_bundle", "download_bundle", "goodbye")
CONSENT_RESPONSE = "utter_ask_handoff_consent"
SUPPORT_WORDS = re.compile(r"suicide|took (?:his|her|their) own life|overdose|killed|murder", re.IGNORECASE)


# -- helpers ---------------------------------------------------------------------------------------


def _lang(tracker: Tracker) -> str:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    lang = metadata.get("lang") or tracker.get_slot("lang") or "en"
    return lang if lang in ("en", "fr") else "en"


def _state(tracker: Tracker) -> conv.State:
    state = conv.State.from_slots(tracker.slots)
    state.lang = _lang(tracker)
    conv.recall_facts(get_snapshot(), state, _earlier_entities(tracker))
    return state


def _known_facts(tracker: Tracker) -> Dict[str, Any]:
    """Every fact the person stated so far, for the agent's case: what the slot
    holds plus what any message said that no action stored (said it once)."""
    try:
        snapshot = get_snapshot()
    except Exception:  # noqa: BLE001 (an urgent handoff must not wait on the catalogue)
        logger.exception("catalogue unavailable: the case gets the facts slot only")
        return dict(tracker.get_slot("facts") or {})
    state = conv.State.from_slots(tracker.slots)
    conv.recall_facts(snapshot, state, [*_earlier_entities(tracker), _message(tracker)["entities"]])
    return dict(state.facts)


def _offer_suggestions(
    dispatcher: CollectingDispatcher, snapshot: Any, state: conv.State, tracker: Tracker, message: Dict[str, Any]
) -> None:
    """May we recommend: a second life event the person's words point to, asked
    as a question with its reason; nothing is added unless they press yes."""
    for suggestion in conv.new_suggestions(snapshot, state, _earlier_entities(tracker), message["entities"]):
        dispatcher.utter_message(text=suggestion["why"], buttons=[suggestion["button"]])


def _earlier_entities(tracker: Tracker) -> List[List[Dict[str, Any]]]:
    """The entities of every user message since the conversation (re)started,
    except the latest one, which each action reads itself."""
    messages: List[List[Dict[str, Any]]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in ("restart", "session_started", "reset_slots"):
            messages = []
        elif kind == "user":
            messages.append(list((event.get("parse_data") or {}).get("entities") or []))
    return messages[:-1]


def _message(tracker: Tracker) -> Dict[str, Any]:
    latest = tracker.latest_message or {}
    return {
        "intent": ((latest.get("intent") or {}).get("name")) or "",
        "text": latest.get("text") or "",
        "entities": list(latest.get("entities") or []),
        "signals": latest.get("handoff_signals") if isinstance(latest.get("handoff_signals"), dict) else None,
    }


def _events_said(tracker: Tracker, known: Sequence[str], catalogue_events: Iterable[str]) -> List[str]:
    """The life events known so far and those the latest message names (the parse's `life_events`). A message that
    asks for a person or is a crisis keeps its own intent, so its events never pass through action_recognise_events:
    "my husband passed away, I'd like a real person" still goes to the bereavement queue, with the event on the case."""
    latest = tracker.latest_message or {}
    said = [str(e.get("id")) for e in latest.get("life_events") or [] if isinstance(e, dict)]
    valid = set(catalogue_events)
    return list(dict.fromkeys([*known, *(e for e in said if e in valid)]))


def _state_slots(state: conv.State) -> List[EventType]:
    return [
        SlotSet("life_events", list(state.events)),
        SlotSet("events_known", bool(state.events)),
        SlotSet("facts", dict(state.facts)),
        SlotSet("asked_facts", list(state.asked)),
        SlotSet("question_limit", float(state.question_limit)),
        SlotSet("lang", state.lang),
    ]


def _queues(snapshot: Any) -> Dict[str, str]:
    return {event_id: event.queue for event_id, event in snapshot.life_events.items()}


def _consent_wording(domain: DomainDict, lang: str) -> str:
    """The exact consent question the person saw (domain response, by language)."""
    variations = (domain.get("responses") or {}).get(CONSENT_RESPONSE) or []
    fallback = ""
    for variation in variations:
        conditions = variation.get("condition") or []
        if not conditions:
            fallback = fallback or variation.get("text", "")
        elif any(c.get("name") == "lang" and c.get("value") == lang for c in conditions):
            return variation.get("text", "")
    return fallback


def _not_understood_streak(tracker: Tracker) -> int:
    """User turns in a row (ending now) that were not understood."""
    streak = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        text = event.get("text") or ""
        if intent == "nlu_fallback" or (intent == "out_of_scope" and match_referral(text) is None):
            streak += 1
        else:
            break
    return streak


# -- language --------------------------------------------------------------------------------------


class ActionSetLanguage(Action):
    """The `lang` slot's mapping (domain.yml): run by Rasa before each turn is decided, so
    the responses' French variations and every action see the conversation's language,
    which the web app sends as metadata with each message (page choice, menu or detection)."""

    def name(self) -> str:
        return "action_set_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        return [] if tracker.get_slot("lang") == lang else [SlotSet("lang", lang)]


# -- life events and questions ---------------------------------------------------------------------


class ActionRecogniseEvents(Action):
    def name(self) -> str:
        return "action_recognise_events"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        snapshot = get_snapshot()
        state = _state(tracker)
        message = _message(tracker)
        first_time = not state.events
        added = conv.add_events(state, conv.events_in_intent(message["intent"], snapshot.life_events))
        conv.prune_facts(snapshot, state)
        changed = conv.merge_entities(snapshot, state, message["entities"])
        handoff = decide(
            message["intent"],
            message["text"],
            message["entities"],
            state.events,
            queues=_queues(snapshot),
            signals=message["signals"],
        )
        complex_case = handoff.needed and (handoff.reason or "").startswith(COMPLEX_CASE)
        offer = handoff.needed and handoff.reason != URGENT  # a complex case, or asked for a person

        parts = [conv.understood_message(snapshot, state, added, changed, first_time)]
        if complex_case:
            parts.append(say("complex_case", state.lang, reason=conv.complex_reason_text(handoff.reason, state.lang)))
        elif not offer and first_time and conv.next_question(snapshot, state) is not None:
            parts.append(say("ask_intro", state.lang))
        dispatcher.utter_message(text=" ".join(p for p in parts if p))
        if "bereavement" in added and SUPPORT_WORDS.search(message["text"]):
            dispatcher.utter_message(text=bereavement_support(state.lang))
        if not complex_case:
            _offer_suggestions(dispatcher, snapshot, state, tracker, message)

        events = _state_slots(state) + [
            SlotSet("answer", None),
            SlotSet("pending_fact", None),
            SlotSet("retry_count", 0.0),
            SlotSet("skip_count", 0.0),
            SlotSet("failed_count", 0.0),
            SlotSet("handoff_offered", bool(offer)),
        ]
        if offer:
            events += [SlotSet("handoff_reason", handoff.reason), SlotSet("handoff_queue", handoff.queue)]
        return events


class ActionAskAnswer(Action):
    """Asks the bundle engine's first open question, with quick replies."""

    def name(self) -> str:
        return "action_ask_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        snapshot = get_snapshot()
        state = _state(tracker)
        question = conv.next_question(snapshot, state, pending=tracker.get_slot("pending_fact"))
        if question is None:
            dispatcher.utter_message(text=say("no_more_questions", state.lang))
            return [SlotSet("pending_fact", None)]
        conv.record_asked(state, question["fact"])
        fact = snapshot.facts[question["fact"]]
        text = question["text"]
        help_text = (fact.help or {}).get(state.lang) or (fact.help or {}).get("en")
        if help_text and tracker.get_slot("pending_fact") != fact.id:
            text = f"{text}\n{help_text}"
        dispatcher.utter_message(text=text, buttons=conv.question_buttons(question, state.lang))
        return [SlotSet("pending_fact", fact.id), SlotSet("asked_facts", list(state.asked))]


class ValidateQuestionsForm(FormValidationAction):
    def name(self) -> str:
        return "validate_questions_form"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        if tracker.get_slot("answer") is not None:
            return domain_slots  # filled: the form completes
        if conv.next_question(get_snapshot(), _state(tracker), pending=tracker.get_slot("pending_fact")) is None:
            return []
        return domain_slots

    def validate_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        snapshot = get_snapshot()
        state = _state(tracker)
        message = _message(tracker)
        pending: Optional[str] = tracker.get_slot("pending_fact")
        retries = int(tracker.get_slot("retry_count") or 0)
        skips = int(tracker.get_slot("skip_count") or 0)
        said: List[str] = []

        added = conv.add_events(state, conv.events_in_intent(message["intent"], snapshot.life_events))
        if added:
            said.append(conv.understood_message(snapshot, state, added, [], first_time=False))
        before = dict(state.facts)
        changed = conv.merge_entities(snapshot, state, [e for e in message["entities"] if e.get("entity") != "answer"])
        finish = message["intent"] in FINISH_INTENTS
        answered = any(name == pending for name, _ in changed)
        if pending and not answered and not finish:
            answer = parse_answer(
                snapshot,
                pending,
                text=message["text"],
                intent=message["intent"],
                entities=message["entities"],
                matcher=default_matcher(),
            )
            if answer.kind == VALUE:
                state.facts[pending] = answer.value
                retries = 0
            elif answer.kind in (UNKNOWN, SKIP):
                state.facts[pending] = None
                retries = 0
                skips += answer.kind == SKIP
            elif answer.kind == NONE and not (added or changed):
                retries += 1
                if retries >= conv.MAX_RETRIES:
                    state.facts[pending] = None
                    retries = 0
                    said.append(say("giving_up_on_question", state.lang))
                else:
                    fact_type = snapshot.facts[pending].type if pending in snapshot.facts else "boolean"
                    said.append(
                        f"{say('not_understood_answer', state.lang)} {say(f'answer_hint_{fact_type}', state.lang)}"
                    )
        corrections = [(n, v) for n, v in changed if n != pending and n in before]
        additions = [(n, v) for n, v in changed if n != pending and n not in before]
        if corrections:
            said.append(say("corrected", state.lang, facts=conv.fact_summary(snapshot, corrections, state.lang)))
        if additions:
            said.append(say("noted_facts", state.lang, facts=conv.fact_summary(snapshot, additions, state.lang)))
        if skips >= conv.MAX_SKIPS and not finish:
            finish = True
            said.append(say("too_many_skips", state.lang))
        if finish:
            # the person has seen enough questions: ask more only if they want
            state.question_limit = min(state.question_limit, len(state.asked))
        still_pending = pending if pending and pending not in state.facts else None
        if not finish and conv.next_question(snapshot, state, pending=still_pending) is None:
            finish = True
        for text in said:
            if text:
                dispatcher.utter_message(text=text)
        _offer_suggestions(dispatcher, snapshot, state, tracker, message)

        slots: Dict[str, Any] = {event["name"]: event["value"] for event in _state_slots(state)}
        slots.update(
            {
                "answer": "done" if finish else None,
                "pending_fact": None if finish else still_pending,
                "retry_count": float(retries),
                "skip_count": float(skips),
            }
        )
        return slots


class ActionMoreQuestions(Action):
    """The person wants to answer more questions after seeing the bundle."""

    def name(self) -> str:
        return "action_more_questions"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = _state(tracker)
        return [
            SlotSet("question_limit", float(len(state.asked) + conv.MORE_QUESTIONS)),
            SlotSet("answer", None),
            SlotSet("skip_count", 0.0),
            SlotSet("retry_count", 0.0),
        ]


class ActionUpdateFacts(Action):
    """`inform` outside the questions: store corrections ("actually we're in Ottawa")."""

    def name(self) -> str:
        return "action_update_facts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        snapshot = get_snapshot()
        state = _state(tracker)
        before = dict(state.facts)
        changed = conv.merge_entities(snapshot, state, _message(tracker)["entities"])
        summary = conv.fact_summary(snapshot, changed, state.lang)
        if state.events:
            if summary:
                key = "corrected" if any(name in before for name, _ in changed) else "noted_facts"
                dispatcher.utter_message(text=say(key, state.lang, facts=summary))
        else:
            parts = [say("noted_facts", state.lang, facts=summary)] if summary else []
            parts.append(say("no_events_yet", state.lang))
            dispatcher.utter_message(text=" ".join(parts))
        return _state_slots(state) + [SlotSet("answer", None)]


# -- the bundle ------------------------------------------------------------------------------------


class ActionShowBundle(Action):
    def name(self) -> str:
        return "action_show_bundle"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        snapshot = get_snapshot()
        state = _state(tracker)
        if not state.events:
            dispatcher.utter_message(text=say("no_events_yet", state.lang))
            return []
        bundle = conv.bundle_for(snapshot, state)
        remaining = conv.remaining_questions(snapshot, state, bundle)
        parts = [bundle_text(bundle, state.lang)]
        reason = tracker.get_slot("handoff_reason") or ""
        if reason.startswith(COMPLEX_CASE) and not tracker.get_slot("handoff_consent"):
            parts.append(say("complex_case_note", state.lang, reason=conv.complex_reason_text(reason, state.lang)))
        if remaining:
            parts.append(more_questions_text(remaining, state.lang))
        dispatcher.utter_message(text="\n\n".join(parts), buttons=bundle_buttons(remaining, state.lang))
        dispatcher.utter_message(json_message={"bundle": bundle})
        return [SlotSet("pending_fact", None)]


class ActionDownloadBundle(Action):
    def name(self) -> str:
        return "action_download_bundle"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        if not tracker.get_slot("life_events"):
            dispatcher.utter_message(text=say("no_events_yet", lang))
            return []
        url = f"/conversations/{tracker.sender_id}/bundle"
        dispatcher.utter_message(text=say("download", lang, url=url))
        dispatcher.utter_message(json_message={"download": {"url": url}})
        return []


# -- elsewhere, crisis, people ---------------------------------------------------------------------


class ActionReferral(Action):
    """Out of scope, other services, not understood: name the right office; never a dead end."""

    def name(self) -> str:
        return "action_referral"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        message = _message(tracker)
        text = message["text"]
        referral = None if text.startswith("/") else match_referral(text)
        streak = _not_understood_streak(tracker)
        offer = False
        if referral is not None:
            dispatcher.utter_message(
                text=f"{referral_text(referral, lang)} {say('referral_scope', lang)}",
                json_message={"referral": referral_payload(referral, lang)},
            )
        elif text.startswith("/"):
            dispatcher.utter_message(text=say("other_service_prompt", lang))
        elif message["intent"] == "nlu_fallback":
            # {"unmatched": true}: the web app adds the (redacted) question to the catalogue's gap report.
            if streak >= 2:
                dispatcher.utter_message(text=say("not_understood_again", lang), json_message={"unmatched": True})
                offer = True
            else:
                dispatcher.utter_message(text=say("not_understood", lang), json_message={"unmatched": True})
        else:
            dispatcher.utter_message(
                text=f"{say('referral_scope', lang)} {say('referral_generic', lang)}", json_message={"unmatched": True}
            )
            offer = streak >= 2
        events: List[EventType] = [SlotSet("failed_count", float(streak)), SlotSet("handoff_offered", offer)]
        if offer:
            snapshot = get_snapshot()
            handoff = decide(
                message["intent"],
                text,
                message["entities"],
                tracker.get_slot("life_events") or [],
                failed_understanding_count=streak,
                queues=_queues(snapshot),
                signals=message["signals"],
            )
            events += [
                SlotSet("handoff_reason", handoff.reason or "not_understood"),
                SlotSet("handoff_queue", handoff.queue or queue_for(tracker.get_slot("life_events") or [])),
            ]
        return events


class ActionCrisis(Action):
    """Crisis: the referral text at once, then an urgent handoff to the priority
    queue without asking for consent (safety comes first)."""

    def name(self) -> str:
        return "action_crisis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        latest = tracker.latest_message or {}
        safety = latest.get("safety") if isinstance(latest.get("safety"), dict) else None
        kind = safety.get("kind") if safety else None
        if kind is None:
            signal = detect(latest.get("text") or "")
            kind = signal.kind if signal else None
        events_known = _events_said(tracker, tracker.get_slot("life_events") or [], get_snapshot().life_events)
        queue = queue_for(events_known, urgent=True)
        dispatcher.utter_message(text="\n".join(crisis_lines(kind, lang)))
        dispatcher.utter_message(
            json_message={
                "handoff": {
                    "reason": "urgent",
                    "queue": queue,
                    "urgent": True,
                    "events": events_known,
                    "facts": _known_facts(tracker),
                    "consent": {"given": False, "wording": None, "waived": "urgent"},
                    "detail": f"safety:{kind}" if kind else "crisis intent",
                }
            }
        )
        return [
            SlotSet("handoff_reason", "urgent"),
            SlotSet("handoff_queue", queue),
            SlotSet("handoff_urgent", True),
            SlotSet("handoff_offered", False),
            SlotSet("answer", None),
            SlotSet("life_events", events_known),
        ]


class ActionOfferHandoff(Action):
    """Decides reason and queue before asking for consent (utter_ask_handoff_consent)."""

    def name(self) -> str:
        return "action_offer_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        snapshot = get_snapshot()
        message = _message(tracker)
        events_known = _events_said(tracker, tracker.get_slot("life_events") or [], snapshot.life_events)
        handoff = decide(
            message["intent"] or "request_human",
            message["text"],
            message["entities"],
            events_known,
            queues=_queues(snapshot),
            signals=message["signals"],
        )
        reason = handoff.reason or "asked_for_person"
        previous = tracker.get_slot("handoff_reason") or ""
        if previous.startswith(COMPLEX_CASE):
            reason = previous
        return [
            SlotSet("handoff_offered", True),
            SlotSet("handoff_reason", reason),
            SlotSet("handoff_queue", handoff.queue or queue_for(events_known, queues=_queues(snapshot))),
            SlotSet("life_events", events_known),
        ]


class ActionHandoff(Action):
    """Consent given: hand the case to the web app's router (custom payload)."""

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        events_known = list(tracker.get_slot("life_events") or [])
        reason = tracker.get_slot("handoff_reason") or "asked_for_person"
        queue = tracker.get_slot("handoff_queue") or queue_for(events_known)
        dispatcher.utter_message(text=say("handoff_connecting", lang))
        dispatcher.utter_message(
            json_message={
                "handoff": {
                    "reason": reason,
                    "queue": queue,
                    "urgent": bool(tracker.get_slot("handoff_urgent")),
                    "events": events_known,
                    "facts": _known_facts(tracker),
                    "consent": {"given": True, "wording": _consent_wording(domain, lang)},
                }
            }
        )
        return [SlotSet("handoff_offered", False), SlotSet("handoff_consent", True)]


class ActionHandoffDeclined(Action):
    def name(self) -> str:
        return "action_handoff_declined"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        known = bool(tracker.get_slot("events_known"))  # the dialogue's plan, not events a request only named
        dispatcher.utter_message(text=say("handoff_declined" if known else "handoff_declined_no_events", lang))
        return [SlotSet("handoff_offered", False), SlotSet("handoff_consent", False), SlotSet("answer", None)]


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = _lang(tracker)
        try:
            snapshot = get_snapshot()
            buttons = [
                {"title": (event.title.get(lang) or event.title.get("en") or event_id), "payload": f"/{event_id}"}
                for event_id, event in snapshot.life_events.items()
            ]
        except Exception:  # noqa: BLE001 (the catalogue is optional here)
            logger.exception("catalogue unavailable for start-over buttons")
            buttons = []
        dispatcher.utter_message(text=say("start_over", lang), buttons=buttons)
        return [AllSlotsReset(), SlotSet("lang", lang)]


class ActionNotSure(Action):
    """Core fallback: no policy is confident about the next step."""

    def name(self) -> str:
        return "action_not_sure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(
            text=say("not_sure", _lang(tracker)),
            buttons=[
                {"title": say("show_again_button", _lang(tracker)), "payload": "/show_bundle"},
                {"title": say("human_button", _lang(tracker)), "payload": "/request_human"},
            ],
        )
        return [UserUtteranceReverted()]

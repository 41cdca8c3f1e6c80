"""A bundle as chat text: the plan's phases (when to act) as headings,
steps numbered in the order to do them, the organisation and order of
government as a label on each, with deadlines, documents and where to go."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from bot.assistant.conversation import join_words
from bot.assistant.messages import say
from bot.assistant.text_language import is_fallback
from onewindow_catalogue.municipalities import place_label

MAX_DOCUMENTS = 4


def _how(service: Mapping[str, Any], lang: str = "en") -> Optional[str]:
    """Where to go: a web page, else the phone, else a channel's note. A phone number is
    not written out: the router redacts numbers from the assistant's text (it would read
    "[PHONE]"); the checklist card below the text shows it, as a link to call."""
    channels = service.get("channels") or []
    for channel in channels:
        if channel.get("url"):
            return channel["url"]
    if service.get("url"):
        return service["url"]
    for channel in channels:
        if channel.get("phone"):
            return say("how_phone", lang)
    for channel in channels:
        if channel.get("note"):
            return channel["note"]
    return None


def _deadline(service: Mapping[str, Any], lang: str) -> Optional[str]:
    deadline = service.get("deadline")
    if not deadline or not deadline.get("text"):
        return None
    if deadline.get("date") and deadline.get("overdue"):
        return say("deadline_overdue", lang, text=deadline["text"], date=deadline["date"])
    if deadline.get("date"):
        return say("deadline_date", lang, text=deadline["text"], date=deadline["date"])
    return say("deadline", lang, text=deadline["text"])


def _service_lines(number: int, service: Mapping[str, Any], names: Mapping[str, str], lang: str) -> List[str]:
    organisation = (service.get("organisation") or {}).get("name")
    name = service["name"] + (f" {say('english_only', lang)}" if is_fallback(service, lang) else "")
    if service.get("covered_by"):
        covering = names.get(service["covered_by"], service["covered_by"])
        return [f"   - {name}: {say('included_in', lang, name=covering)}"]
    head = f"{number}. {name}"
    level_key = f"level_headings.{service.get('level')}"
    level = say(level_key, lang) if service.get("level") in ("federal", "provincial", "municipal") else None
    label = " — ".join(part for part in (organisation, level) if part)
    if label:
        head += f" ({label})"
    lines = [head]
    if service.get("status") == "may_apply" and service.get("reason"):
        reason = service["reason"]
        lines.append("   " + say("may_apply", lang, reason=reason[:1].lower() + reason[1:]))
    deadline = _deadline(service, lang)
    if deadline:
        lines.append("   " + deadline)
    documents = [d for d in service.get("documents") or [] if d][:MAX_DOCUMENTS]
    if documents:
        lines.append("   " + say("documents", lang, documents="; ".join(documents)))
    how = _how(service, lang)
    if how:
        lines.append("   " + say("how", lang, how=how))
    return lines


def _place_name(municipality: Any, lang: str) -> Optional[str]:
    """The municipality as the text names it: the bundle's `label`, else the catalogue's rule (place_label)."""
    if not isinstance(municipality, dict):
        return None
    return municipality.get("label") or place_label(municipality, lang)


def bundle_text(bundle: Mapping[str, Any], lang: str = "en") -> str:
    """The whole checklist as text (the widget renders the JSON instead)."""
    services = list(bundle.get("services") or [])
    if not services:
        return say("bundle_empty", lang)
    events = join_words([e.get("title", e.get("id", "")).lower() for e in bundle.get("events") or []], lang)
    municipality = _place_name(bundle.get("municipality"), lang)
    place = say("bundle_place", lang, municipality=municipality) if municipality else ""
    count = sum(1 for s in services if not s.get("covered_by"))
    things = say("thing" if count == 1 else "things", lang)
    parts = [say("bundle_intro", lang, events=events, place=place, count=count, things=things)]

    names = {s["id"]: s["name"] for s in services}
    steps = {step["id"]: step for step in (bundle.get("plan") or {}).get("steps") or [] if isinstance(step, dict)}
    groups: Dict[str, List[str]] = {}
    order: List[str] = []
    # Numbered in the order to do things, under the plan's phases; a service
    # another application takes care of is listed, unnumbered, under that application.
    number = 0
    for service in services:
        step = steps.get(service["id"]) or {}
        heading = step.get("phase_title") or ""
        if heading not in groups:
            groups[heading] = []
            order.append(heading)
        if not service.get("covered_by"):
            number += 1
        groups[heading].extend(_service_lines(number, service, names, lang))
    for heading in order:
        parts.append((heading + "\n" if heading else "") + "\n".join(groups[heading]))
    return "\n\n".join(parts)


def more_questions_text(count: int, lang: str = "en") -> str:
    return say(
        "more_questions_offer",
        lang,
        count=count,
        questions=say("question_word" if count == 1 else "questions_word", lang),
        them=say("it_word" if count == 1 else "them_word", lang),
    )


def bundle_buttons(more_questions: int, lang: str = "en") -> List[Dict[str, str]]:
    buttons = []
    if more_questions:
        buttons.append({"title": say("more_questions_button", lang), "payload": "/affirm"})
    buttons += [
        {"title": say("show_again_button", lang), "payload": "/show_bundle"},
        {"title": say("download_button", lang), "payload": "/download_bundle"},
        {"title": say("start_over_button", lang), "payload": "/start_over"},
        {"title": say("human_button", lang), "payload": "/request_human"},
    ]
    return buttons

"""Tell us once: the notification package built from a plan.

One page per office that has to be told (which office, why, how to reach it,
what it will ask for), offices in the order their first step comes in the
plan, and the plan's deadlines as an iCalendar file (RFC 5545). Both are made
from the bundle alone: no name, number or address of the person goes in, so
nothing identifies them unless they write it on the printed page themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.plans.outline import plan_groups, step_reasons

CHANNEL_ORDER = ("online", "phone", "mail", "in_person", "funeral_director", "hospital")


def offices(bundle: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """[{name, level, url, phone, steps: [...], channels: [...], documents: [...], deadlines: [...]}], plan order.

    A step covered by another one's application is told through that
    application's office, so it is listed there ("also takes care of")."""
    pages: Dict[str, Dict[str, Any]] = {}
    for group in plan_groups(bundle):
        for service in group["services"]:
            organisation = service.get("organisation") or {}
            name = str(organisation.get("name") or service.get("id"))
            page = pages.setdefault(
                name,
                {
                    "name": name,
                    "level": service.get("level"),
                    "url": service.get("url"),
                    "phone": next((c.get("phone") for c in service.get("channels") or [] if c.get("phone")), None),
                    "steps": [],
                    "channels": [],
                    "documents": [],
                    "deadlines": [],
                },
            )
            page["steps"].append(
                {
                    "id": service.get("id"),
                    "name": service.get("name"),
                    "phase": group.get("title"),
                    "why": service.get("reason") or "",
                    "when": step_reasons(service),
                    "url": service.get("url"),
                    "status": service.get("status"),
                    "included": [i.get("name") for i in service.get("included") or []],
                }
            )
            for channel in service.get("channels") or []:
                if isinstance(channel, dict) and channel not in page["channels"]:
                    page["channels"].append(channel)
            for document in service.get("documents") or []:
                if document not in page["documents"]:
                    page["documents"].append(document)
            deadline = service.get("deadline") or {}
            if deadline.get("text") or deadline.get("date"):
                page["deadlines"].append({"service": service.get("name"), **deadline})
    for page in pages.values():
        page["channels"].sort(key=lambda c: CHANNEL_ORDER.index(c["type"]) if c.get("type") in CHANNEL_ORDER else 99)
    return list(pages.values())


# -- iCalendar (RFC 5545) ------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Content lines of at most 75 octets, continued with CRLF + space (3.1),
    never cutting a UTF-8 character in two."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def calendar(
    bundle: Mapping[str, Any],
    *,
    seed: str,
    title: str,
    now: Optional[dt.datetime] = None,
    lang: str = "en",
) -> str:
    """The plan's dated deadlines as one VCALENDAR of all-day VEVENTs.

    `seed` makes the UIDs stable for one plan (a re-download updates the same
    events in a calendar app) without revealing anything: it is hashed."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OneWindow//Citizen plan//" + lang.upper(),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + escape_text(title),
    ]
    for service in _dated(bundle.get("services") or []):
        due = dt.date.fromisoformat(service["deadline"]["date"][:10])
        uid = hashlib.sha256(f"{seed}|{service['id']}|{due.isoformat()}".encode()).hexdigest()[:32]
        organisation = (service.get("organisation") or {}).get("name") or ""
        description = "\n".join(
            part
            for part in (
                service["deadline"].get("text") or "",
                organisation,
                service.get("url") or "",
            )
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@onewindow",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + escape_text(str(service.get("name") or service["id"])),
            "DESCRIPTION:" + escape_text(description),
            "TRANSP:TRANSPARENT",
        ]
        if service.get("url"):
            lines.append("URL;VALUE=URI:" + str(service["url"]).replace("\r", "").replace("\n", ""))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _dated(services: Iterable[Any]) -> List[Dict[str, Any]]:
    dated = []
    for service in services:
        if not isinstance(service, dict):
            continue
        date = (service.get("deadline") or {}).get("date")
        try:
            if date:
                dt.date.fromisoformat(str(date)[:10])
                dated.append(service)
        except ValueError:
            continue
    return dated

"""Reports that make misdirected contacts countable: volume by life event and
channel, containment, handoff rate and reasons, waits, handling times and
dispositions, for contacts that started in a date range (Toronto dates).

A chat contact is a conversation in which the person wrote at least once (an
opened and ignored widget is not a contact); a phone contact is a phone case.
A chat is contained when it ended with a bundle and no case was opened."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Dict, Iterable, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cases.directory import dispositions, queues
from bot.cases.models import CaseEventRow, CaseRow
from bot.console import formats
from bot.console.service import minutes_between, reason_label
from bot.conversations.models import ConversationRow, MessageRow
from bot.retention.models import ArchivedContactRow
from bot.web.i18n import t
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import localise

DEFAULT_DAYS = 30
NO_EVENT = "none"
CHANNELS = ("chat", "phone")


class ReportRangeError(ValueError):
    pass


@dataclass(frozen=True)
class DateRange:
    start: dt.date  # inclusive
    end: dt.date  # inclusive
    timezone: str

    def bounds(self) -> Tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC for the local dates."""
        zone = ZoneInfo(self.timezone)
        first = dt.datetime.combine(self.start, dt.time(0), zone).astimezone(dt.timezone.utc)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.timezone.utc)
        return first, after


def date_range(
    start: Optional[str], end: Optional[str], timezone: str, today: Optional[dt.date] = None, lang: str = "en"
) -> DateRange:
    """The range from two form values (YYYY-MM-DD, either may be empty): the
    last 30 days by default. ReportRangeError says what is wrong, in `lang`."""
    today = today or dt.datetime.now(ZoneInfo(timezone)).date()
    try:
        last = dt.date.fromisoformat(end) if end else today
    except ValueError:
        raise ReportRangeError(t("console.reports.bad_to", lang, example=today.isoformat())) from None
    try:
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise ReportRangeError(t("console.reports.bad_from", lang, example=today.isoformat())) from None
    if first > last:
        raise ReportRangeError(t("console.reports.from_after_to", lang))
    return DateRange(first, last, timezone)


def _rate(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def _median(values: List[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def build_report(
    *, db_session: Session, snapshot: CatalogueSnapshot, period: DateRange, lang: str = "en"
) -> Dict[str, Any]:
    """The figures, with labels (life events, channels, reasons, queues, dispositions) in `lang`."""
    start, end = period.bounds()
    conversations = list(
        db_session.execute(
            select(ConversationRow).where(ConversationRow.created_at >= start, ConversationRow.created_at < end)
        ).scalars()
    )
    conversation_ids = [c.id for c in conversations]
    engaged = _engaged(db_session, start, end)
    case_rows = list(
        db_session.execute(
            select(CaseRow).where(CaseRow.created_at >= start, CaseRow.created_at < end).order_by(CaseRow.id)
        ).scalars()
    )
    # A conversation's cases, even one opened after the range ends, decide whether it was contained.
    handed_over = _conversations_with_cases(db_session, conversation_ids)
    bundle_events = _bundle_events(db_session, start, end)
    # Contacts deleted by `onewindow purge` still count, from their anonymous rows.
    archived_conversations, archived_cases = archived_contacts(db_session, period)
    conversations += archived_conversations
    engaged |= {c.id for c in archived_conversations}
    case_rows += archived_cases
    handed_over |= {case.conversation_id for case in archived_cases if case.conversation_id}
    bundle_events.update({c.id: c.events for c in archived_conversations if c.events})
    latest_case: Dict[str, CaseRow] = {}
    for case in case_rows:
        if case.conversation_id:
            latest_case[case.conversation_id] = case

    # Volume by life event and channel.
    volume: Dict[str, Counter] = defaultdict(Counter)
    chat_contacts = [c for c in conversations if c.id in engaged or c.id in handed_over]
    for conversation in chat_contacts:
        case = latest_case.get(conversation.id)
        events = (case.summary or {}).get("events") if case else None
        events = events or bundle_events.get(conversation.id) or [NO_EVENT]
        for event in dict.fromkeys(events):
            volume[event][conversation.channel or "chat"] += 1
    phone_cases = [case for case in case_rows if case.channel == "phone"]
    for case in phone_cases:
        for event in dict.fromkeys((case.summary or {}).get("events") or [NO_EVENT]):
            volume[event]["phone"] += 1
    event_order = list(snapshot.life_events) + sorted(e for e in volume if e not in snapshot.life_events)
    volume_rows = []
    for event in event_order:
        if event == NO_EVENT:
            continue
        label = localise(snapshot.life_events[event].title, lang) if event in snapshot.life_events else event
        counts = {channel: volume[event][channel] for channel in CHANNELS}
        volume_rows.append({"id": event, "label": label or event, "counts": counts, "total": sum(counts.values())})
    none_counts = {channel: volume[NO_EVENT][channel] for channel in CHANNELS}
    volume_rows.append(
        {
            "id": NO_EVENT,
            "label": t("console.reports.no_event", lang),
            "counts": none_counts,
            "total": sum(none_counts.values()),
        }
    )

    # Containment and handoff, over chat contacts.
    contained = [c for c in chat_contacts if c.ended_with_bundle and c.id not in handed_over]
    handed = [c for c in chat_contacts if c.id in handed_over]
    chat_cases = [case for case in case_rows if case.channel != "phone"]
    reasons = Counter(case.reason or "unknown" for case in chat_cases)  # complex_case:<kind> kept apart

    # Waits (created -> first claim) and handling (first claim -> closed).
    first_claims = _first_claims(db_session, [case.id for case in case_rows])
    waits, handling = [], []
    per_queue: Dict[str, List[float]] = defaultdict(list)
    for case in case_rows:
        claimed_at = first_claims.get(case.id) or case.claimed_at
        if case.channel != "phone" and claimed_at is not None:
            wait = minutes_between(case.created_at, claimed_at)
            waits.append(wait)
            per_queue[case.queue].append(wait)
        if case.status == "closed" and case.closed_at is not None:
            handling.append(minutes_between(claimed_at or case.created_at, case.closed_at))
    known_queues = queues(lang)
    queue_rows = []
    for queue_id, queue in known_queues.items():
        queue_cases = [case for case in chat_cases if case.queue == queue_id]
        queue_waits = per_queue.get(queue_id, [])
        within = sum(1 for wait in queue_waits if wait <= queue.sla_minutes)
        queue_rows.append(
            {
                "id": queue_id,
                "label": queue.title,
                "cases": len(queue_cases),
                "claimed": len(queue_waits),
                "median_wait": _median(queue_waits),
                "within_sla": within,
                "within_sla_rate": _rate(within, len(queue_waits)),
                "sla_minutes": queue.sla_minutes,
            }
        )

    closed = [case for case in case_rows if case.status == "closed"]
    counts = Counter(case.disposition for case in closed)
    disposition_rows = [{"id": d.id, "label": d.title, "count": counts.pop(d.id, 0)} for d in dispositions(lang)]
    disposition_rows += [{"id": str(code), "label": str(code), "count": n} for code, n in counts.items()]

    return {
        "range": {"from": period.start.isoformat(), "to": period.end.isoformat(), "timezone": period.timezone},
        "totals": {
            "contacts": len(chat_contacts) + len(phone_cases),
            "chat": len(chat_contacts),
            "phone": len(phone_cases),
            "conversations_opened": len(conversations),
            "cases": len(case_rows),
            "closed": len(closed),
        },
        "volume": {
            "channels": [{"id": c, "label": t(f"console.channels.{c}", lang)} for c in CHANNELS],
            "rows": volume_rows,
        },
        "containment": {
            "contained": len(contained),
            "chat": len(chat_contacts),
            "rate": _rate(len(contained), len(chat_contacts)),
        },
        "handoff": {
            "handed_over": len(handed),
            "chat": len(chat_contacts),
            "rate": _rate(len(handed), len(chat_contacts)),
            "reasons": [
                {"id": code, "label": reason_label(code, lang), "count": n} for code, n in reasons.most_common()
            ],
        },
        "wait": {"median_minutes": _median(waits), "count": len(waits)},
        "handling": {"median_minutes": _median(handling), "count": len(handling)},
        "queues": queue_rows,
        "dispositions": disposition_rows,
        "misdirected_avoided": sum(r["count"] for r in disposition_rows if r["id"] == "misdirected_avoided"),
    }


def archived_contacts(db_session: Session, period: DateRange) -> Tuple[List[Any], List[Any]]:
    """Purged contacts as stand-ins for conversations and cases, with only what
    the report reads: channel, events, outcome, reason, queue and durations."""
    rows = db_session.execute(
        select(ArchivedContactRow).where(ArchivedContactRow.day >= period.start, ArchivedContactRow.day <= period.end)
    ).scalars()
    conversations, cases = [], []
    for row in rows:
        created = dt.datetime.combine(row.day, dt.time(12), tzinfo=dt.timezone.utc)
        conversation_id = f"archived-{row.id}" if row.channel != "phone" else None
        if conversation_id:
            conversations.append(
                SimpleNamespace(
                    id=conversation_id,
                    channel=row.channel,
                    events=list(row.events or []),
                    ended_with_bundle=row.contained,
                )
            )
        if row.handed_over:
            claimed = created + dt.timedelta(seconds=row.wait_seconds) if row.wait_seconds is not None else None
            closed = (claimed or created) + dt.timedelta(seconds=row.handling_seconds or 0)
            cases.append(
                SimpleNamespace(
                    id=-row.id,
                    conversation_id=conversation_id,
                    channel=row.channel,
                    reason=row.reason,
                    queue=row.queue,
                    summary={"events": list(row.events or [])},
                    created_at=created,
                    claimed_at=claimed,
                    status="closed" if row.disposition else "open",
                    closed_at=closed if row.disposition else None,
                    disposition=row.disposition,
                )
            )
    return conversations, cases


def _engaged(db_session: Session, start: dt.datetime, end: dt.datetime) -> set:
    """Conversations started in the range in which the person wrote something."""
    query = (
        select(MessageRow.conversation_id)
        .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
        .where(ConversationRow.created_at >= start, ConversationRow.created_at < end, MessageRow.sender == "user")
        .distinct()
    )
    return set(db_session.execute(query).scalars())


def _conversations_with_cases(db_session: Session, conversation_ids: List[str]) -> set:
    found: set = set()
    for chunk in _chunks(conversation_ids, 500):
        query = select(CaseRow.conversation_id).where(CaseRow.conversation_id.in_(chunk)).distinct()
        found.update(db_session.execute(query).scalars())
    return found


def _bundle_events(db_session: Session, start: dt.datetime, end: dt.datetime) -> Dict[str, List[str]]:
    """The life events of the last bundle each conversation received."""
    query = (
        select(MessageRow.conversation_id, MessageRow.bundle)
        .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
        .where(
            ConversationRow.created_at >= start,
            ConversationRow.created_at < end,
            ConversationRow.ended_with_bundle.is_(True),
        )
        .order_by(MessageRow.id)
    )
    events: Dict[str, List[str]] = {}
    for conversation_id, bundle in db_session.execute(query):
        if isinstance(bundle, dict) and bundle.get("events"):
            events[conversation_id] = [e["id"] if isinstance(e, dict) else str(e) for e in bundle["events"]]
    return events


def _first_claims(db_session: Session, case_ids: List[int]) -> Dict[int, dt.datetime]:
    claims: Dict[int, dt.datetime] = {}
    for chunk in _chunks(case_ids, 500):
        query = (
            select(CaseEventRow.case_id, func.min(CaseEventRow.at))
            .where(CaseEventRow.case_id.in_(chunk), CaseEventRow.kind == "claimed")
            .group_by(CaseEventRow.case_id)
        )
        claims.update({case_id: at for case_id, at in db_session.execute(query)})
    return claims


def _chunks(items: List[Any], size: int) -> Iterable[List[Any]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


# --- presentation helpers -----------------------------------------------------------------------------------------
def percent(rate: Optional[float], lang: str = "en") -> str:
    return formats.percent(rate, lang)


def minutes_text(minutes: Optional[float], lang: str = "en") -> str:
    return formats.minutes_text(minutes, lang)


def bars(rows: List[Dict[str, Any]], value_key: str = "count") -> List[Dict[str, Any]]:
    """Rows with the bar width (% of the largest value) for a CSS bar chart."""
    largest = max((row[value_key] or 0 for row in rows), default=0)
    return [{**row, "width": round(100 * (row[value_key] or 0) / largest, 1) if largest else 0} for row in rows]


# --- CSV --------------------------------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    """Numbers as numbers; text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: Dict[str, Any]) -> str:
    """One row per figure: section, item, channel, value — easy to pivot."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "item", "channel", "value"])
    rows: List[Tuple[str, str, str, Any]] = [
        ("range", "from", "", report["range"]["from"]),
        ("range", "to", "", report["range"]["to"]),
    ]
    rows += [("totals", key, "", value) for key, value in report["totals"].items()]
    for row in report["volume"]["rows"]:
        for channel, count in row["counts"].items():
            rows.append(("volume_by_life_event", row["id"], channel, count))
    containment = report["containment"]
    rows += [
        ("containment", "contained", "chat", containment["contained"]),
        ("containment", "chat_contacts", "chat", containment["chat"]),
        ("containment", "rate", "chat", containment["rate"]),
    ]
    handoff = report["handoff"]
    rows += [("handoff", "handed_over", "chat", handoff["handed_over"]), ("handoff", "rate", "chat", handoff["rate"])]
    rows += [("handoff_reason", reason["id"], "chat", reason["count"]) for reason in handoff["reasons"]]
    rows += [
        ("wait_minutes", "median", "chat", report["wait"]["median_minutes"]),
        ("wait_minutes", "cases", "chat", report["wait"]["count"]),
        ("handling_minutes", "median", "", report["handling"]["median_minutes"]),
        ("handling_minutes", "cases", "", report["handling"]["count"]),
    ]
    for queue in report["queues"]:
        rows += [
            ("queue_cases", queue["id"], "chat", queue["cases"]),
            ("queue_median_wait_minutes", queue["id"], "chat", queue["median_wait"]),
            ("queue_within_sla_rate", queue["id"], "chat", queue["within_sla_rate"]),
        ]
    rows += [("disposition", row["id"], "", row["count"]) for row in report["dispositions"]]
    for section, item, channel, value in rows:
        writer.writerow([section, _cell(item), channel, _cell(value)])
    return out.getvalue()

"""The catalogue's seed format: what service owners write and what
`onewindow catalogue import|export|validate` read and write.

One catalogue is four sections — life_events, facts, organisations, services —
kept as separate YAML files in a folder (catalogue/seed/) or together in one
YAML/JSON file. These pydantic models check each entry's own fields; checks
across entries (relations, cycles, facts in conditions) are in validation.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Union

from pydantic import BaseModel, Extra, Field, root_validator, validator

from onewindow_catalogue.facts import Fact
from onewindow_catalogue.text import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, LocalText

LEVELS = ("federal", "provincial", "municipal")
CHANNEL_TYPES = ("online", "phone", "in_person", "mail", "funeral_director", "hospital")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?(/[^\s<>\"']*)?$")
PHONE_RE = re.compile(r"^(\d-\d-\d|\d{3}|(1-)?\d{3}-\d{3}-\d{4}( ext\. \d{1,6})?)$")
MONTH_DAY_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
MAX_TEXT = 4000


class Strict(BaseModel):
    """Seed entries reject unknown keys: a typo must not be silently dropped."""

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


def check_text(value: Dict[str, str] | None) -> Dict[str, str] | None:
    """Translatable text: English is required, languages are known ones,
    and text is plain text of a sane length (it is escaped wherever shown)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("must be a mapping of language to text, e.g. {en: ...}")
    unknown = set(value) - set(SUPPORTED_LANGUAGES)
    if unknown:
        raise ValueError(f"unknown language(s) {sorted(unknown)}; use {', '.join(SUPPORTED_LANGUAGES)}")
    if not (value.get(DEFAULT_LANGUAGE) or "").strip():
        raise ValueError("English text ('en') is required")
    for lang, text in value.items():
        if not isinstance(text, str):
            raise ValueError(f"'{lang}' text must be a string")
        if len(text) > MAX_TEXT:
            raise ValueError(f"'{lang}' text is longer than {MAX_TEXT} characters")
    return {lang: text.strip() for lang, text in value.items()}


def check_url(value: str | None) -> str | None:
    if value is not None and not URL_RE.match(value):
        raise ValueError(f"malformed URL {value[:80]!r}: expected https://host/path")
    return value


def check_phone(value: str | None) -> str | None:
    if value is not None and not PHONE_RE.match(value):
        raise ValueError(
            f"malformed phone number {value[:40]!r}: expected 1-800-555-0100, 416-555-0100 or a short code like 311"
        )
    return value


class Suggestion(Strict):
    """May we recommend: when what the person said meets `when` (a condition
    over facts, as in applies_when), offer `event` as a question, saying `why`.
    Never added without the person's yes."""

    event: str
    when: Dict[str, Any]
    why: LocalText

    _why = validator("why", allow_reuse=True)(check_text)


class LifeEvent(Strict):
    id: str = Field(..., regex=r"^[a-z][a-z0-9_]*$")
    title: LocalText
    description: LocalText
    date_fact: str
    queue: str = Field(..., description="the agents' queue for cases of this event")
    suggests: List[Suggestion] = []

    _texts = validator("title", "description", allow_reuse=True)(check_text)


class Organisation(Strict):
    """A competent authority or delivering organisation (CPSV-AP)."""

    id: str = Field(..., regex=ID_PATTERN)
    name: LocalText
    level: str
    municipality: str | None = None
    url: str | None = None
    phone: str | None = None

    _texts = validator("name", allow_reuse=True)(check_text)
    _url = validator("url", allow_reuse=True)(check_url)
    _phone = validator("phone", allow_reuse=True)(check_phone)

    @validator("level")
    def _level(cls, value: str) -> str:
        if value not in LEVELS:
            raise ValueError(f"must be one of {', '.join(LEVELS)}")
        return value


class Channel(Strict):
    type: str
    url: str | None = None
    phone: str | None = None
    note: LocalText | None = None

    _url = validator("url", allow_reuse=True)(check_url)
    _phone = validator("phone", allow_reuse=True)(check_phone)
    _note = validator("note", allow_reuse=True)(check_text)

    @validator("type")
    def _type(cls, value: str) -> str:
        if value not in CHANNEL_TYPES:
            raise ValueError(f"must be one of {', '.join(CHANNEL_TYPES)}")
        return value


class Period(Strict):
    days: int = 0
    weeks: int = 0
    months: int = 0
    years: int = 0

    @root_validator(skip_on_failure=True)
    def _positive(cls, values: Dict[str, int]) -> Dict[str, int]:
        if any(amount < 0 for amount in values.values()) or not any(values.values()):
            raise ValueError("give a positive number of days, weeks, months or years")
        return values


class DayOfYear(Strict):
    month: int = Field(..., ge=1, le=12)
    day: int = Field(..., ge=1, le=31)
    years_after: int = Field(0, ge=0, le=5)


class DueRule(Strict):
    """One way to turn the event date into a due date. A deadline lists rules;
    the first whose `when_event_between` holds (or that has none) is used.
    `first: true` is for a step that must come before the others although no
    official source gives a number of days: it orders the bundle but shows no
    date, so no unsourced deadline is presented as fact. `soon: true` is for
    "as soon as possible" with no number of days: the plan puts the step in
    this week's part, again without showing a date."""

    when_event_between: List[str] | None = None
    after: Period | None = None
    on_day: DayOfYear | None = None
    first: bool = False
    soon: bool = False

    @validator("when_event_between")
    def _month_days(cls, value: List[str] | None) -> List[str] | None:
        if value is not None and (len(value) != 2 or not all(MONTH_DAY_RE.match(item) for item in value)):
            raise ValueError('expects two month-days, e.g. ["01-01", "10-31"]')
        return value

    @root_validator(skip_on_failure=True)
    def _one_way(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        ways = (values.get("after") is not None) + (values.get("on_day") is not None)
        ways += bool(values.get("first")) + bool(values.get("soon"))
        if ways != 1:
            raise ValueError(
                "give exactly one of 'after' (a period), 'on_day' (a day of the year), 'first: true' or"
                " 'soon: true' (no date)"
            )
        return values


class Deadline(Strict):
    text: LocalText
    due: List[DueRule] = []

    _text = validator("text", allow_reuse=True)(check_text)


class Fee(Strict):
    text: LocalText
    uncertain: bool = False

    _text = validator("text", allow_reuse=True)(check_text)


class AppliesWhen(Strict):
    text: LocalText
    condition: Dict[str, Any] | None = None

    _text = validator("text", allow_reuse=True)(check_text)


class Service(Strict):
    """A public service (CPSV-AP cpsv:PublicService) as service owners write it."""

    id: str = Field(..., regex=ID_PATTERN)
    level: str
    organisation: str
    life_events: List[str] = Field(..., min_items=1)
    name: LocalText
    summary: LocalText
    applies_when: AppliesWhen
    municipalities: Union[List[str], str, None] = Field(
        None, description="municipal services: the municipalities served, or 'any'"
    )
    deadline: Deadline | None = None
    fee: Fee | None = None
    processing_time: LocalText | None = None
    channels: List[Channel] = Field(..., min_items=1)
    url: str | None = None
    documents: List[LocalText] = []
    requires: List[str] = []
    covers: List[str] = []
    source: str | None = None
    notes: LocalText | None = None
    last_checked: dt.date | None = None
    uncertain: bool = False

    _texts = validator("name", "summary", "processing_time", "notes", allow_reuse=True)(check_text)
    _url = validator("url", allow_reuse=True)(check_url)

    @validator("documents", each_item=True)
    def _documents(cls, value: Dict[str, str]) -> Dict[str, str]:
        return check_text(value)

    @validator("level")
    def _level(cls, value: str) -> str:
        if value not in LEVELS:
            raise ValueError(f"must be one of {', '.join(LEVELS)}")
        return value

    @validator("municipalities", always=True)
    def _municipal_scope(cls, value: Any, values: Dict[str, Any]) -> Any:
        level = values.get("level")
        if level == "municipal" and not value:
            raise ValueError("a municipal service needs the municipalities it serves, or 'any'")
        if level and level != "municipal" and value:
            raise ValueError("only municipal services are scoped to municipalities")
        if isinstance(value, str) and value != "any":
            raise ValueError("must be a list of municipality names or 'any'")
        return value

    @validator("requires", "covers", each_item=True)
    def _relation_ids(cls, value: str) -> str:
        if not re.match(ID_PATTERN, value):
            raise ValueError(f"{value!r} is not a service id")
        return value


class Catalogue(BaseModel):
    """A whole catalogue, as read from a seed folder or file."""

    life_events: List[LifeEvent] = []
    facts: List[Fact] = []
    organisations: List[Organisation] = []
    services: List[Service] = []

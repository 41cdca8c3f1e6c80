"""Queues and disposition codes, read from queues.yml (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional

import yaml
from sqlalchemy.orm import Session

from bot.users.service import speaks
from onewindow_catalogue.text import localise

QUEUES_FILE = Path(__file__).with_name("queues.yml")
PRIORITY_QUEUE = "priority"
GENERAL_QUEUE = "general"


@dataclass(frozen=True)
class Queue:
    id: str
    title: str
    sla_minutes: int
    language: Optional[str] = None  # only agents who speak it may take the queue's cases


@dataclass(frozen=True)
class Disposition:
    id: str
    title: str
    needs_note: bool = False


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(QUEUES_FILE.read_text(encoding="utf-8"))


def queues(lang: str = "en") -> Dict[str, Queue]:
    return {
        q["id"]: Queue(q["id"], localise(q["title"], lang) or q["id"], int(q["sla_minutes"]), q.get("language"))
        for q in _data()["queues"]
    }


def language_queue(lang: Optional[str], db_session: Optional[Session] = None) -> Optional[str]:
    """The queue that takes conversations held in `lang`; None (the life event's queue)
    when there is none, or when no agent speaks it (the users' `languages`, read through
    `db_session`, or queues.yml's older agent_languages map): a case no one could claim
    would wait for ever."""
    queue = (_data().get("language_queues") or {}).get(lang)
    if queue not in queues() or not lang:
        return None
    listed = any(lang in (langs or []) for langs in (_data().get("agent_languages") or {}).values())
    if listed:
        return queue
    return queue if db_session is not None and speaks(db_session=db_session, lang=lang) else None


def agent_languages(username: str, recorded: Iterable[str] = ()) -> FrozenSet[str]:
    """The languages an agent serves in: English, those recorded on their account (`recorded`,
    UserRow.languages), and those listed for them in queues.yml (kept as a fallback)."""
    listed = (_data().get("agent_languages") or {}).get(username) or []
    return frozenset({"en", *listed, *(recorded or [])})


def may_take(username: str, queue_id: str, recorded: Iterable[str] = ()) -> bool:
    """Whether this agent may take a case of this queue (it requires no language they lack)."""
    queue = queues().get(queue_id)
    return queue is None or queue.language is None or queue.language in agent_languages(username, recorded)


def dispositions(lang: str = "en") -> List[Disposition]:
    return [
        Disposition(d["id"], localise(d["title"], lang) or d["id"], bool(d.get("needs_note", False)))
        for d in _data()["dispositions"]
    ]

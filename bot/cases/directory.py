"""Queues and disposition codes, read from queues.yml (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml

from onewindow_catalogue.text import localise

QUEUES_FILE = Path(__file__).with_name("queues.yml")
PRIORITY_QUEUE = "priority"
GENERAL_QUEUE = "general"


@dataclass(frozen=True)
class Queue:
    id: str
    title: str
    sla_minutes: int


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
        q["id"]: Queue(q["id"], localise(q["title"], lang) or q["id"], int(q["sla_minutes"])) for q in _data()["queues"]
    }


def dispositions(lang: str = "en") -> List[Disposition]:
    return [
        Disposition(d["id"], localise(d["title"], lang) or d["id"], bool(d.get("needs_note", False)))
        for d in _data()["dispositions"]
    ]

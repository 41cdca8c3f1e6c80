"""The router's own message catalogue (messages.yml), by language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from onewindow_catalogue.text import localise

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@lru_cache(maxsize=1)
def _catalogue() -> dict:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def say(key: str, lang: str = "en", **values: Any) -> str:
    text = localise(_catalogue()[key], lang) or key
    return text.format(**values) if values else text

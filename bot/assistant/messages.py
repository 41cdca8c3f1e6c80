"""The assistant's own texts (messages.yml), by language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

MESSAGES_PATH = Path(__file__).with_name("messages.yml")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def catalogue() -> Dict[str, Any]:
    return yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8")) or {}


def pick(text: Optional[Mapping[str, str]], lang: str = DEFAULT_LANGUAGE) -> str:
    if not text:
        return ""
    return text.get(lang) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")


def say(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The text for `key` (dotted for nested entries) with placeholders filled."""
    node: Any = catalogue()
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            raise KeyError(f"messages.yml has no {key!r}")
    text = pick(node, lang)
    return text.format(**values) if values else text


def has(key: str) -> bool:
    node: Any = catalogue()
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return False
    return True

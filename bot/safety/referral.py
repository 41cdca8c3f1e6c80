"""The crisis referral message: who to contact right now, by kind of crisis.

Texts live in messages.yml (mapping language -> text), so they can be
translated without code changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

MESSAGES_PATH = Path(__file__).with_name("messages.yml")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def _messages() -> Dict[str, Any]:
    return yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8")) or {}


def _pick(text: Optional[Dict[str, str]], lang: str) -> str:
    if not text:
        return ""
    return text.get(lang) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")


def crisis_lines(kind: Optional[str], lang: str = DEFAULT_LANGUAGE, with_handoff: bool = True) -> List[str]:
    """The paragraphs of the crisis message for this kind (None: unknown kind)."""
    messages = _messages()
    kinds = messages.get("kinds", {})
    lines = [
        _pick(messages.get("intro"), lang),
        _pick(kinds.get(kind or "default") or kinds.get("default"), lang),
        _pick(messages.get("always"), lang),
    ]
    if with_handoff:
        lines.append(_pick(messages.get("handoff"), lang))
    return [line for line in lines if line]


def crisis_message(kind: Optional[str], lang: str = DEFAULT_LANGUAGE, with_handoff: bool = True) -> str:
    """The crisis referral as one text: 911, 9-8-8, the Assaulted Women's Helpline, 211."""
    return "\n\n".join(crisis_lines(kind, lang, with_handoff))


def bereavement_support(lang: str = DEFAULT_LANGUAGE) -> str:
    return _pick(_messages().get("bereavement_support"), lang)

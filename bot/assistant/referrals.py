"""Pointing people elsewhere: a small keyword matcher over the catalogue's
referrals (catalogue/seed/referrals.yml), with a generic referral when
nothing matches, so the answer is never a dead end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bot.assistant.messages import pick, say

REFERRALS_PATH = Path(__file__).resolve().parents[2] / "catalogue" / "seed" / "referrals.yml"


@dataclass(frozen=True)
class Referral:
    id: str
    title: Dict[str, str]
    organisation: Dict[str, str]
    level: Optional[str]
    url: Optional[str]
    phone: Optional[str]
    keywords: Tuple[str, ...]


@lru_cache(maxsize=2)
def load_referrals(path: Path = REFERRALS_PATH) -> Tuple[Referral, ...]:
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except OSError:
        return ()
    referrals = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        title = entry.get("title") or {}
        organisation = entry.get("organisation") or {}
        referrals.append(
            Referral(
                id=str(entry["id"]),
                title=title if isinstance(title, dict) else {"en": str(title)},
                organisation=organisation if isinstance(organisation, dict) else {"en": str(organisation)},
                level=entry.get("level"),
                url=entry.get("url"),
                phone=entry.get("phone"),
                keywords=tuple(str(k).lower() for k in entry.get("keywords") or []),
            )
        )
    return tuple(referrals)


@lru_cache(maxsize=512)
def _keyword_regex(keyword: str) -> re.Pattern:
    words = [re.escape(w) for w in keyword.split()]
    return re.compile(r"(?<![\w])" + r"[\s\-]+".join(words) + r"(?![\w])", re.IGNORECASE)


def match_referral(text: Optional[str], referrals: Optional[Tuple[Referral, ...]] = None) -> Optional[Referral]:
    """The referral whose keywords best match: more matched words win."""
    clean = (text or "").replace("\u2019", "'")
    if not clean.strip():
        return None
    best: Optional[Tuple[int, int, Referral]] = None
    for position, referral in enumerate(referrals if referrals is not None else load_referrals()):
        score = sum(len(k.split()) for k in referral.keywords if _keyword_regex(k).search(clean))
        if score and (best is None or score > best[0]):
            best = (score, -position, referral)
    return best[2] if best else None


def referral_text(referral: Optional[Referral], lang: str = "en") -> str:
    if referral is None:
        return say("referral_generic", lang)
    contacts: List[str] = [c for c in (referral.phone, referral.url) if c]
    return say(
        "referral_found",
        lang,
        title=pick(referral.title, lang),
        organisation=pick(referral.organisation, lang),
        contacts=(", " + ", ".join(contacts)) if contacts else "",
    )


def referral_payload(referral: Optional[Referral], lang: str = "en") -> Dict[str, Any]:
    """What a widget or an agent may show: the matched referral as data."""
    if referral is None:
        return {"id": None}
    return {
        "id": referral.id,
        "title": pick(referral.title, lang),
        "organisation": pick(referral.organisation, lang),
        "level": referral.level,
        "url": referral.url,
        "phone": referral.phone,
    }

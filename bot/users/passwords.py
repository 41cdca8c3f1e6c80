"""What a staff password must not be. Length alone let 'password1234' and
'aaaaaaaaaaaa' through; attackers try the common ones first, so we refuse
them, their obvious variants, one unit repeated, runs along the alphabet, the
digits or the keyboard, and the user's own name. No composition rules (a
long phrase is better than 'P@ssw0rd!'), as NIST SP 800-63B advises."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Optional

import yaml

MIN_LENGTH = 12
MIN_DISTINCT = 5
COMMON_FILE = Path(__file__).with_name("common_passwords.yml")
KEYBOARD_WALKS = ("`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./", "1234567890qwertyuiopasdfghjklzxcvbnm")
_TRIM = string.digits + string.punctuation + string.whitespace


@lru_cache(maxsize=1)
def common_passwords() -> FrozenSet[str]:
    data = yaml.safe_load(COMMON_FILE.read_text(encoding="utf-8")) or {}
    return frozenset(str(word).strip().lower() for word in data.get("passwords", []) if str(word).strip())


def problems(password: str, username: Optional[str] = None) -> List[str]:
    """Why this password is refused, as sentences a person can act on; [] when it is fine."""
    if len(password) < MIN_LENGTH:
        return [f"must be at least {MIN_LENGTH} characters (a phrase of a few words is easiest to remember)"]
    lowered = password.lower()
    squeezed = "".join(lowered.split())
    found = []
    if _is_common(lowered, squeezed):
        found.append("is one of the most common passwords (or one with digits or symbols added): choose another")
    elif len(set(squeezed)) < MIN_DISTINCT or _repeats(squeezed):
        found.append("repeats the same characters: choose one that does not")
    elif _is_run(squeezed):
        found.append("is a run along the alphabet, the digits or the keyboard: choose another")
    name = (username or "").strip().lower()
    if name and (squeezed in (name, name[::-1]) or (len(name) >= 4 and name in squeezed)):
        found.append("contains the user name: choose one that does not")
    return found


def _is_common(lowered: str, squeezed: str) -> bool:
    common = common_passwords()
    candidates = {lowered, squeezed, squeezed.strip(_TRIM), squeezed.rstrip(_TRIM), squeezed.lstrip(_TRIM)}
    return any(candidate in common for candidate in candidates if candidate)


def _repeats(text: str) -> bool:
    """One unit said again and again: 'abcabcabcabc', 'passwordpassword'."""
    sizes = range(1, len(text) // 2 + 1)
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in sizes)


def _is_run(text: str) -> bool:
    """Each character one step along the alphabet or the digits (either way, digits wrapping), or a keyboard walk."""
    if _steps_evenly(text):
        return True
    return any(text in walk or text in walk[::-1] for walk in KEYBOARD_WALKS)


def _steps_evenly(text: str) -> bool:
    pairs = list(zip(text, text[1:], strict=False))
    return any(all(_next(a, b, step) for a, b in pairs) for step in (1, -1))


def _next(a: str, b: str, step: int) -> bool:
    if a.isdigit() and b.isdigit():
        return (int(a) + step) % 10 == int(b)
    return ord(b) - ord(a) == step

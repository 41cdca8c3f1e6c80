"""Digit-based identifiers: payment cards, Ontario health cards, SINs, phones.

Numbers are read as *runs* of digit groups ("4111 1111 1111 1111",
"046-454-286") and every window of whole groups is classified by its grouping
and check digit.  Working on groups rather than raw regex matches lets a run
such as "416 555 0199 046 454 286" yield a phone and a SIN, and lets a Luhn
failure on a 19-digit window fall back to the 16-digit card inside it.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Tuple

from .luhn import luhn_valid
from .model import CREDIT_CARD, HEALTH_CARD, PHONE, SIN, Candidate

# Groups of digits joined by ONE separator; the separator is never a digit,
# so the repetition is unambiguous and the scan is linear.
_RUN = re.compile(r"(?<!\d)\d+(?:[ .-]\d+)*")
_GROUP = re.compile(r"\d+")
_MAX_WINDOW_DIGITS = 19

# Ontario health card version code: attached/dashed in any case, or after a
# space in capitals only (so "1234 567 890 is" does not swallow "is").
_VERSION_CODE = re.compile(r"(?:-?[A-Za-z]{2}|[ ][A-Z]{2})(?![^\W_])")
_HEALTH_CONTEXT = re.compile(
    r"(?<!\[)(?:ohip|health[ ]?(?:card|number|no\b|#)|\bhcn\b|carte[ ]sant[ée]|assurance[- ]sant[ée])",
    re.IGNORECASE,
)
_BUSINESS_CONTEXT = re.compile(r"\bbn\b|business[ ]number|num[ée]ro[ ]d.entreprise|\bcra[ ]business", re.IGNORECASE)
# CRA program account suffix ("123456789 RT0001") marks a business number.
_PROGRAM_ACCOUNT = re.compile(r"[ -]?R[A-Z][ -]?\d{4}", re.IGNORECASE)
_MONEY_AFTER = re.compile(r"[ ]?(?:\$|%|k\$)")
_CONTEXT_CHARS = 40

_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[.-])(?:\+?1[ .-]?)?"
    r"(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-]?)"
    r"[2-9]\d{2}[ .-]?\d{4}"
    r"(?:[ ]{0,2},?[ ]{0,2}(?:ext\.?|extension|x|poste)[ ]{0,2}\d{1,6})?"
    r"(?![\w])(?![.-]\d)",
    re.IGNORECASE,
)
# Seven-digit local numbers are only phones when the chat says so.
_LOCAL_PHONE = re.compile(r"(?<![\w+.-])[2-9]\d{2}[ .-]\d{4}(?![\w-])(?!\.\d)")
# (?<!\[): the word in a "[PHONE]" placeholder is not context.
_PHONE_CONTEXT = re.compile(r"(?<!\[)(?:phone|cell|call|text|tel\b|mobile|number|reach|contact)", re.IGNORECASE)


def _context_before(text: str, start: int, pattern: re.Pattern[str]) -> bool:
    return pattern.search(text, max(0, start - _CONTEXT_CHARS), start) is not None


def _clean_before(text: str, start: int) -> bool:
    """No letter or decimal/thousands digit glued on the left ("T4011", "12,046454286")."""
    if start == 0:
        return True
    char = text[start - 1]
    if char.isalnum() or char == "_":
        return False
    return not (char in ".," and start >= 2 and text[start - 2].isdigit())


def _clean_after(text: str, end: int) -> bool:
    """No letter or decimal digit glued on the right."""
    if end >= len(text):
        return True
    char = text[end]
    if char.isalnum() or char == "_":
        return False
    return not (char in ".," and end + 1 < len(text) and text[end + 1].isdigit())


def _money(text: str, start: int, end: int) -> bool:
    """A currency sign or percent next to a 9-digit number makes it an amount ("130 692 544 $")."""
    before = text[max(0, start - 2) : start]
    return before.endswith("$") or before == "$ " or _MONEY_AFTER.match(text, end) is not None


def _card_grouping(sizes: Tuple[int, ...]) -> bool:
    if len(sizes) == 1:
        return True
    if sizes in ((4, 6, 5), (4, 6, 4)):
        return True
    return len(sizes) >= 4 and all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


# Every grouping any kind accepts, and all their prefixes: a window whose
# grouping is not a prefix of one of these can stop growing.
_SHAPES = (
    {(size,) for size in (9, 10, *range(13, _MAX_WINDOW_DIGITS + 1))}
    | {(3, 3, 3), (4, 3, 3), (4, 6, 5), (4, 6, 4)}
    | {(4, 4, 4, last) for last in range(1, 5)}
    | {(4, 4, 4, 4, last) for last in range(1, 4)}
)
_SHAPE_PREFIXES = frozenset(shape[:n] for shape in _SHAPES for n in range(1, len(shape) + 1))


def _nanp(digits: str) -> bool:
    return digits[0] not in "01" and digits[3] not in "01"


def _classify(text: str, start: int, end: int, digits: str, sizes: Tuple[int, ...]) -> Candidate | None:
    """Kind of one whole-group window, or None; may extend `end` for a version code."""
    count = len(digits)
    if 13 <= count <= _MAX_WINDOW_DIGITS:
        card = digits[0] in "23456" and _card_grouping(sizes) and luhn_valid(digits)
        return Candidate(start, end, CREDIT_CARD) if card and _clean_after(text, end) else None
    if count == 10 and sizes in ((10,), (4, 3, 3)):
        version = _VERSION_CODE.match(text, end)
        if version and _clean_after(text, version.end()):
            return Candidate(start, version.end(), HEALTH_CARD)
        if not _clean_after(text, end):
            return None
        if sizes == (4, 3, 3) or _context_before(text, start, _HEALTH_CONTEXT) or not _nanp(digits):
            return Candidate(start, end, HEALTH_CARD)
        return None  # a bare NANP-shaped 10-digit number is left to the phone detector
    if count == 9 and sizes in ((9,), (3, 3, 3)) and luhn_valid(digits):
        if not _clean_after(text, end) or _PROGRAM_ACCOUNT.match(text, end) or _money(text, start, end):
            return None
        if _context_before(text, start, _BUSINESS_CONTEXT):
            return None
        return Candidate(start, end, SIN)
    return None


def _windows(text: str, run: re.Match[str]) -> Iterator[Candidate]:
    groups: List[Tuple[int, int]] = [g.span() for g in _GROUP.finditer(text, run.start(), run.end())]
    seps = [text[groups[i][1]] for i in range(len(groups) - 1)]
    for first in range(len(groups)):
        # A window may only start/end where the number is visibly split by a space:
        # "2002-189" or "1.046454286" are one token, not two identifiers.
        if first > 0 and seps[first - 1] != " ":
            continue
        start = groups[first][0]
        if first == 0 and not _clean_before(text, start):
            continue
        sizes: Tuple[int, ...] = ()
        for last in range(first, len(groups)):
            if last > first and seps[last - 1] != seps[first]:
                break  # one separator style per identifier
            g_start, g_end = groups[last]
            sizes += (g_end - g_start,)
            if sizes not in _SHAPE_PREFIXES:
                break
            if sizes not in _SHAPES or (last < len(groups) - 1 and seps[last] != " "):
                continue
            digits = "".join(text[a:b] for a, b in groups[first : last + 1])
            found = _classify(text, start, g_end, digits, sizes)
            if found:
                yield found


def number_candidates(text: str) -> Iterator[Candidate]:
    """Card, health card and SIN proposals from every digit run in `text`."""
    for run in _RUN.finditer(text):
        if run.end() - run.start() >= 9:  # every kind here has at least 9 digits
            yield from _windows(text, run)


def phone_candidates(text: str) -> Iterator[Candidate]:
    """North American numbers (10 digits, optional +1 and extension); 7 digits only in context."""
    for match in _PHONE.finditer(text):
        yield Candidate(match.start(), match.end(), PHONE)
    for match in _LOCAL_PHONE.finditer(text):
        if _context_before(text, match.start(), _PHONE_CONTEXT):
            yield Candidate(match.start(), match.end(), PHONE)

"""Redact personal identifiers from chat text before it is logged or stored.

Deterministic and dependency-free (stdlib `re`): every detector proposes
candidate spans, then one non-overlapping set is chosen (most characters
covered, then kind priority), so the same text and reference date always give
the same result.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Iterable, List, Tuple

from .dob import dob_candidates
from .model import PLACEHOLDERS, PRIORITY, Candidate, Finding, Redaction
from .numbers import number_candidates, phone_candidates
from .text_patterns import (
    address_candidates,
    email_candidates,
    passport_candidates,
    postal_candidates,
)

_MAX_PASSES = 4  # each pass must redact at least one more original character


def _candidates(text: str, today: date | None) -> Iterable[Candidate]:
    yield from email_candidates(text)
    yield from number_candidates(text)
    yield from phone_candidates(text)
    yield from passport_candidates(text)
    yield from dob_candidates(text, today)
    yield from postal_candidates(text)
    yield from address_candidates(text)


def _resolve(candidates: Iterable[Candidate]) -> List[Candidate]:
    """Pick non-overlapping candidates covering the most characters.

    Weighted interval scheduling: weight = length, ties broken by kind priority
    (see `model.KINDS`).  Maximising coverage means a run such as
    "416 555 0199 046 454 286" becomes a phone and a SIN, instead of a
    health card grabbed from the middle that leaves digits of both visible.
    """
    ordered = sorted(set(candidates), key=lambda c: (c.end, c.start, PRIORITY[c.kind]))
    if not ordered:
        return []
    bonus = len(PRIORITY)
    ends = [c.end for c in ordered]
    best = [0] * (len(ordered) + 1)  # best[i]: best weight using ordered[:i]
    take = [False] * len(ordered)
    previous = [0] * len(ordered)
    for i, c in enumerate(ordered):
        previous[i] = bisect_right(ends, c.start, 0, i)
        with_it = best[previous[i]] + (c.end - c.start) * (bonus + 1) + (bonus - PRIORITY[c.kind])
        take[i] = with_it > best[i]
        best[i + 1] = with_it if take[i] else best[i]
    kept: List[Candidate] = []
    i = len(ordered) - 1
    while i >= 0:
        if take[i]:
            kept.append(ordered[i])
            i = previous[i] - 1
        else:
            i -= 1
    kept.reverse()
    return kept


def _render(text: str, kept: List[Candidate]) -> Tuple[str, List[int], List[Tuple[int, int, bool]]]:
    """Redacted text, plus for each piece its start in that text and (orig start, orig end, is placeholder)."""
    out: List[str] = []
    starts: List[int] = []
    pieces: List[Tuple[int, int, bool]] = []
    length = cursor = 0
    for c in [*kept, Candidate(len(text), len(text), "")]:
        for chunk, origin in (
            (text[cursor : c.start], (cursor, c.start, False)),
            (PLACEHOLDERS.get(c.kind, ""), (c.start, c.end, True)),
        ):
            if chunk:
                out.append(chunk)
                starts.append(length)
                pieces.append(origin)
                length += len(chunk)
        cursor = c.end
    return "".join(out), starts, pieces


def _to_original(found: Candidate, starts: List[int], pieces: List[Tuple[int, int, bool]]) -> Candidate:
    """Map a span of the redacted text back to the original; a touched placeholder is taken whole."""
    first = bisect_right(starts, found.start) - 1
    orig_start, _, placeholder = pieces[first]
    start = orig_start if placeholder else orig_start + found.start - starts[first]
    last = bisect_right(starts, found.end - 1) - 1
    orig_start, orig_end, placeholder = pieces[last]
    end = orig_end if placeholder else orig_start + found.end - starts[last]
    return Candidate(start, end, found.kind)


def redact(text: str, *, today: date | None = None) -> Redaction:
    """Replace identifiers with placeholders such as "[SIN]".

    Detection is repeated on the redacted text until nothing new is found, so
    redact(redact(x).text) == redact(x).text: a number rejected because a
    letter was glued to it ("...St E+18885550199") is caught once that
    neighbour has become a placeholder.  Findings always refer to `text`.
    `today` fixes the reference year of the date-of-birth rule (see `dob`);
    it defaults to the current date.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() expects str, got {type(text).__name__}")
    if not text:
        return Redaction(text="", found=())
    today = today or date.today()
    kept = _resolve(_candidates(text, today))
    redacted, starts, pieces = _render(text, kept)
    for _ in range(_MAX_PASSES):
        extra = _resolve(_candidates(redacted, today)) if kept else []
        if not extra:
            break
        for found in extra:
            new = _to_original(found, starts, pieces)
            kept = [c for c in kept if c.end <= new.start or c.start >= new.end] + [new]
        kept.sort(key=lambda c: c.start)
        redacted, starts, pieces = _render(text, kept)
    found = tuple(Finding(kind=c.kind, start=c.start, end=c.end) for c in kept)
    return Redaction(text=redacted, found=found)


def redact_text(text: str, *, today: date | None = None) -> str:
    """Convenience: only the redacted text."""
    return redact(text, today=today).text

"""Value types shared by the privacy detectors.

A Finding records only *where* and *what kind*: the raw identifier is never
kept, so a Redaction can be logged or stored without re-leaking what it hid.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, NamedTuple, Tuple

EMAIL = "EMAIL"
CREDIT_CARD = "CREDIT_CARD"
HEALTH_CARD = "HEALTH_CARD"
SIN = "SIN"
PHONE = "PHONE"
PASSPORT = "PASSPORT"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
POSTAL_CODE = "POSTAL_CODE"
ADDRESS = "ADDRESS"

# Order = priority when two detections overlap (earlier wins): stronger,
# longer, checksum-backed kinds first so a card is never split into a phone.
KINDS: Tuple[str, ...] = (
    EMAIL,
    CREDIT_CARD,
    HEALTH_CARD,
    SIN,
    PHONE,
    PASSPORT,
    DATE_OF_BIRTH,
    POSTAL_CODE,
    ADDRESS,
)
PRIORITY: Mapping[str, int] = MappingProxyType({kind: rank for rank, kind in enumerate(KINDS)})
PLACEHOLDERS: Mapping[str, str] = MappingProxyType({kind: f"[{kind}]" for kind in KINDS})


class Candidate(NamedTuple):
    """A detector's proposal, before overlaps are resolved."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Finding:
    """One redacted identifier: its kind and [start, end) in the ORIGINAL text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    """Redacted text plus what was removed (positions only, never values)."""

    text: str
    found: Tuple[Finding, ...] = ()

    @property
    def kinds(self) -> Tuple[str, ...]:
        """Distinct kinds found, in order of first appearance."""
        return tuple(dict.fromkeys(finding.kind for finding in self.found))

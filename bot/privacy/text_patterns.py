"""Identifiers with letters in them: e-mail, postal code, passport, street address.

Every pattern is anchored by a look-behind so each match attempt starts at a
token boundary, and every repetition is bounded or separated by a character
the repeated part cannot contain: no catastrophic backtracking on 100 KB input.
"""

from __future__ import annotations

import re
from typing import Iterator

from .model import ADDRESS, EMAIL, PASSPORT, POSTAL_CODE, Candidate

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])")

# Canada Post: no D F I O Q U anywhere; W and Z never first.
_POSTAL = re.compile(
    r"(?<![\w])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w])",
    re.IGNORECASE,
)

# Canadian passport: two letters + six digits.  Capitals alone are distinctive
# enough; lower case or a space inside needs the word "passport" nearby.
_PASSPORT_STRICT = re.compile(r"(?<![\w])[A-Z]{2}\d{6}(?![\w])")
_PASSPORT_LOOSE = re.compile(r"(?<![\w])[A-Za-z]{2}[ -]?\d{6}(?![\w])")
_TWO_LETTER_WORDS = frozenset(
    [
        "is",
        "it",
        "in",
        "on",
        "at",
        "to",
        "of",
        "or",
        "no",
        "nr",
        "my",
        "me",
        "be",
        "by",
        "do",
        "go",
        "he",
        "if",
        "as",
        "so",
        "up",
        "us",
        "we",
        "am",
        "an",
    ]
)
_PASSPORT_CONTEXT = re.compile(r"(?<!\[)passe?port", re.IGNORECASE)  # not the "[PASSPORT]" placeholder
_CONTEXT_CHARS = 50

_STREET_TYPES = (
    "street|st|avenue|ave|av|road|rd|drive|dr|boulevard|blvd|crescent|cres|court|crt|ct|"
    "lane|ln|way|place|pl|circle|cir|trail|trl|parkway|pkwy|terrace|terr|square|sq|gate|"
    "gardens|gdns|grove|heights|hts|sideroad|close|mews|path|landing|ridge|promenade|"
    "esplanade|expressway|quay"
)
# Street types that are ordinary English words: when the whole match is lower
# case ("2 rental court cases") they are not taken as an address.
_RISKY_LOWER = frozenset(
    [
        "court",
        "crt",
        "ct",
        "lane",
        "ln",
        "way",
        "place",
        "pl",
        "circle",
        "cir",
        "trail",
        "trl",
        "gate",
        "gardens",
        "grove",
        "heights",
        "close",
        "mews",
        "path",
        "landing",
        "ridge",
        "square",
        "sq",
        "terrace",
        "promenade",
        "esplanade",
    ]
)
_NUMBERED_ROADS = r"highway|hwy|regional[ ]road|county[ ]road|concession(?:[ ]road)?|sideroad"
_ORDINALS = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"\d{1,2}(?:st|nd|rd|th)"
)
# Words that cannot be part of a street name: they mean "3 employees in the Court".
_STOP = (
    "in|on|at|to|the|a|an|and|or|of|for|with|from|by|my|our|your|his|her|their|its|is|are|"
    "was|were|be|been|i|we|you|he|she|it|they|me|us|them|per|each|every|about|since|than|"
    "more|other|years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|times?|"
    "employees?|staff|workers?|kids?|children|child|people|persons?|dollars?|bucks|percent|"
    "km|kilometres?|kilometers?|metres?|meters?|miles?|blocks?|doors?|houses?|floors?|units?|"
    "apartments?|family|help|info|am|pm|different|same|only|just|over|under|after|before|"
    "near|off|into|onto|across|along|via|if|so|but|not|no|have|has|had|went|got|get|this|"
    "that|these|those|there|here|when|where|what|which|who"
)
# A name word is an ordinal ("5th") or starts with a letter; the cheap
# first-character test runs before the long stop-word look-ahead.
_NAME_WORD = (
    r"(?:\d{1,3}(?:st|nd|rd|th)"
    rf"|(?=[^\W\d_])(?!(?:{_STOP})(?![\w'’]))[^\W\d_][\w'’.-]{{0,29}})"
)
# Unit ids carry a digit ("5", "1203", "4B", "PH2") or are one letter ("B"),
# so "Sault Ste. Marie" is not "Suite Marie".
_UNIT_ID = r"(?:[a-z]{0,2}\d{1,4}[a-z]?|[a-z])(?![\w'’])"
_UNIT = rf"(?:unit|apt|apartment|suite|ste)\.?[ ]{{0,2}}\#?[ ]{{0,2}}{_UNIT_ID}"
_ADDRESS = re.compile(
    r"(?<![\w#$-])"
    rf"(?:{_UNIT}[ ]{{0,2}}[,-]?[ ]{{0,2}}(?=\d))?"  # "Unit 5, 123 Main St"
    r"(?:\d{1,5}(?!\d)[a-z]?[ ]?-[ ]?)?"  # "5-123 Main St"
    r"\d{1,6}(?!\d)[a-z]?,?[ ]{1,3}"
    r"(?:"
    rf"(?:{_NAME_WORD}[ ]{{1,3}}){{1,4}}(?P<type>{_STREET_TYPES})(?![\w'’])\.?"
    r"(?:[ ]{1,2}(?:north|south|east|west|n|s|e|w)(?![\w'’])\.?)?"
    rf"|(?:{_NAME_WORD}[ ]{{1,3}}){{0,2}}(?:{_ORDINALS})[ ]{{1,2}}line(?![\w'’])"
    rf"|(?:{_NUMBERED_ROADS})[ ]{{1,2}}\d{{1,4}}(?![\w'’])(?:[ ]{{1,2}}(?:north|south|east|west|n|s|e|w)(?![\w'’]))?"
    r")"
    rf"(?:[ ]{{0,2}},?[ ]{{0,2}}(?:{_UNIT}|\#[ ]?{_UNIT_ID}))?",
    re.IGNORECASE,
)
_ADDRESS_FR = re.compile(
    r"(?<![\w#$-])\d{1,6}(?!\d)[a-z]?,?[ ]{1,3}"
    r"(?:rue|chemin|boulevard|boul\.?|avenue|av\.|route|croissant|promenade|impasse|allée)"
    r"[ ]{1,3}(?:(?:de|du|des|la|le)[ ]|[ld]['’]){0,2}"
    r"(?-i:[A-ZÉÈÎ])[\w'’.-]{0,29}(?:[ -](?-i:[A-ZÉÈÎ])[\w'’.-]{0,29}){0,3}",
    re.IGNORECASE,
)
_PO_BOX = re.compile(r"(?<![\w])p\.?[ ]?o\.?[ ]?box[ ]{0,2}\#?[ ]{0,2}\d{1,6}(?![\w])", re.IGNORECASE)


def email_candidates(text: str) -> Iterator[Candidate]:
    for match in _EMAIL.finditer(text):
        yield Candidate(match.start(), match.end(), EMAIL)


def postal_candidates(text: str) -> Iterator[Candidate]:
    for match in _POSTAL.finditer(text):
        yield Candidate(match.start(), match.end(), POSTAL_CODE)


def passport_candidates(text: str) -> Iterator[Candidate]:
    for match in _PASSPORT_STRICT.finditer(text):
        yield Candidate(match.start(), match.end(), PASSPORT)
    for match in _PASSPORT_LOOSE.finditer(text):
        start = match.start()
        if match.group(0)[:2].lower() in _TWO_LETTER_WORDS:
            continue  # "my passport number is 123456" is not "IS 123456"
        end = match.end()
        # "passport" before the number, or just after it ("GK 482913 is my passport")
        if _PASSPORT_CONTEXT.search(text, max(0, start - _CONTEXT_CHARS), min(len(text), end + 20)):
            yield Candidate(start, end, PASSPORT)


def address_candidates(text: str) -> Iterator[Candidate]:
    """Civic number + street name + street type (with units), French forms, PO boxes."""
    for match in _ADDRESS.finditer(text):
        street_type = match.group("type")
        if street_type and street_type.lower() in _RISKY_LOWER and match.group(0).islower():
            continue
        yield Candidate(match.start(), match.end(), ADDRESS)
    for pattern in (_ADDRESS_FR, _PO_BOX):
        for match in pattern.finditer(text):
            yield Candidate(match.start(), match.end(), ADDRESS)

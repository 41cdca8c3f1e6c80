"""Luhn (mod 10) check digit test.

SINs and payment cards carry a Luhn check digit; requiring it is what lets a
9-digit order number or a mistyped 16-digit reference survive redaction.
"""

from __future__ import annotations


def luhn_valid(digits: str) -> bool:
    """True when `digits` (decimal digits only, length >= 2) passes Luhn."""
    if len(digits) < 2 or not digits.isdecimal():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0

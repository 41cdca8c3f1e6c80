"""Translatable text: every citizen-facing string in the catalogue is a mapping
from language code to text, so French can be added as data, not code."""

from __future__ import annotations

from typing import Dict, Mapping, Optional

DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "fr")

LocalText = Dict[str, str]


def localise(text: Mapping[str, str] | None, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """Pick the text in `lang`, falling back to English, then to any language."""
    if not text:
        return None
    if lang in text and text[lang]:
        return text[lang]
    if DEFAULT_LANGUAGE in text and text[DEFAULT_LANGUAGE]:
        return text[DEFAULT_LANGUAGE]
    return next((value for value in text.values() if value), None)


def supported(lang: Optional[str]) -> Optional[str]:
    """`lang` if it is a supported language ("fr-CA" counts as "fr"), else None."""
    if not lang:
        return None
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED_LANGUAGES else None


def from_accept_language(header: Optional[str]) -> Optional[str]:
    """The supported language the browser prefers most (q-values honoured), or None."""
    choices = []
    for position, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        lang = supported(fields[0])
        if lang and quality > 0:
            choices.append((-quality, position, lang))
    return min(choices)[2] if choices else None


def request_language(accept_language: Optional[str], explicit: Optional[str] = None) -> str:
    """The language to answer an API request in: `explicit` (?lang=), else Accept-Language, else English."""
    return supported(explicit) or from_accept_language(accept_language) or DEFAULT_LANGUAGE

"""Translatable text: every citizen-facing string in the catalogue is a mapping
from language code to text, so French can be added as data, not code."""

from __future__ import annotations

from typing import Dict, Mapping

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

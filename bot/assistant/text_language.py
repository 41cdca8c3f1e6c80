"""Which language a service's catalogue text is really in, so a fallback is shown, never hidden.

The catalogue falls back to English for a service with no French text
(onewindow_catalogue.text.localise). Shown as is, French readers would get English
with nothing saying why, and screen readers would read it with French rules. So
each service of a bundle gets `text_lang`: the language of its name and summary,
and every screen marks a service whose `text_lang` differs from the conversation's
("(disponible en anglais seulement)", lang="en" on the element).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, MutableMapping, Optional

from onewindow_catalogue.text import DEFAULT_LANGUAGE


def _has(text: Optional[Mapping[str, str]], lang: str) -> bool:
    return bool(text and text.get(lang))


def service_text_lang(snapshot: Any, service_id: str, lang: str) -> str:
    """`lang` when the service's name and summary exist in it, else the language they fall back to."""
    prepared = snapshot.services.get(service_id)
    if prepared is None or lang == DEFAULT_LANGUAGE:
        return lang
    service = prepared.service
    if _has(service.name, lang) and (not service.summary or _has(service.summary, lang)):
        return lang
    return DEFAULT_LANGUAGE


def mark_text_languages(bundle: MutableMapping[str, Any], snapshot: Any, lang: str) -> Dict[str, Any]:
    """The bundle with `lang` and each service's `text_lang` (a new dict; services copied)."""
    services = [
        {**service, "text_lang": service_text_lang(snapshot, str(service.get("id")), lang)}
        for service in bundle.get("services") or []
        if isinstance(service, dict)
    ]
    return {**bundle, "lang": lang, "services": services}


def is_fallback(service: Mapping[str, Any], lang: str) -> bool:
    return bool(service.get("text_lang")) and service.get("text_lang") != lang


__all__ = ["is_fallback", "mark_text_languages", "service_text_lang"]

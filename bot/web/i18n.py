"""One small server-side i18n mechanism for every page and API answer.

Texts live in bot/web/i18n/<lang>.yml (nested keys, read as dotted names), so
a language is added as data. `t(key, lang)` falls back to English for a key a
language lacks, so a page never shows a raw key. Templates call `t('print.title')`
and read `lang` from their context (registered on the shared Jinja environment).

The language of a request: an explicit `lang` (query or body) wins, then the
Accept-Language header (RFC 9110 q-values; parsed in onewindow_catalogue.text, which
the catalogue's own API uses too), then English.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from jinja2 import pass_context

from onewindow_catalogue.text import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, from_accept_language, supported

MESSAGES_DIR = Path(__file__).with_name("i18n")
WIDGET_STRINGS_DIR = Path(__file__).with_name("static") / "i18n"
LANG_PATTERN = "^(en|fr)$"
LANG_COOKIE = "onewindow_lang"  # a staff member's explicit choice of language (the switch on staff pages)


def _flatten(node: Any, prefix: str = "") -> Dict[str, str]:
    if not isinstance(node, dict):
        return {prefix: str(node)}
    flat: Dict[str, str] = {}
    for key, value in node.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def message_files(lang: str) -> list:
    """`<lang>.yml` and each domain's `<domain>.<lang>.yml` (console.fr.yml, admin.fr.yml...): a domain keeps
    its texts in a file of its own."""
    return sorted(MESSAGES_DIR.glob(f"{lang}.yml")) + sorted(MESSAGES_DIR.glob(f"*.{lang}.yml"))


@cache
def messages(lang: str) -> Dict[str, str]:
    """The flat key -> text table of one language ({} for a language with no file). A key defined in two
    files is refused: one text per key."""
    if lang not in SUPPORTED_LANGUAGES:
        return {}
    table: Dict[str, str] = {}
    for path in message_files(lang):
        flat = _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        twice = sorted(set(flat) & set(table))
        if twice:
            raise ValueError(f"{path}: {', '.join(twice[:5])} already defined in another file of {MESSAGES_DIR}")
        table.update(flat)
    return table


def t(key: str, lang: str = DEFAULT_LANGUAGE, default: Optional[str] = None, **values: Any) -> str:
    """The text for `key` in `lang` (English if that language lacks it), placeholders filled.
    `default`: for keys made from data (a channel type), what to show when no language has it."""
    text = messages(lang).get(key)
    if text is None:
        text = messages(DEFAULT_LANGUAGE).get(key)
    if text is None and default is not None:
        return default
    if text is None:
        raise KeyError(f"bot/web/i18n/{DEFAULT_LANGUAGE}.yml has no {key!r}")
    return text.format(**values) if values else text


def request_language(headers: Any, explicit: Optional[str] = None) -> str:
    """The language to answer in: `explicit`, else Accept-Language, else English."""
    return supported(explicit) or from_accept_language(headers.get("accept-language")) or DEFAULT_LANGUAGE


def staff_language(request: Any) -> str:
    """A staff page's language: `?lang=` or the switch's cookie (an explicit choice), else Accept-Language,
    else English."""
    if request is None:
        return DEFAULT_LANGUAGE
    chosen = supported(request.query_params.get("lang")) or supported(request.cookies.get(LANG_COOKIE))
    return request_language(request.headers, chosen)


def _context_language(context: Any) -> str:
    """The template's `lang` when its view set one, else the staff language of its request."""
    return supported(context.get("lang")) or staff_language(context.get("request"))


@cache
def widget_strings(lang: str) -> Dict[str, str]:
    """The chat widget's catalogue (static/i18n/<lang>.json), for the page's no-JavaScript text."""
    path = WIDGET_STRINGS_DIR / f"{supported(lang) or DEFAULT_LANGUAGE}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pass_context
def _template_t(context: Any, key: str, default: Optional[str] = None, **values: Any) -> str:
    return t(key, _context_language(context), default, **values)


@pass_context
def _page_lang(context: Any) -> str:
    return _context_language(context)


def install(env: Any) -> None:
    """Make `t(key, **values)` and `page_lang()` available to every template (language from the template's
    `lang`, else from its request: staff_language)."""
    env.globals["t"] = _template_t
    env.globals["page_lang"] = _page_lang


__all__ = [
    "LANG_COOKIE",
    "LANG_PATTERN",
    "from_accept_language",
    "install",
    "messages",
    "request_language",
    "staff_language",
    "supported",
    "t",
    "widget_strings",
]

"""The catalogue's own messages (validation problems, draft refusals) in a staff member's language.

The catalogue package speaks English only: `onewindow catalogue validate` and imports print its messages
as they are, and it knows nothing of bot/. Each English message it can say is written once more as a
template in bot/web/i18n/catalogue.en.yml (`catalogue.messages.*`), beside its French text in
catalogue.fr.yml. A message that matches an English template is told with the French one, its values
(ids, names, numbers) carried over; a message no template matches stays English and says so (Said.lang),
so a French page marks it lang="en" instead of passing it off as French.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from bot.web.i18n import messages, t
from onewindow_catalogue.text import DEFAULT_LANGUAGE
from onewindow_catalogue.validation import Problem

PREFIX = "catalogue.messages."


class Said(str):
    """A message in a known language (`lang`), for pages that mark text in another language than theirs."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Said:
        said = super().__new__(cls, text)
        said.lang = lang
        return said


def _pattern(template: str) -> re.Pattern:
    """A regular expression that matches what `template.format(...)` gives, one group per placeholder."""
    regex, seen = "", set()
    for literal, field, _, _ in string.Formatter().parse(template):
        regex += re.escape(literal)
        if field is None:
            continue
        regex += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
        seen.add(field)
    return re.compile(regex + r"\Z", re.S)


@cache
def _templates() -> List[Tuple[str, re.Pattern]]:
    """(key, pattern) of every English template, the longest fixed text first (the most specific wins:
    "unknown life event '{event}'; known: {known}" before "unknown life event '{event}'")."""
    english = {key: text for key, text in messages(DEFAULT_LANGUAGE).items() if key.startswith(PREFIX)}

    def fixed(key: str) -> int:
        return sum(len(literal) for literal, *_ in string.Formatter().parse(english[key]))

    return [(key, _pattern(english[key])) for key in sorted(english, key=fixed, reverse=True)]


def _status(value: str, lang: str) -> Optional[str]:
    return t(f"admin.status.{value.replace(' ', '_')}", lang, default=value)


# Values that are words themselves: told in the page's language too (None: the message stays English).
VALUES: Dict[str, Callable[[str, str], Optional[str]]] = {
    "problem": lambda value, lang: _translated(value, lang),
    "status": _status,
}


def _translated(message: str, lang: str) -> Optional[str]:
    for key, pattern in _templates():
        match = pattern.match(message)
        if match is None:
            continue
        values: Dict[str, Any] = {}
        for name, value in match.groupdict().items():
            said = VALUES[name](value, lang) if name in VALUES else value
            if said is None:
                return None
            values[name] = said
        template = messages(lang).get(key) or messages(DEFAULT_LANGUAGE)[key]
        return template.format(**values)  # not t(): a template may name a value `key` or `lang`
    return None


def said(message: str, lang: str) -> Said:
    """`message` (one of the catalogue's English messages) in `lang` when a template knows it, else English."""
    if lang == DEFAULT_LANGUAGE:
        return Said(message, DEFAULT_LANGUAGE)
    text = _translated(message, lang)
    return Said(text, lang) if text is not None else Said(message, DEFAULT_LANGUAGE)


def error_text(error: Exception, lang: str) -> Said:
    """A catalogue or draft error in `lang` (a refusal with its own key, else its English message)."""
    text = getattr(error, "text", None)
    if callable(text):
        return Said(text(lang), lang)
    return said(str(error), lang)


def problem_text(problem: Problem, lang: str) -> Said:
    """A problem as `str(problem)` gives it (file:entry:field: message), its message in `lang`."""
    message = said(problem.message, lang)
    where = ":".join(part for part in (problem.file, problem.entry, problem.field) if part)
    return Said(f"{where}: {message}" if where else message, message.lang)


def problem_out(problem: Problem, lang: str) -> Mapping[str, Optional[str]]:
    """A problem for the JSON API: its fields, the message in `lang` and the language it is in."""
    message = said(problem.message, lang)
    return {**problem.as_dict(), "message": str(message), "lang": message.lang}

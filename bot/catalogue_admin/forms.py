"""The service edit form: flat HTML fields to a seed-format entry and back,
and each validation problem mapped to the field it is about."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from bot.catalogue_admin.said import said
from bot.web.i18n import t
from onewindow_catalogue.text import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from onewindow_catalogue.validation import Problem

TEXT_FIELDS = ("name", "summary", "applies_when.text", "deadline.text", "fee.text", "processing_time", "notes")
LIST_FIELDS = ("life_events", "requires", "covers")
EXTRA_CHANNEL_ROWS = 2
GENERAL = "_form"


def _get(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _set(data: Dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _yaml(value: Any) -> str:
    if value in (None, [], {}):
        return ""
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100).strip()


def values_from_entry(entry: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The form's field values for an entry (None: an empty new-service form)."""
    entry = entry or {}
    values: Dict[str, Any] = {
        "id": entry.get("id", ""),
        "organisation": entry.get("organisation", ""),
        "level": entry.get("level", ""),
        "url": entry.get("url", ""),
        "source": entry.get("source", ""),
        "last_checked": entry.get("last_checked", ""),
        "uncertain": bool(entry.get("uncertain")),
        "fee.uncertain": bool(_get(entry, "fee.uncertain")),
        "applies_when.condition": _yaml(_get(entry, "applies_when.condition")),
        "deadline.due": _yaml(_get(entry, "deadline.due")),
    }
    for name in LIST_FIELDS:
        values[name] = list(entry.get(name) or [])
    municipalities = entry.get("municipalities")
    values["municipalities"] = municipalities if isinstance(municipalities, str) else "\n".join(municipalities or [])
    for name in TEXT_FIELDS:
        text = _get(entry, name) or {}
        for lang in SUPPORTED_LANGUAGES:
            values[f"{name}.{lang}"] = text.get(lang, "")
    documents = entry.get("documents") or []
    for lang in SUPPORTED_LANGUAGES:
        values[f"documents.{lang}"] = "\n".join(doc.get(lang, "") for doc in documents).rstrip("\n")
    channels = list(entry.get("channels") or [])
    for index in range(len(channels) + EXTRA_CHANNEL_ROWS):
        channel = channels[index] if index < len(channels) else {}
        values[f"channels.{index}.type"] = channel.get("type", "")
        values[f"channels.{index}.url"] = channel.get("url", "")
        values[f"channels.{index}.phone"] = channel.get("phone", "")
        for lang in SUPPORTED_LANGUAGES:
            values[f"channels.{index}.note.{lang}"] = (channel.get("note") or {}).get(lang, "")
    values["channel_rows"] = len(channels) + EXTRA_CHANNEL_ROWS
    return values


def values_from_form(form: Any) -> Dict[str, Any]:
    """What was posted, as the template's values (so nothing typed is lost on an error)."""
    values: Dict[str, Any] = {key: form.get(key, "") for key in form}
    for name in LIST_FIELDS:
        values[name] = list(form.getlist(name))
    for name in ("uncertain", "fee.uncertain"):
        values[name] = form.get(name) in ("on", "true", "1")
    rows = [int(m.group(1)) for key in form for m in [re.match(r"^channels\.(\d+)\.", key)] if m]
    values["channel_rows"] = max(rows, default=-1) + 1
    return values


def entry_from_form(
    form: Any, lang: str = DEFAULT_LANGUAGE
) -> Tuple[Dict[str, Any], Dict[str, List[str]], Dict[int, int]]:
    """The entry a posted form describes, problems the form itself has (bad
    YAML; told in the page's `lang`), and which form row each channel came from (for error messages)."""
    values = values_from_form(form)
    entry: Dict[str, Any] = {}
    errors: Dict[str, List[str]] = {}
    for name in ("id", "organisation", "level", "url", "source", "last_checked"):
        value = str(values.get(name) or "").strip()
        if value:
            entry[name] = value
    for name in LIST_FIELDS:
        entry[name] = [value for value in values[name] if value]
    municipalities = str(values.get("municipalities") or "").strip()
    if municipalities:
        lines = [line.strip() for line in municipalities.splitlines() if line.strip()]
        entry["municipalities"] = "any" if lines == ["any"] else lines
    for name in TEXT_FIELDS:
        text = {lang: str(values.get(f"{name}.{lang}") or "").strip() for lang in SUPPORTED_LANGUAGES}
        text = {lang: value for lang, value in text.items() if value}
        if text or name in ("name", "summary", "applies_when.text"):
            _set(entry, name, text)
    for name in ("applies_when.condition", "deadline.due"):
        raw = str(values.get(name) or "").strip()
        if not raw:
            continue
        try:
            parsed = yaml.safe_load(raw)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            if mark:
                where = {"line": mark.line + 1, "column": mark.column + 1}
                text = t("admin.form_errors.bad_yaml_at", lang, problem=problem, **where)
            else:
                text = t("admin.form_errors.bad_yaml", lang, problem=problem)
            errors.setdefault(name, []).append(text)
            continue
        if parsed is not None:
            _set(entry, name, parsed)
    if "deadline" in entry and "text" not in entry["deadline"]:
        entry["deadline"]["text"] = {}
    if values.get("fee.uncertain"):
        entry.setdefault("fee", {"text": {}})["uncertain"] = True
    if values.get("uncertain"):
        entry["uncertain"] = True
    documents, document_errors = _documents(values, lang)
    if document_errors:
        errors["documents.en"] = document_errors
    if documents:
        entry["documents"] = documents
    entry["channels"], rows = _channels(values)
    return entry, errors, rows


def _documents(values: Mapping[str, Any], page_lang: str = DEFAULT_LANGUAGE) -> Tuple[List[Dict[str, str]], List[str]]:
    """Documents line by line: the French one on the same line as its English one."""
    lines = {lang: str(values.get(f"documents.{lang}") or "").splitlines() for lang in SUPPORTED_LANGUAGES}
    english = lines["en"]
    documents = []
    for index, line in enumerate(english):
        if not line.strip():
            continue
        document = {"en": line.strip()}
        for lang in SUPPORTED_LANGUAGES[1:]:
            if index < len(lines[lang]) and lines[lang][index].strip():
                document[lang] = lines[lang][index].strip()
        documents.append(document)
    extra = [other for other in SUPPORTED_LANGUAGES[1:] if len([x for x in lines[other] if x.strip()]) > len(english)]
    return documents, [t("admin.form_errors.more_lines", page_lang, language=other) for other in extra]


def _channels(values: Mapping[str, Any]) -> Tuple[List[Dict[str, Any]], Dict[int, int]]:
    channels, rows = [], {}
    for row in range(int(values.get("channel_rows") or 0)):
        field = {key: str(values.get(f"channels.{row}.{key}") or "").strip() for key in ("type", "url", "phone")}
        note = {lang: str(values.get(f"channels.{row}.note.{lang}") or "").strip() for lang in SUPPORTED_LANGUAGES}
        note = {lang: text for lang, text in note.items() if text}
        if not any(field.values()) and not note:
            continue
        channel: Dict[str, Any] = {"type": field["type"]}
        for key in ("url", "phone"):
            if field[key]:
                channel[key] = field[key]
        if note:
            channel["note"] = note
        rows[len(channels)] = row
        channels.append(channel)
    return channels, rows


def field_for(problem_field: Optional[str], channel_rows: Optional[Dict[int, int]] = None) -> str:
    """The form field a problem is about (GENERAL when none fits)."""
    if not problem_field:
        return GENERAL
    path = problem_field
    match = re.match(r"^channels\.(\d+)(?:\.(\w+))?", path)
    if match:
        row = (channel_rows or {}).get(int(match.group(1)), int(match.group(1)))
        part = match.group(2)
        if part in ("type", "url", "phone"):
            return f"channels.{row}.{part}"
        if part == "note":
            return f"channels.{row}.note.en"
        return f"channels.{row}.type"
    for prefix, target in (
        ("applies_when.condition", "applies_when.condition"),
        ("applies_when", "applies_when.text.en"),
        ("deadline.due", "deadline.due"),
        ("deadline", "deadline.text.en"),
        ("fee.uncertain", "fee.uncertain"),
        ("fee", "fee.text.en"),
        ("documents", "documents.en"),
        ("channels", "channels"),
    ):
        if path == prefix or path.startswith(prefix + "."):
            return target
    top = path.split(".")[0]
    if top in TEXT_FIELDS:
        return f"{top}.en"
    if top in (
        "id",
        "organisation",
        "level",
        "url",
        "source",
        "last_checked",
        "uncertain",
        "municipalities",
        *LIST_FIELDS,
    ):
        return top
    return GENERAL


def errors_by_field(
    problems: List[Problem],
    service_id: Optional[str],
    channel_rows: Optional[Dict[int, int]] = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Dict[str, List[str]]:
    """Problems grouped by form field, told in the page's `lang` (said.py; a message it does not know stays
    English and is marked so); problems about other services go to the top of the form."""
    errors: Dict[str, List[str]] = {}
    for problem in problems:
        own = problem.entry in (service_id, None, "new service")
        key = field_for(problem.field, channel_rows) if own else GENERAL
        errors.setdefault(key, []).append(said(problem.message, lang))
    return errors


def as_json(value: Any) -> str:
    """Shown in diffs and conflict tables: short values as they are, structures as JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)

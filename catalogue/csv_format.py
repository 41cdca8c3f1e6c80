"""Services as CSV, for spreadsheets: one row per service, one column per
field. Translatable text has a column per language (name_en, name_fr);
lists are joined with "; " (documents: one per line inside the cell);
structured parts (condition, deadline rules, channels) are JSON in a cell.
Export then import gives back the same entries, which are then validated
exactly like the seed format. Cells that a spreadsheet would run as a
formula are written with a leading apostrophe, removed again on import."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, List, Tuple

from onewindow_catalogue.seed_format import Service
from onewindow_catalogue.text import SUPPORTED_LANGUAGES
from onewindow_catalogue.validation import Problem

TEXTS = {
    "name": "name",
    "summary": "summary",
    "applies_when": "applies_when.text",
    "deadline": "deadline.text",
    "fee": "fee.text",
    "processing_time": "processing_time",
    "notes": "notes",
}
JOINED = ("life_events", "requires", "covers")
JSON_COLUMNS = {"condition": "applies_when.condition", "deadline_due": "deadline.due", "channels": "channels"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = ";"


def columns() -> List[str]:
    texts = [f"{column}_{lang}" for column in TEXTS for lang in SUPPORTED_LANGUAGES]
    documents = [f"documents_{lang}" for lang in SUPPORTED_LANGUAGES]
    return [
        "id",
        "organisation",
        "level",
        "life_events",
        "municipalities",
        *texts,
        "condition",
        "deadline_due",
        "fee_uncertain",
        "channels",
        "url",
        *documents,
        "requires",
        "covers",
        "source",
        "last_checked",
        "uncertain",
    ]


def _get(data: Dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)  # type: ignore[assignment]
    return data


def _set(data: Dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _unsafe(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def service_row(service: Service) -> Dict[str, str]:
    data = json.loads(service.json(exclude_none=True, exclude_defaults=True))
    data["id"] = service.id
    row: Dict[str, str] = {"id": service.id, "organisation": service.organisation, "level": service.level}
    for name in JOINED:
        row[name] = f"{SEPARATOR} ".join(data.get(name, []))
    municipalities = data.get("municipalities")
    row["municipalities"] = (
        municipalities if isinstance(municipalities, str) else f"{SEPARATOR} ".join(municipalities or [])
    )
    for column, path in TEXTS.items():
        text = _get(data, path) or {}
        for lang in SUPPORTED_LANGUAGES:
            row[f"{column}_{lang}"] = text.get(lang, "")
    for column, path in JSON_COLUMNS.items():
        value = _get(data, path)
        row[column] = json.dumps(value, ensure_ascii=False) if value not in (None, []) else ""
    row["fee_uncertain"] = "true" if _get(data, "fee.uncertain") else ""
    for lang in SUPPORTED_LANGUAGES:
        row[f"documents_{lang}"] = "\n".join(doc.get(lang, "") for doc in data.get("documents", [])).rstrip("\n")
    row["url"] = data.get("url", "")
    row["source"] = data.get("source", "")
    row["last_checked"] = data.get("last_checked", "")
    row["uncertain"] = "true" if data.get("uncertain") else ""
    return {key: _safe(str(value)) for key, value in row.items()}


def write_services(services: List[Service]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(), lineterminator="\r\n")
    writer.writeheader()
    for service in services:
        writer.writerow(service_row(service))
    return out.getvalue()


def read_entries(text: str) -> Tuple[List[Dict[str, Any]], List[Problem]]:
    """Seed-format entries from CSV text (not yet validated), and problems
    with the CSV itself (unknown columns, bad JSON cells), naming row and column."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    known = set(columns())
    problems: List[Problem] = []
    unknown = [name for name in (reader.fieldnames or []) if name not in known]
    if not reader.fieldnames or "id" not in reader.fieldnames:
        return [], [Problem("csv", None, None, "the first row must name the columns, starting with 'id'")]
    if unknown:
        problems.append(Problem("csv", None, None, f"unknown column(s) {unknown}; expected {', '.join(columns())}"))
    entries = []
    for number, raw in enumerate(reader, start=2):
        cells = {key: _unsafe((value or "").strip()) for key, value in raw.items() if key in known}
        if not any(cells.values()):
            continue
        label = f"row {number} ({cells.get('id') or 'no id'})"
        entry, row_problems = _entry(cells, label)
        problems += row_problems
        entries.append(entry)
    return entries, problems


def _entry(cells: Dict[str, str], label: str) -> Tuple[Dict[str, Any], List[Problem]]:
    entry: Dict[str, Any] = {}
    problems: List[Problem] = []
    for name in ("id", "organisation", "level", "url", "source", "last_checked"):
        if cells.get(name):
            entry[name] = cells[name]
    for name in JOINED:
        entry[name] = [part.strip() for part in cells.get(name, "").split(SEPARATOR) if part.strip()]
    municipalities = cells.get("municipalities", "")
    if municipalities:
        parts = [part.strip() for part in municipalities.split(SEPARATOR) if part.strip()]
        entry["municipalities"] = "any" if parts == ["any"] else parts
    for column, path in TEXTS.items():
        text = {lang: cells.get(f"{column}_{lang}", "") for lang in SUPPORTED_LANGUAGES}
        text = {lang: value for lang, value in text.items() if value}
        if text or column in ("name", "summary", "applies_when"):
            _set(entry, path, text)
    for column, path in JSON_COLUMNS.items():
        if not cells.get(column):
            continue
        try:
            _set(entry, path, json.loads(cells[column]))
        except json.JSONDecodeError as error:
            problems.append(Problem("csv", label, path, f"column '{column}' is not valid JSON: {error.msg}"))
    if "deadline" in entry:
        entry["deadline"].setdefault("text", {})
    if cells.get("fee_uncertain", "").lower() in ("true", "yes", "1"):
        entry.setdefault("fee", {"text": {}})["uncertain"] = True
    if cells.get("uncertain", "").lower() in ("true", "yes", "1"):
        entry["uncertain"] = True
    documents = []
    english = cells.get("documents_en", "").splitlines()
    for index, line in enumerate(english):
        if line.strip():
            document = {"en": line.strip()}
            for lang in SUPPORTED_LANGUAGES[1:]:
                lines = cells.get(f"documents_{lang}", "").splitlines()
                if index < len(lines) and lines[index].strip():
                    document[lang] = lines[index].strip()
            documents.append(document)
    if documents:
        entry["documents"] = documents
    entry.setdefault("channels", [])
    return entry, problems

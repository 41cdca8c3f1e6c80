"""Reading and writing the seed format: a folder of YAML files (one per
section) or one YAML/JSON file holding every section."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml
from pydantic import ValidationError

from onewindow_catalogue.coverage import FILE_NAME as CHECKLISTS_FILE
from onewindow_catalogue.coverage import check_against, read_checklists
from onewindow_catalogue.facts import Fact
from onewindow_catalogue.local_delivery import FILE_NAME as LOCAL_FILE
from onewindow_catalogue.local_delivery import read_local_delivery
from onewindow_catalogue.municipalities import SEED_DIR, MunicipalityDirectory, load_directory
from onewindow_catalogue.seed_format import Catalogue, LifeEvent, Organisation, Service
from onewindow_catalogue.validation import CatalogueInvalid, Problem, check_catalogue

SECTIONS = {"life_events": LifeEvent, "facts": Fact, "organisations": Organisation, "services": Service}
MAX_FILE_BYTES = 10 * 1024 * 1024


def read_catalogue(path: Path, municipalities: MunicipalityDirectory | None = None) -> Catalogue:
    """A validated catalogue, or CatalogueInvalid listing every problem."""
    catalogue, problems = check_path(path, municipalities)
    if problems:
        raise CatalogueInvalid(problems)
    return catalogue


def check_path(path: Path, municipalities: MunicipalityDirectory | None = None) -> Tuple[Catalogue, List[Problem]]:
    """Parse and validate; returns what parsed and every problem found."""
    municipalities = municipalities or load_directory(SEED_DIR)
    path = Path(path)
    raw_sections, files, problems = _read_sections(path)
    parsed: Dict[str, List[Any]] = {name: [] for name in SECTIONS}
    for section, model in SECTIONS.items():
        entries = raw_sections.get(section, [])
        if not isinstance(entries, list):
            problems.append(Problem(files.get(section, str(path)), None, section, "must be a list of entries"))
            continue
        for index, entry in enumerate(entries):
            entry_id = entry.get("id") if isinstance(entry, dict) else None
            label = str(entry_id) if entry_id else f"#{index + 1}"
            if not isinstance(entry, dict):
                problems.append(Problem(files[section], label, None, "each entry must be a mapping"))
                continue
            try:
                parsed[section].append(model(**entry))
            except ValidationError as error:
                for item in error.errors():
                    field = ".".join(str(part) for part in item["loc"] if part != "__root__") or None
                    problems.append(Problem(files[section], label, field, item["msg"]))
    catalogue = Catalogue(**parsed)
    if not problems:
        problems += check_catalogue(catalogue, municipalities, files)
        if path.is_dir():
            problems += check_seed_extras(path, catalogue, municipalities)
    return catalogue, problems


def check_seed_extras(folder: Path, catalogue: Catalogue, municipalities: MunicipalityDirectory) -> List[Problem]:
    """A seed folder's other files that name services: who delivers the
    general municipal services (local_delivery.yml) and the official
    checklists (official_checklists.yml). Unknown ids are refused here."""
    problems: List[Problem] = []
    services = {service.id: service for service in catalogue.services}
    local_file = folder / LOCAL_FILE
    if local_file.exists():
        try:
            local = read_local_delivery(local_file)
        except ValueError as error:
            problems.append(Problem(str(local_file), None, None, str(error)))
        else:
            for where, message in local.problems(services, municipalities):
                problems.append(Problem(str(local_file), where, None, message))
    checklist_file = folder / CHECKLISTS_FILE
    if checklist_file.exists():
        checklists, shape = read_checklists(checklist_file)
        for message in shape + check_against(checklists, catalogue):
            problems.append(Problem(str(checklist_file), None, None, message.replace(f"{checklist_file}:", "", 1)))
    return problems


def _read_sections(path: Path) -> Tuple[Dict[str, Any], Dict[str, str], List[Problem]]:
    if path.is_dir():
        sections: Dict[str, Any] = {}
        files: Dict[str, str] = {}
        problems: List[Problem] = []
        for section in SECTIONS:
            file = path / f"{section}.yml"
            files[section] = str(file)
            if not file.exists():
                problems.append(Problem(str(file), None, None, f"missing file for section '{section}'"))
                continue
            content, file_problems = _read_file(file)
            problems += file_problems
            if content is not None:
                sections[section] = content.get(section, []) if isinstance(content, dict) else content
        return sections, files, problems
    files = {section: str(path) for section in SECTIONS}
    content, problems = _read_file(path)
    if content is None:
        return {}, files, problems
    if not isinstance(content, dict):
        return (
            {},
            files,
            problems + [Problem(str(path), None, None, f"expected a mapping with sections {', '.join(SECTIONS)}")],
        )
    unknown = set(content) - set(SECTIONS) - {"version", "generated"}
    if unknown:
        problems.append(Problem(str(path), None, None, f"unknown section(s) {sorted(unknown)}"))
    return content, files, problems


def _read_file(file: Path) -> Tuple[Any, List[Problem]]:
    if not file.exists():
        return None, [Problem(str(file), None, None, "no such file")]
    if file.stat().st_size > MAX_FILE_BYTES:
        return None, [Problem(str(file), None, None, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")]
    text = file.read_bytes().decode("utf-8", errors="replace")
    try:
        if file.suffix == ".json":
            return json.loads(text), []
        return yaml.safe_load(text), []
    except json.JSONDecodeError as error:
        return None, [Problem(str(file), None, None, f"not valid JSON: {error.msg} at line {error.lineno}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [Problem(str(file), None, None, f"not valid YAML{where}: {getattr(error, 'problem', error)}")]


def dump_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Write a catalogue as one YAML or JSON file, or as a seed folder."""
    data = catalogue_to_dict(catalogue)
    path = Path(path)
    if path.suffix in (".json", ".yml", ".yaml"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_serialise(data, path.suffix), encoding="utf-8")
        return
    path.mkdir(parents=True, exist_ok=True)
    for section, entries in data.items():
        (path / f"{section}.yml").write_text(_serialise(entries, ".yml"), encoding="utf-8")


def catalogue_to_dict(catalogue: Catalogue) -> Dict[str, List[Dict[str, Any]]]:
    return {
        section: [
            {"id": entry.id, **entry.dict(exclude_none=True, exclude_defaults=True)}
            for entry in getattr(catalogue, section)
        ]
        for section in SECTIONS
    }


def _serialise(data: Any, suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    return yaml.safe_dump(plain(data), sort_keys=False, allow_unicode=True, width=100)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def plain(value: Any) -> Any:
    """JSON- and YAML-safe data: dates become ISO strings."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value

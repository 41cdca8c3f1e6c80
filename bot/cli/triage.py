"""`onewindow triage` and `onewindow eval`: recognise life events, and score recognition."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from bot.cli.common import fail, snapshot
from bot.settings import get_settings


def parser(local: bool):  # type: ignore[no-untyped-def]
    """The running Rasa server when it answers (one loaded model), else one
    in-process model loaded once for every message of this command."""
    from bot.processes import ROOT
    from bot.triage.nlu import InProcessParser, NluUnavailable, RasaServerParser

    settings = get_settings()
    if not local:
        server = RasaServerParser(settings.rasa_url, settings.secret("rasa_token"))
        if server.is_up():
            return server
        typer.echo(f"No Rasa server at {settings.rasa_url}; loading the model here (about a minute)...", err=True)
    model = settings.model_path if settings.model_path.is_absolute() else ROOT / settings.model_path
    try:
        return InProcessParser(model)
    except NluUnavailable as error:
        fail(str(error))


def triage_command(
    text: Optional[str] = typer.Argument(None, help="what the caller said; omit with --jsonl"),
    jsonl: bool = typer.Option(False, "--jsonl", help='read {"text": ...} per input line, write one result per line'),
    local: bool = typer.Option(False, help="load the model in this process even if a Rasa server runs"),
    lang: str = typer.Option("en", help="language of the bundle text"),
) -> None:
    """Recognise life events and build the bundle, as JSON (same as POST /api/triage)."""
    from bot.triage.nlu import run
    from bot.triage.service import TriageInputError, clean_text, triage

    if (text is None) == (not jsonl):
        fail("Give the text as an argument, or --jsonl to read lines from standard input.", 2)
    published = snapshot()
    nlu = parser(local)

    def one(raw_text: object) -> dict:
        cleaned = clean_text(raw_text)
        return triage(cleaned, run(nlu.parse(cleaned)), published, lang)

    if not jsonl:
        try:
            result = one(text)
        except TriageInputError as error:
            fail(str(error), 2)
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    failed = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise TriageInputError('each line must be a JSON object like {"text": "..."}')
            result = one(item.get("text"))
        except (json.JSONDecodeError, TriageInputError) as error:
            failed += 1
            result = {"error": f"line {number}: {error}"}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed:
        typer.echo(f"{failed} line(s) could not be triaged; see the 'error' lines.", err=True)
        raise typer.Exit(1)


def eval_command(
    cases: Path = typer.Argument(..., help="a YAML file with a 'cases' list"),
    as_json: bool = typer.Option(False, "--json", help="print the scores as JSON"),
    local: bool = typer.Option(False, help="load the model in this process even if a Rasa server runs"),
) -> None:
    """Score triage on labelled cases: event accuracy, handoff, urgency, services, misrouting."""
    from bot.triage.evaluation import CasesFileError, load_cases, report, score
    from bot.triage.nlu import run
    from bot.triage.service import clean_text, triage

    published = snapshot()
    try:
        labelled = load_cases(cases, published)
    except CasesFileError as error:
        fail(str(error), 2)
    nlu = parser(local)
    results = []
    for case in labelled:
        cleaned = clean_text(case.text)
        results.append(triage(cleaned, run(nlu.parse(cleaned)), published))
    scores = score(labelled, results, published)
    if as_json:
        json.dump(scores, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        typer.echo(report(scores))

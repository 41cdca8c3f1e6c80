"""`onewindow explain "text"`: the model's scores, the rules that fired and why the decision came out so
(the logic is bot/triage/explain.py)."""

from __future__ import annotations

import json
import sys

import typer

from bot.cli.common import fail, snapshot
from bot.cli.triage import parser


def explain_command(
    text: str = typer.Argument(..., help="what the caller said"),
    as_json: bool = typer.Option(False, "--json", help="print the explanation as JSON"),
    local: bool = typer.Option(False, help="load the model in this process even if a Rasa server runs"),
) -> None:
    """Explain one message's triage: model scores, rules fired, and why the decision came out as it did."""
    from bot.triage.explain import explain, render
    from bot.triage.nlu import run
    from bot.triage.service import TriageInputError, clean_text

    try:
        cleaned = clean_text(text)
    except TriageInputError as error:
        fail(str(error), 2)
    published = snapshot()
    nlu = parser(local)
    explanation = explain(cleaned, run(nlu.parse(cleaned)), published)
    if as_json:
        json.dump(explanation, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        typer.echo(render(explanation))

"""`onewindow bench`: the speed figures (bundle, triage, redaction, training), written to data_dir."""

from __future__ import annotations

import json

import typer

from bot.cli.common import snapshot
from bot.cli.triage import parser
from bot.settings import get_settings


def bench(
    triage_messages: int = typer.Option(100, help="how many held-out messages to time through triage"),
    skip_triage: bool = typer.Option(False, help="skip loading the Rasa model"),
) -> None:
    """Benchmarks: bundle build time by catalogue size, triage vs bare NLU latency, redaction, training time."""
    import yaml

    from bot import bench as benchmarks
    from bot.processes import ROOT

    results: dict = {"bundle": benchmarks.bundle_bench()}
    typer.echo("Bundle build time (median / p95 per bundle, per service):")
    for row in results["bundle"]:
        typer.echo(
            f"  {row['services']:>6} services  {row['median_us']:>10.1f} us  {row['p95_us']:>10.1f} us  "
            f"{row['us_per_service']:.3f} us/service"
        )
    results["redaction"] = benchmarks.redaction_bench()
    typer.echo(f"Redaction: {results['redaction']}")
    if not skip_triage:
        cases = yaml.safe_load((ROOT / "tests" / "recognition" / "heldout" / "cases.yml").read_text())["cases"]
        texts = [case["text"] for case in cases][:triage_messages]
        nlu, published = parser(local=True), snapshot()
        results["triage"] = benchmarks.triage_bench(nlu, published, texts)
        typer.echo(f"Triage vs bare NLU parse (ms): {results['triage']}")
        # every labelled set: the assistant beside its peers, per language (bot/bench.py)
        results["recognition"] = benchmarks.recognition_bench(nlu, published)
        markdown = benchmarks.recognition_markdown(results["recognition"])
        (get_settings().data_dir / "recognition.md").write_text(markdown + "\n")
        typer.echo(f"Recognition (life events exactly right unless said):\n{markdown}")
    settings = get_settings()
    results["training"] = benchmarks.training_time(settings.data_dir)
    typer.echo(f"Training time: {results['training']}")
    out = settings.data_dir / "bench.json"
    out.write_text(json.dumps(results, indent=2))
    typer.echo(f"Written to {out}")

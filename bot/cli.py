"""The `onewindow` console command: one entry point for people at a terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from bot.settings import get_settings

app = typer.Typer(help="OneWindow: life events to one bundle of government services.", no_args_is_help=True)
catalogue_app = typer.Typer(help="Validate, import and export the service catalogue.", no_args_is_help=True)
db_app = typer.Typer(help="Create and seed the database.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(db_app, name="db")
users_app = typer.Typer(help="Accounts for agents, service owners and admins.", no_args_is_help=True)
app.add_typer(users_app, name="users")

SEED_DIR = Path(__file__).resolve().parent.parent / "catalogue" / "seed"


def _session_factory():  # type: ignore[no-untyped-def]
    from bot.schema import create_schema
    from onewindow_catalogue.database import make_engine, make_session_factory

    engine = make_engine(get_settings().resolved_database_url())
    create_schema(engine)
    return make_session_factory(engine)


def _fail(message: str, code: int = 1) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@db_app.command("init")
def db_init(
    seed: Path = typer.Option(SEED_DIR, help="seed folder or file loaded when the catalogue is empty"),
    reseed: bool = typer.Option(False, help="replace the published catalogue with the seed even if not empty"),
) -> None:
    """Create the tables; load the seed catalogue into an empty database."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.loading import read_catalogue
    from onewindow_catalogue.validation import CatalogueInvalid

    factory = _session_factory()
    _ensure_first_admin(factory)
    with session_scope(factory) as session:
        if not reseed and not service.is_empty(db_session=session):
            typer.echo(f"Database ready ({get_settings().resolved_database_url()}); catalogue already loaded.")
            return
        try:
            catalogue = read_catalogue(seed)
        except CatalogueInvalid as error:
            _fail(str(error))
        revision = service.replace_all(db_session=session, catalogue=catalogue)
        _record_versions(session, catalogue, "db init")
    typer.echo(f"Database ready; loaded {len(catalogue.services)} services (catalogue revision {revision}).")


def _ensure_first_admin(factory) -> None:  # type: ignore[no-untyped-def]
    """The first admin account, its password printed once (it is stored hashed)."""
    import secrets

    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue.database import session_scope

    with session_scope(factory) as session:
        if users.has_admin(db_session=session):
            return
        password = secrets.token_urlsafe(12)
        user_in = UserCreate(username="admin", display_name="Administrator", password=password, role="admin")
        users.create(db_session=session, user_in=user_in)
    typer.secho(
        f"Created the first administrator: user name 'admin', password '{password}'.\n"
        "It is shown only this once: keep it safe, or add another admin with 'onewindow users add'.",
        fg=typer.colors.YELLOW,
    )


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="lower-case user name"),
    role: str = typer.Option(..., help="admin, owner or agent"),
    name: str = typer.Option("", help="display name (defaults to the user name)"),
    organisation: Optional[List[str]] = typer.Option(None, help="for owners: an organisation id they keep; repeat"),
    password: Optional[str] = typer.Option(
        None, help="at least 12 characters; asked for when not given", envvar="ONEWINDOW_NEW_PASSWORD"
    ),
) -> None:
    """Add an account."""
    from pydantic import ValidationError

    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue.database import session_scope

    if password is None:
        password = typer.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
    try:
        user_in = UserCreate(
            username=username,
            display_name=name or username,
            password=password,
            role=role,
            organisations=organisation or [],
        )
        with session_scope(_session_factory()) as session:
            users.create(db_session=session, user_in=user_in)
    except ValidationError as error:
        _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()))
    except users.UserError as error:
        _fail(str(error))
    typer.echo(f"Added {role} '{username}'.")


@users_app.command("list")
def users_list() -> None:
    """List accounts."""
    from bot.users import service as users
    from onewindow_catalogue.database import session_scope

    with session_scope(_session_factory()) as session:
        for user in users.get_all(db_session=session):
            state = "disabled" if user.disabled else "active"
            orgs = f" [{', '.join(user.organisations)}]" if user.organisations else ""
            typer.echo(f"{user.username:<20} {user.role:<6} {state:<8} {user.display_name}{orgs}")


@users_app.command("disable")
def users_disable(username: str = typer.Argument(..., help="the user name")) -> None:
    """Disable an account and end its sessions and API tokens."""
    from bot.users import service as users
    from onewindow_catalogue.database import session_scope

    try:
        with session_scope(_session_factory()) as session:
            users.set_disabled(db_session=session, username=username)
    except users.UserError as error:
        _fail(str(error))
    typer.echo(f"Disabled '{username}'.")


@catalogue_app.command("validate")
def catalogue_validate(path: Path = typer.Argument(..., help="a seed folder, or one YAML/JSON file")) -> None:
    """Check a catalogue; print one line per problem (file:entry:field: message)."""
    from onewindow_catalogue.loading import check_path

    catalogue, problems = check_path(path)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        _fail(f"{len(problems)} problem(s); nothing would be loaded.")
    typer.echo(
        f"OK: {len(catalogue.services)} services, {len(catalogue.facts)} facts, "
        f"{len(catalogue.organisations)} organisations, {len(catalogue.life_events)} life events."
    )


@catalogue_app.command("import")
def catalogue_import(path: Path = typer.Argument(..., help="a seed folder, or one YAML/JSON file")) -> None:
    """Replace the published catalogue with a validated one (all or nothing)."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.loading import read_catalogue
    from onewindow_catalogue.validation import CatalogueInvalid

    try:
        catalogue = read_catalogue(path)
    except CatalogueInvalid as error:
        _fail(f"{error}\nNothing was loaded.")
    with session_scope(_session_factory()) as session:
        revision = service.replace_all(db_session=session, catalogue=catalogue)
        _record_versions(session, catalogue, "catalogue import")
    typer.echo(f"Imported {len(catalogue.services)} services (catalogue revision {revision}).")


@catalogue_app.command("export")
def catalogue_export(
    path: Path = typer.Argument(..., help="a .yml/.json file, or a folder for one file per section"),
    format: str = typer.Option("seed", "--format", help="seed (YAML/JSON by suffix), yaml, json, csv or jsonld"),
) -> None:
    """Write the published catalogue in the seed format, as CSV, or as JSON-LD (CPSV-AP 3.2)."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.loading import dump_catalogue

    if format not in ("seed", "yaml", "json", "csv", "jsonld"):
        _fail("--format must be seed, yaml, json, csv or jsonld")
    with session_scope(_session_factory()) as session:
        catalogue = service.read_all(db_session=session)
    if format == "seed":
        dump_catalogue(catalogue, path)
    else:
        _export_as(catalogue, path, format)
    typer.echo(f"Exported {len(catalogue.services)} services to {path}.")


def _export_as(catalogue, path: Path, format: str) -> None:  # type: ignore[no-untyped-def]
    from bot.catalogue_admin.exchange import render

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(catalogue, format), encoding="utf-8")


def _record_versions(session, catalogue, author: str) -> None:  # type: ignore[no-untyped-def]
    """Start (or continue) every service's version history from what was just loaded."""
    from bot.audit import service as audit
    from onewindow_catalogue.drafts import service as drafts

    changed = drafts.record_import(db_session=session, catalogue=catalogue, author=author)
    audit.record(
        session,
        None,
        "catalogue.import",
        "catalogue",
        author,
        {"services": len(catalogue.services), "versions_recorded": changed},
    )


@catalogue_app.command("review-due")
def catalogue_review_due(
    days: Optional[int] = typer.Option(None, help="overdue when not checked for this many days (default: setting)"),
) -> None:
    """List entries overdue for a check against their source, and services no owner keeps."""
    from bot.catalogue_admin.upkeep import review_due_lines
    from onewindow_catalogue.database import session_scope

    with session_scope(_session_factory()) as session:
        for line in review_due_lines(session, days if days is not None else get_settings().review_after_days):
            typer.echo(line)


@app.command("bundle")
def bundle(
    events: str = typer.Argument(..., help="life event ids, comma-separated"),
    fact: Optional[List[str]] = typer.Option(None, "--fact", "-f", help="a fact as name=value; repeat"),
    lang: str = typer.Option("en", help="language of the text"),
) -> None:
    """Print the bundle for life events and facts as JSON."""
    from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts

    raw = {}
    for item in fact or []:
        if "=" not in item:
            _fail(f"--fact expects name=value, got {item!r}")
        name, value = item.split("=", 1)
        raw[name.strip()] = value.strip()
    snapshot = _snapshot()
    try:
        result = build_bundle(
            snapshot, [e.strip() for e in events.split(",") if e.strip()], parse_facts(snapshot, raw), lang=lang
        )
    except BundleRequestError as error:
        _fail(str(error), 2)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@app.command("train")
def train(force: bool = typer.Option(False, help="train even if Rasa finds nothing changed")) -> None:
    """Train the Rasa model (models/onewindow.tar.gz) from config.yml, domain.yml and data/."""
    import subprocess

    from bot.processes import BIN, ROOT

    command = [
        str(BIN / "rasa"),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        "models",
        "--fixed-model-name",
        "onewindow",
    ]
    if force:
        command.append("--force")
    import time

    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        _fail("Training failed; see the output above.", result.returncode)
    (ROOT / "models" / "onewindow.tar.gz").touch()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    seconds = round(time.monotonic() - started, 1)
    (settings.data_dir / "train_time.json").write_text(json.dumps({"seconds": seconds, "forced": force}))
    typer.echo(f"Model ready: models/onewindow.tar.gz ({seconds} s).")


@app.command("up")
def up() -> None:
    """Start the action server, the Rasa server and the web app; print the URLs."""
    from bot.processes import ROOT, Supervisor, specs

    settings = get_settings()
    model = settings.model_path if settings.model_path.is_absolute() else ROOT / settings.model_path
    if not model.exists():
        _fail(f"No trained model at {model}: run 'onewindow train' (or 'make run', which trains when needed).")
    db_init(seed=SEED_DIR, reseed=False)
    supervisor = Supervisor(specs(settings, model), log_dir=settings.data_dir / "logs")
    import signal

    # A service manager stops us with SIGTERM: stop the children too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    typer.echo("Starting the action server, the Rasa server (about a minute to load the model) and the web app...")
    try:
        supervisor.start_all()
        base = f"http://{settings.web_host}:{settings.web_port}"
        typer.echo(
            f"\nOneWindow is running:\n"
            f"  citizen chat      {base}/chat\n"
            f"  agent console     {base}/console\n"
            f"  catalogue API     {base}/docs\n"
            f"  health            {base}/healthz\n"
            f"  Rasa (loopback)   {settings.rasa_url} (token in {settings.data_dir}/.rasa_token)\n"
            f"  logs              {settings.data_dir / 'logs'}\n"
            f"Press Ctrl-C to stop."
        )
        supervisor.watch()
    except KeyboardInterrupt:
        typer.echo("Stopping...")
    except RuntimeError as error:
        _fail(str(error))
    finally:
        supervisor.stop_all()


def _parser(local: bool):  # type: ignore[no-untyped-def]
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
        _fail(str(error))


@app.command("triage")
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
        _fail("Give the text as an argument, or --jsonl to read lines from standard input.", 2)
    snapshot = _snapshot()
    parser = _parser(local)

    def one(raw_text: object) -> dict:
        cleaned = clean_text(raw_text)
        return triage(cleaned, run(parser.parse(cleaned)), snapshot, lang)

    if not jsonl:
        try:
            result = one(text)
        except TriageInputError as error:
            _fail(str(error), 2)
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


@app.command("eval")
def eval_command(
    cases: Path = typer.Argument(..., help="a YAML file with a 'cases' list"),
    as_json: bool = typer.Option(False, "--json", help="print the scores as JSON"),
    local: bool = typer.Option(False, help="load the model in this process even if a Rasa server runs"),
) -> None:
    """Score triage on labelled cases: event accuracy, handoff, urgency, services, misrouting."""
    from bot.triage.evaluation import CasesFileError, load_cases, report, score
    from bot.triage.nlu import run
    from bot.triage.service import clean_text, triage

    snapshot = _snapshot()
    try:
        labelled = load_cases(cases, snapshot)
    except CasesFileError as error:
        _fail(str(error), 2)
    parser = _parser(local)
    results = []
    for case in labelled:
        cleaned = clean_text(case.text)
        results.append(triage(cleaned, run(parser.parse(cleaned)), snapshot))
    scores = score(labelled, results, snapshot)
    if as_json:
        json.dump(scores, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        typer.echo(report(scores))


@app.command("bench")
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
        cases = yaml.safe_load((ROOT / "tests" / "nlu_heldout" / "cases.yml").read_text())["cases"]
        texts = [case["text"] for case in cases][:triage_messages]
        results["triage"] = benchmarks.triage_bench(_parser(local=True), _snapshot(), texts)
        typer.echo(f"Triage vs bare NLU parse (ms): {results['triage']}")
    settings = get_settings()
    results["training"] = benchmarks.training_time(settings.data_dir)
    typer.echo(f"Training time: {results['training']}")
    out = settings.data_dir / "bench.json"
    out.write_text(json.dumps(results, indent=2))
    typer.echo(f"Written to {out}")


@app.command("purge")
def purge(
    older_than: Optional[str] = typer.Option(None, help="e.g. 30d, 12h, 2w (default: ONEWINDOW_RETENTION_DAYS)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="only show what would be deleted"),
) -> None:
    """Delete old conversations and closed cases, keeping only anonymous counts for reports."""
    import datetime as dt

    from bot.retention import service as retention
    from onewindow_catalogue.database import session_scope

    try:
        age = retention.parse_age(older_than) if older_than else dt.timedelta(days=get_settings().retention_days)
    except ValueError as error:
        _fail(str(error), 2)
    with session_scope(_session_factory()) as session:
        plan = retention.plan(db_session=session, older_than=age)
        typer.echo(plan.describe())
        if dry_run:
            typer.echo("Dry run: nothing was deleted.")
            return
        done = retention.purge(db_session=session, purge_plan=plan)
    typer.echo(
        f"Deleted {done['conversations']} conversation(s), {done['messages']} message(s) and "
        f"{done['cases']} case(s); their anonymous counts are kept for reports."
    )


def _snapshot():  # type: ignore[no-untyped-def]
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.snapshot import SnapshotCache

    with session_scope(_session_factory()) as session:
        return SnapshotCache().get(session)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

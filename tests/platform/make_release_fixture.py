"""Builds tests/fixtures/release_0_1.sql: a small SQLite database as the release
before migrations made it (`create_all`, no alembic_version), with a row in
every table, dumped as SQL. Run it from a checkout of that release:

    git worktree add /tmp/release 05497ad && cd /tmp/release && \
      /work/main/.venv/bin/python /work/main/tests/platform/make_release_fixture.py OUT.sql

(05497ad is the last commit before migrations; its models are the 0.1 schema.)
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def build(database: Path) -> None:
    from bot.audit import service as audit
    from bot.cases import service as cases
    from bot.conversations import service as conversations
    from bot.schema import create_schema
    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue import service as catalogue_service
    from onewindow_catalogue.database import make_engine, make_session_factory, session_scope
    from onewindow_catalogue.drafts import service as drafts
    from onewindow_catalogue.loading import read_catalogue

    engine = make_engine(f"sqlite:///{database}")
    create_schema(engine)
    with session_scope(make_session_factory(engine)) as session:
        catalogue = read_catalogue(FIXTURES / "mini_catalogue.yml")
        catalogue_service.replace_all(db_session=session, catalogue=catalogue)
        drafts.record_import(db_session=session, catalogue=catalogue, author="fixture")
        agent = users.create(
            db_session=session,
            user_in=UserCreate(username="agent1", display_name="Agent One", password="fixture-pass-1", role="agent"),
        )
        users.start_session(db_session=session, user=agent)
        users.create_api_token(db_session=session, user=agent, name="fixture")
        conversation = conversations.create(db_session=session, lang="fr")
        conversations.add_message(db_session=session, conversation=conversation, sender="user", text="Bonjour")
        conversations.add_message(db_session=session, conversation=conversation, sender="bot", text="Bonjour !")
        case = cases.open_case(
            db_session=session,
            queue="general",
            reason="asked_for_agent",
            summary={"said": "Bonjour"},
            conversation=conversation,
        )
        cases.claim(db_session=session, case_id=case.id, agent_id=agent.id)
        cases.reply(db_session=session, case_id=case.id, agent_id=agent.id, text="Agent here")
        audit.record(session, None, "fixture.made", "catalogue", "fixture", {"at": dt.date(2026, 12, 7).isoformat()})
    engine.dispose()


def dump(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return "\n".join(connection.iterdump()) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1])
    work = out.with_suffix(".db")
    work.unlink(missing_ok=True)
    build(work)
    out.write_text(dump(work), encoding="utf-8")
    work.unlink()

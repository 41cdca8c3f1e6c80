"""Creates every domain's tables. The one place that knows all the models."""

from __future__ import annotations

from sqlalchemy.engine import Engine

import bot.audit.models  # noqa: F401  (registers the audit log and unmatched questions)
import bot.cases.models  # noqa: F401  (registers the cases tables)
import bot.conversations.models  # noqa: F401  (registers the conversations tables)
import bot.plans.models  # noqa: F401  (registers the kept plans)
import bot.retention.models  # noqa: F401  (registers the archived counts)
import bot.users.models  # noqa: F401  (registers the users tables)
import onewindow_catalogue.drafts.models  # noqa: F401  (registers the service versions)
import onewindow_catalogue.models  # noqa: F401  (registers the catalogue tables)
from onewindow_catalogue.database import Base


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)

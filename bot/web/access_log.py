"""The web log without credentials: a conversation id is the only key to a
citizen's conversation (bot/conversations), and uvicorn's access log would
write it in full with every request path. This filter keeps the first few
characters of any long token in a logged path or query, enough to follow
one conversation through the log, too few to open it. `onewindow up` runs
uvicorn with access_log.yml, which puts the filter on the access handler."""

from __future__ import annotations

import logging
import re
from pathlib import Path

LOG_CONFIG = Path(__file__).with_name("access_log.yml")
TOKEN = re.compile(r"(?<=[/=])([A-Za-z0-9_-]{6})[A-Za-z0-9_-]{14,}")


def shorten(text: str) -> str:
    """'/api/conversations/AbCdEf...32 chars/messages' -> '/api/conversations/AbCdEf.../messages'."""
    return TOKEN.sub(r"\1...", text)


class ShortTokens(logging.Filter):
    """Shortens tokens in uvicorn access records (args: client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            record.args = (*record.args[:2], shorten(record.args[2]), *record.args[3:])
        elif isinstance(record.msg, str):
            record.msg = shorten(record.msg)
        return True

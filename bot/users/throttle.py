"""Sign-in throttling that slows guessing without letting strangers lock people out.

A fixed lock after five failures from anywhere let anyone keep an agent out.
Here every attempt is counted under a *client*: the browser's remembered
device (a signed cookie it got when this account last signed in from it), or
else its network address (IPv6 by /64, which one host can hold whole). Three
scopes, each with free failures and then a delay that doubles with every
further failure (capped at WINDOW):

- account and client: what one guesser gets against one account;
- client (unknown browsers only): one address spraying many accounts;
- account (unknown browsers only): a guess spread over many addresses.

A remembered device is never held by the last two, so a stranger's failures
can delay strangers, never the account's own browser with the right password.
A success clears its scope's count. Counts live in the database (every
replica agrees); the client address comes from bot.web.client_address."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.users.models import SignInAttemptRow, utcnow

WINDOW = dt.timedelta(minutes=15)
KEEP = dt.timedelta(days=1)
BASE_DELAY = dt.timedelta(seconds=30)
FREE_PER_ACCOUNT_AND_CLIENT = 5
FREE_PER_CLIENT = 30
FREE_PER_ACCOUNT = 10
DEVICE_PREFIX = "device:"


@dataclass(frozen=True)
class Client:
    """Who is trying: a remembered device of this account, or an address."""

    key: str
    known: bool

    @classmethod
    def of(cls, address: str, device_id: Optional[str] = None) -> Client:
        if device_id:
            return cls((DEVICE_PREFIX + device_id)[:64], True)
        return cls(network_key(address), False)


def network_key(address: str) -> str:
    """An IPv4 address as is; an IPv6 one as its /64 (one host is often given a whole /64)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return (address or "unknown")[:64]
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def wait_needed(db_session: Session, username: str, client: Client, now: Optional[dt.datetime] = None) -> int:
    """Seconds this client must wait before trying this account again (0: go ahead)."""
    now = now or utcnow()
    mine = SignInAttemptRow.client == client.key
    scopes = [(FREE_PER_ACCOUNT_AND_CLIENT, SignInAttemptRow.username == username, mine)]
    if not client.known:
        unknown = SignInAttemptRow.client.not_like(DEVICE_PREFIX + "%")
        scopes.append((FREE_PER_CLIENT, mine))
        scopes.append((FREE_PER_ACCOUNT, SignInAttemptRow.username == username, unknown))
    return max(_wait(db_session, now, free, *where) for free, *where in scopes)


def _wait(db_session: Session, now: dt.datetime, free: int, *where) -> int:  # type: ignore[no-untyped-def]
    since = now - WINDOW
    last_success = db_session.execute(
        select(func.max(SignInAttemptRow.at)).where(SignInAttemptRow.succeeded.is_(True), *where)
    ).scalar_one()
    if last_success is not None:
        since = max(since, _aware(last_success))
    count, last = db_session.execute(
        select(func.count(), func.max(SignInAttemptRow.at)).where(
            SignInAttemptRow.succeeded.is_(False), SignInAttemptRow.at > since, *where
        )
    ).one()
    if count < free or last is None:
        return 0
    delay = min(WINDOW, BASE_DELAY * (2 ** min(count - free, 16)))
    remaining = (_aware(last) + delay - now).total_seconds()
    return max(0, math.ceil(remaining))


def record(
    db_session: Session, username: str, client: Client, succeeded: bool, now: Optional[dt.datetime] = None
) -> None:
    """Count an attempt, and forget those older than KEEP (only the last WINDOW
    counts; a day is kept to look into an attack), so a flood cannot grow the table."""
    now = now or utcnow()
    db_session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.at < now - KEEP))
    db_session.add(SignInAttemptRow(username=username, client=client.key, succeeded=succeeded, at=now))
    db_session.flush()


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)

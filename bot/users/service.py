"""Users, passwords (argon2), sessions, API tokens and sign-in rate limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from difflib import get_close_matches
from typing import List, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.users import devices, passwords, throttle
from bot.users.models import (
    ApiTokenRow,
    SessionRow,
    SignedIn,
    UserCreate,
    UserRead,
    UserRow,
    clean_languages,
    utcnow,
)
from onewindow_catalogue.models import OrganisationRow

PASSWORDS = PasswordHasher()
SESSION_LIFETIME = dt.timedelta(hours=10)


class UserError(ValueError):
    """A request about users that cannot be done, with a message a person can act on."""


class TooManyAttempts(UserError):
    """Sign-in must wait `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get(*, db_session: Session, user_id: int) -> Optional[UserRow]:
    return db_session.get(UserRow, user_id)


def get_by_username(*, db_session: Session, username: str) -> Optional[UserRow]:
    return db_session.execute(select(UserRow).where(UserRow.username == username.lower())).scalar_one_or_none()


def get_all(*, db_session: Session) -> List[UserRow]:
    return list(db_session.execute(select(UserRow).order_by(UserRow.username)).scalars())


def create(*, db_session: Session, user_in: UserCreate) -> UserRow:
    if get_by_username(db_session=db_session, username=user_in.username):
        raise UserError(f"a user named '{user_in.username}' already exists")
    if user_in.role == "owner" and not user_in.organisations:
        raise UserError("a service owner needs at least one organisation")
    check_organisations(db_session=db_session, organisations=user_in.organisations)
    user = UserRow(
        username=user_in.username.lower(),
        display_name=user_in.display_name,
        password_hash=PASSWORDS.hash(user_in.password),
        role=user_in.role,
        organisations=list(user_in.organisations),
        languages=list(user_in.languages),
    )
    db_session.add(user)
    db_session.flush()
    return user


def check_organisations(*, db_session: Session, organisations: List[str]) -> None:
    """An owner kept an organisation that does not exist would edit nothing and
    see nothing: refuse it, naming the ids that do exist."""
    known = list(db_session.execute(select(OrganisationRow.id).order_by(OrganisationRow.position)).scalars())
    unknown = [organisation for organisation in dict.fromkeys(organisations) if organisation not in known]
    if not unknown:
        return
    if not known:
        raise UserError(
            f"unknown organisation {', '.join(map(repr, unknown))}: the catalogue has no organisations yet "
            "(run 'onewindow db init' first)"
        )
    hints = [f"did you mean '{close[0]}'?" for close in (get_close_matches(o, known, n=1) for o in unknown) if close]
    raise UserError(
        f"unknown organisation {', '.join(map(repr, unknown))}{' (' + ' '.join(hints) + ')' if hints else ''}. "
        f"Organisation ids in the published catalogue: {', '.join(known)} "
        "(with their names in catalogue/seed/organisations.yml, or 'onewindow catalogue export orgs.yml')"
    )


def set_password(*, db_session: Session, username: str, password: str) -> UserRow:
    """A new password, held to the same rules as a new account; every session,
    API token and remembered device of the account ends with the old one."""
    user = get_by_username(db_session=db_session, username=username)
    if user is None:
        raise UserError(f"no user named '{username}'")
    found = passwords.problems(password or "", user.username)
    if found:
        raise UserError("password " + "; ".join(found))
    user.password_hash = PASSWORDS.hash(password)
    db_session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    db_session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user.id))
    return user


def set_languages(*, db_session: Session, username: str, languages: List[str]) -> UserRow:
    """The languages an agent serves in besides English (["fr"]; [] for English only). A queue that requires
    a language (bot/cases/queues.yml `language:`) is claimed only by agents listed here as speaking it."""
    user = get_by_username(db_session=db_session, username=username)
    if user is None:
        raise UserError(f"no user named '{username}'")
    try:
        user.languages = clean_languages(languages)
    except ValueError as error:
        raise UserError(str(error)) from None
    return user


def speaks(*, db_session: Session, lang: str) -> bool:
    """Whether an active agent (or admin) is recorded as serving in `lang`."""
    query = select(UserRow.languages).where(UserRow.role.in_(("agent", "admin")), UserRow.disabled.is_(False))
    return any(lang in (languages or []) for languages in db_session.execute(query).scalars())


def set_disabled(*, db_session: Session, username: str, disabled: bool = True) -> UserRow:
    user = get_by_username(db_session=db_session, username=username)
    if user is None:
        raise UserError(f"no user named '{username}'")
    user.disabled = disabled
    if disabled:
        db_session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
        db_session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user.id))
    return user


def has_admin(*, db_session: Session) -> bool:
    query = select(func.count()).select_from(UserRow).where(UserRow.role == "admin", UserRow.disabled.is_(False))
    return db_session.execute(query).scalar_one() > 0


def authenticate(
    *,
    db_session: Session,
    username: str,
    password: str,
    client: str,
    device: Optional[str] = None,
    secret: Optional[str] = None,
) -> UserRow:
    """The user, or UserError. `client` is the caller's address; `device` the
    account's remembered-device cookie, checked with `secret`. Too many recent
    failures make this client wait (TooManyAttempts, whatever the password);
    see bot/users/throttle.py for who is held back and who is not."""
    username = (username or "").strip().lower()[:64]
    user = get_by_username(db_session=db_session, username=username)
    device_id = devices.verify(secret, user, device) if secret else None
    who = throttle.Client.of(client, device_id)
    wait = throttle.wait_needed(db_session, username, who)
    if wait:
        raise TooManyAttempts(
            f"Too many failed sign-in attempts. Try again in {_in_words(wait)}, or ask an administrator.", wait
        )
    ok = False
    if user is not None and not user.disabled:
        try:
            ok = PASSWORDS.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        PASSWORDS.hash("timing-equaliser")  # a missing user costs the same time as a wrong password
    throttle.record(db_session, username, who, ok)
    if not ok:
        raise UserError("Wrong user name or password.")
    return user  # type: ignore[return-value]


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


def start_session(*, db_session: Session, user: UserRow) -> Tuple[str, SessionRow]:
    token = secrets.token_urlsafe(32)
    row = SessionRow(
        token_hash=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + SESSION_LIFETIME,
    )
    db_session.add(row)
    db_session.flush()
    return token, row


def end_session(*, db_session: Session, token: str) -> None:
    db_session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))


def signed_in_by_session(*, db_session: Session, token: Optional[str]) -> Optional[SignedIn]:
    if not token:
        return None
    row = db_session.get(SessionRow, _digest(token))
    if row is None or _aware(row.expires_at) < utcnow():
        return None
    user = db_session.get(UserRow, row.user_id)
    if user is None or user.disabled:
        return None
    return SignedIn(user=UserRead.from_orm(user), csrf_token=row.csrf_token)


def create_api_token(*, db_session: Session, user: UserRow, name: str) -> str:
    token = "ow_" + secrets.token_urlsafe(32)
    db_session.add(ApiTokenRow(token_hash=_digest(token), user_id=user.id, name=name[:128]))
    db_session.flush()
    return token


def signed_in_by_token(*, db_session: Session, token: Optional[str]) -> Optional[SignedIn]:
    if not token:
        return None
    row = db_session.get(ApiTokenRow, _digest(token))
    user = db_session.get(UserRow, row.user_id) if row else None
    if user is None or user.disabled:
        return None
    return SignedIn(user=UserRead.from_orm(user))


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)

"""Users and their sessions. Sessions, tokens and sign-in attempts live in the
database, not in memory, so every replica agrees on who is signed in."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, validator
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String

from bot.users import passwords
from onewindow_catalogue.database import Base

ROLES = ("admin", "owner", "agent")
AGENT_LANGUAGES = ("en", "fr")  # the languages an agent may be listed as serving in


def clean_languages(values: Optional[List[str]]) -> List[str]:
    """Language codes as stored: lower case, known, each once, English implied (so left out). A code
    OneWindow does not serve in is refused, naming the ones it does."""
    cleaned: List[str] = []
    for value in values or []:
        for code in str(value).replace(",", " ").split():
            code = code.strip().lower()
            if code not in AGENT_LANGUAGES:
                raise ValueError(f"unknown language {code!r}: use {', '.join(AGENT_LANGUAGES)}")
            if code != "en" and code not in cleaned:
                cleaned.append(code)
    return cleaned


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UserRow(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), unique=True, nullable=False, index=True)
    display_name = Column(String(128), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    organisations = Column(JSON, nullable=False, default=list)  # service owners: the organisation ids they keep
    languages = Column(JSON, nullable=False, default=list)  # agents: languages they serve in besides English
    disabled = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class SessionRow(Base):
    """A signed-in browser: the cookie holds the token, the table its hash."""

    __tablename__ = "user_sessions"
    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"
    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(128), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class SignInAttemptRow(Base):
    __tablename__ = "sign_in_attempts"
    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, index=True)
    client = Column(String(64), nullable=False, index=True)
    succeeded = Column(Boolean, nullable=False)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class UserCreate(BaseModel):
    username: str = Field(..., min_length=2, max_length=64, regex=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(..., min_length=1, max_length=128)
    password: str = Field(..., min_length=12, max_length=256)
    role: str
    organisations: List[str] = []
    languages: List[str] = []  # agents: languages served in besides English ("fr")

    @validator("languages", pre=True)
    def _languages(cls, value: Any) -> List[str]:
        return clean_languages(value)

    @validator("role")
    def _role(cls, value: str) -> str:
        if value not in ROLES:
            raise ValueError(f"must be one of {', '.join(ROLES)}")
        return value

    @validator("password")
    def _strong_enough(cls, value: str, values: Dict[str, Any]) -> str:
        found = passwords.problems(value, values.get("username"))
        if found:
            raise ValueError("; ".join(found))
        return value


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    organisations: List[str]
    languages: List[str] = []
    disabled: bool

    @validator("languages", pre=True)
    def _no_null(cls, value: Any) -> List[str]:
        return list(value or [])

    class Config:
        orm_mode = True


class SignedIn(BaseModel):
    """Who is making a request, and the CSRF token of their session (pages only)."""

    user: UserRead
    csrf_token: Optional[str] = None

    def can_edit(self, organisation_id: str) -> bool:
        return self.user.role == "admin" or (self.user.role == "owner" and organisation_id in self.user.organisations)

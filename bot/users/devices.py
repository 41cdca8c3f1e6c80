"""Remembered devices: a browser that signed in to an account gets a signed
cookie for that account, so the sign-in throttle can tell the account's own
browser from a stranger hammering it (bot/users/throttle.py).

The cookie is `<device id>.<HMAC>` under a name derived from the account,
sent only to /signin. The HMAC covers the secret key, the account and its
password hash: a stranger cannot forge one, and a new password forgets
every device remembered with the old one. It grants nothing by itself: the
right password is still needed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

from bot.users.models import UserRow

COOKIE_PREFIX = "ow_device_"
COOKIE_PATH = "/signin"
LIFETIME_SECONDS = 180 * 24 * 3600


def cookie_name(username: str) -> str:
    return COOKIE_PREFIX + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:16]


def _signature(secret: str, user: UserRow, device_id: str) -> str:
    message = f"device\n{user.username}\n{device_id}\n{user.password_hash}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue(secret: str, user: UserRow, device_id: Optional[str] = None) -> str:
    """A cookie value for this account (keeping the device's id when it has one)."""
    device_id = device_id or secrets.token_urlsafe(16)
    return f"{device_id}.{_signature(secret, user, device_id)}"


def verify(secret: str, user: Optional[UserRow], value: Optional[str]) -> Optional[str]:
    """The device id when `value` is a genuine cookie of this account, else None."""
    if not value or user is None or "." not in value or len(value) > 200:
        return None
    device_id, signature = value.rsplit(".", 1)
    if not device_id or not hmac.compare_digest(signature, _signature(secret, user, device_id)):
        return None
    return device_id

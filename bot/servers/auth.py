"""The one check both internal servers make: the caller sent the shared
secret as `Authorization: Bearer <secret>` (compared in constant time)."""

from __future__ import annotations

import hmac
from typing import Optional

SCHEME = "Bearer "


def bearer(secret: str) -> str:
    return SCHEME + secret


def authorised(header: Optional[str], secret: str) -> bool:
    """True when `header` carries `secret`; an empty secret authorises no one."""
    if not secret or not header:
        return False
    return hmac.compare_digest(header.encode("utf-8", "replace"), bearer(secret).encode("utf-8"))

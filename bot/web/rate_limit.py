"""Rate limits for the public doors (new chats, chat messages).

A flood from one client, or from many, must not bury real emergencies in the
queue. Each limit is a token bucket: `limit` requests per `window` seconds,
refilled evenly, so a person typing normally never meets it and a script
meets it within one window. `RateLimiter` is the small interface the web app
uses; `MemoryRateLimiter` keeps buckets in this process (one replica). A
shared store (Redis) can implement the same `acquire` for several replicas.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Protocol, Tuple

from starlette.requests import HTTPConnection

from bot.web.client_address import client_address
from bot.web.i18n import request_language, t


@dataclass(frozen=True)
class Limit:
    """At most `limit` requests per `window` seconds for `key`; limit 0 is off."""

    key: str
    limit: int
    window: float


class RateLimiter(Protocol):
    def acquire(self, limits: Iterable[Limit]) -> float:
        """Take one request from every limit, or from none: 0.0 when allowed,
        else the seconds to wait before the tightest one has room again."""


class MemoryRateLimiter:
    """Token buckets in a dict, guarded by a lock (routes run in threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: Dict[str, Tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def acquire(self, limits: Iterable[Limit]) -> float:
        active = [limit for limit in limits if limit.limit > 0 and limit.window > 0]
        now = self.clock()
        with self._lock:
            levels = {}
            wait = 0.0
            for limit in active:
                rate = limit.limit / limit.window
                tokens, at = self._buckets.get(limit.key, (float(limit.limit), now))
                tokens = min(float(limit.limit), tokens + (now - at) * rate)
                levels[limit.key] = tokens
                if tokens < 1.0:
                    wait = max(wait, (1.0 - tokens) / rate)
            if wait > 0:
                return wait
            if len(self._buckets) + len(active) > self.max_keys:
                self._forget_full(now, active)
            for limit in active:
                self._buckets[limit.key] = (levels[limit.key] - 1.0, now)
            return 0.0

    def _forget_full(self, now: float, active: Iterable[Limit]) -> None:
        """Bound memory under a spray of addresses: drop buckets idle for longer
        than the longest window (they are full again, so nothing is lost)."""
        longest = max((limit.window for limit in active), default=3600.0)
        for key, (_, at) in list(self._buckets.items()):
            if now - at > longest:
                del self._buckets[key]


def retry_after_header(wait: float) -> str:
    """Retry-After in whole seconds, never 0 (0 would invite an immediate retry)."""
    return str(max(1, math.ceil(wait)))


class TooManyRequests(Exception):
    """Over a limit: answer 429 with Retry-After (`retry_after`, whole seconds), the text in `lang`."""

    def __init__(self, wait: float, lang: str = "en") -> None:
        super().__init__(self.text(lang))
        self.retry_after = retry_after_header(wait)

    @staticmethod
    def text(lang: str) -> str:
        """The refusal in `lang` (a WebSocket says it in its conversation's language)."""
        return t("web.too_many_requests", lang)


def public_limits(settings, kind: str, client: str) -> List[Limit]:  # type: ignore[no-untyped-def]
    """Per client and overall for `kind`, read from ONEWINDOW_RATE_<KIND>_PER_CLIENT
    and ONEWINDOW_RATE_<KIND>_TOTAL over ONEWINDOW_RATE_WINDOW_SECONDS."""
    window = settings.rate_window_seconds
    return [
        Limit(f"{kind}:client:{client}", getattr(settings, f"rate_{kind}_per_client"), window),
        Limit(f"{kind}:total", getattr(settings, f"rate_{kind}_total"), window),
    ]


def check_rate(connection: HTTPConnection, kind: str) -> None:
    """Count one `kind` request ("conversations", "messages") from this HTTP or
    WebSocket connection's client against the app's limiter; raise
    TooManyRequests when over a limit (then nothing is counted), said in the
    request's language (`?lang=`, else Accept-Language)."""
    settings = connection.app.state.settings
    client = client_address(connection, settings.trusted_proxies)
    wait = connection.app.state.rate_limiter.acquire(public_limits(settings, kind, client))
    if wait > 0:  # the language is only worked out for a refusal: counting stays cheap
        raise TooManyRequests(wait, request_language(connection.headers, connection.query_params.get("lang")))

"""Security headers on every HTTP answer, pages and API alike.

Every page loads its scripts and styles from /static (no inline script, no
inline <style>); a few console bars set their width in a style attribute,
which `style-src-attr` allows without opening inline <style> or script. No
OneWindow page may be framed (the chat is embedded on other sites by a script
tag, not a frame: see templates/embed_demo.html), so frame-ancestors 'none'
and X-Frame-Options DENY apply everywhere. A response that sets its own
Content-Security-Policy (e.g. the local API docs page, which needs its
inline start-up script) keeps it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'{sockets}; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
FIXED: List[Tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def content_security_policy(host: str = "") -> str:
    """The policy; with the request's Host, WebSocket URLs of this host are named
    explicitly too (older browsers do not let 'self' cover ws:/wss:)."""
    host = host if host and all(c.isalnum() or c in ".-:[]" for c in host) else ""
    sockets = f" ws://{host} wss://{host}" if host else ""
    return POLICY.format(sockets=sockets)


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Dict[str, Any], receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"host"), "")

        async def with_headers(message: Dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {key.lower() for key, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", content_security_policy(host).encode("latin-1")))
                headers += [(key, value) for key, value in FIXED if key not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)

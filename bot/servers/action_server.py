"""The action server (`python -m bot.servers.action_server`): rasa-sdk's app
running our `actions` package, on ONEWINDOW_ACTION_HOST (loopback unless set)
and ONEWINDOW_ACTION_PORT, answering only callers that send
ONEWINDOW_ACTION_TOKEN. rasa-sdk 3.6 has neither a host option (it binds
0.0.0.0) nor authentication, and its actions would run for any forged tracker
(handoff included), so this entry replaces `rasa run actions`."""

from __future__ import annotations

import argparse
import logging
from typing import List, Optional

from bot.servers.auth import authorised

log = logging.getLogger("onewindow.action_server")
OPEN_PATHS = ("/health",)  # the supervisor's health check carries no secret and learns nothing


def create_app(token: str, package: str = "actions"):  # type: ignore[no-untyped-def]
    """rasa-sdk's Sanic app with a check in front of every route but /health."""
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    if not token:
        raise ValueError("the action server needs a non-empty token")
    app = sdk_app(package, cors_origins="")  # only Rasa calls it, never a browser

    @app.middleware("request")
    async def _authenticate(request):  # type: ignore[no-untyped-def]
        if request.path in OPEN_PATHS:
            return None
        if authorised(request.headers.get("authorization"), token):
            return None
        log.warning("refused a call to %s from %s: no valid action token", request.path, request.ip)
        return response.json({"error": "This server answers only the OneWindow Rasa server."}, status=401)

    return app


def main(argv: Optional[List[str]] = None) -> None:
    from bot.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(description="OneWindow action server (rasa-sdk, authenticated)")
    parser.add_argument("--host", default=settings.action_host, help="interface to listen on")
    parser.add_argument("--port", type=int, default=settings.action_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings.secret("action_token"))
    log.info("action server on http://%s:%s (callers must send the action token)", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()

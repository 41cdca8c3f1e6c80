"""Small helpers for driving the real stack over HTTP like a citizen and an agent."""

from __future__ import annotations

import httpx
from support import SignedIn


class Citizen:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=120)
        self.id = self.http.post("/api/conversations", json={"lang": "en"}).json()["id"]

    def say(self, text: str | None = None, payload: str | None = None) -> dict:
        response = self.http.post(f"/api/conversations/{self.id}/messages", json={"text": text, "payload": payload})
        assert response.status_code == 200, response.text
        return response.json()

    def history(self) -> dict:
        return self.http.get(f"/api/conversations/{self.id}/messages").json()


class Agent:
    """An agent signed in through the form (support.SignedIn) over real HTTP."""

    def __init__(self, base_url: str, username: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.csrf = SignedIn(self.http, username, csrf_pages=("/console",)).csrf
        assert self.csrf, "no CSRF token on /console after signing in"

    def waiting(self) -> list:
        return self.http.get("/api/console/queues").json()["waiting"]

    def claim(self, case_id: int) -> httpx.Response:
        return self.http.post(f"/api/console/cases/{case_id}/claim", headers={"X-CSRF-Token": self.csrf})

    def form(self, path: str, **fields: str) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf, **fields}, follow_redirects=True)


def button(reply: dict, payload: str) -> dict:
    """The quick reply with this payload in the bot's last messages."""
    for message in reversed(reply["messages"]):
        for candidate in message.get("buttons") or []:
            if candidate["payload"] == payload:
                return candidate
    raise AssertionError(f"no button {payload} in {[m['text'][:60] for m in reply['messages']]}")

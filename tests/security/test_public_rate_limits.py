"""Issue 15, abuse 2: the public chat API is rate limited per client and
overall, with a clear 429 and Retry-After; the client is the peer address, and
X-Forwarded-For counts only from a proxy listed in ONEWINDOW_TRUSTED_PROXIES."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support import receive_json

from bot.web.client_address import client_address


def start(http, **headers):
    return http.post("/api/conversations", json={"lang": "en"}, headers=headers)


def test_new_conversations_per_client_get_a_clear_429(make_app):
    app = make_app(rate_conversations_per_client=3, rate_window_seconds=3600)
    with TestClient(app, client=("203.0.113.7", 4000)) as http:
        assert [start(http).status_code for _ in range(3)] == [201, 201, 201]
        refused = start(http)
        assert refused.status_code == 429
        assert "Too many requests" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1
    with TestClient(app, client=("198.51.100.9", 4000)) as other:  # someone else is not held back
        assert start(other).status_code == 201


def test_the_overall_limit_holds_against_many_clients(make_app):
    app = make_app(rate_conversations_total=5, rate_window_seconds=3600)
    answers = []
    for n in range(8):
        with TestClient(app, client=(f"192.0.2.{n + 1}", 4000)) as http:
            answers.append(start(http).status_code)
    assert answers == [201] * 5 + [429] * 3


def test_messages_are_limited_and_a_refused_one_is_not_recorded(make_app, rasa):
    app = make_app(rate_messages_per_client=2, rate_window_seconds=3600)
    with TestClient(app) as http:
        conversation = start(http).json()["id"]
        url = f"/api/conversations/{conversation}/messages"
        codes = [http.post(url, json={"text": f"hello {n}"}).status_code for n in range(3)]
        assert codes == [200, 200, 429]
        assert rasa.messages() == ["hello 0", "hello 1"]
        texts = [m["text"] for m in http.get(url).json()["messages"] if m["sender"] == "user"]
        assert texts == ["hello 0", "hello 1"]


@pytest.mark.timeout(60)
def test_websocket_messages_share_the_limit(make_app, rasa):
    app = make_app(rate_messages_per_client=1, rate_window_seconds=3600)
    with TestClient(app) as http:
        conversation = start(http).json()["id"]
        assert http.post(f"/api/conversations/{conversation}/messages", json={"text": "one"}).status_code == 200
        with http.websocket_connect(f"/api/conversations/{conversation}/ws") as socket:
            socket.send_json({"type": "message", "text": "two"})
            event = receive_json(socket)
            while event["type"] != "error":
                event = receive_json(socket)
            assert event["status"] == 429 and event["retry_after"] >= 1
    assert rasa.messages() == ["one"]


def test_forwarded_for_is_ignored_from_an_untrusted_peer(make_app):
    app = make_app(rate_conversations_per_client=2, rate_window_seconds=3600)
    with TestClient(app, client=("203.0.113.7", 4000)) as http:
        codes = [start(http, **{"X-Forwarded-For": f"10.9.9.{n}"}).status_code for n in range(3)]
    assert codes == [201, 201, 429]  # a new made-up address each time does not buy a new allowance


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(make_app):
    app = make_app(rate_conversations_per_client=1, rate_window_seconds=3600, trusted_proxies=["10.0.0.0/8"])
    with TestClient(app, client=("10.1.2.3", 4000)) as proxy:
        assert start(proxy, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 201
        assert start(proxy, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 201
        assert start(proxy, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429
        # A client's own made-up hop in front of the proxy's does not help it.
        assert start(proxy, **{"X-Forwarded-For": "1.2.3.4, 198.51.100.2"}).status_code == 429


def test_default_limits_let_real_use_through(app):
    """Generous defaults: a contact-centre office behind one address keeps working."""
    with TestClient(app) as http:
        assert all(start(http).status_code == 201 for _ in range(40))


def test_live_server_names_the_peer_and_answers_429(make_app, live_server):
    import httpx

    base = live_server(make_app(rate_conversations_per_client=1, rate_window_seconds=3600))
    with httpx.Client(base_url=base, timeout=30) as http:
        assert start(http).status_code == 201
        refused = start(http, **{"X-Forwarded-For": "192.0.2.55"})
        assert refused.status_code == 429 and refused.headers["retry-after"]


# --- the two building blocks, directly ------------------------------------------------


def scope(peer, forwarded=None):
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "http", "client": (peer, 1234), "headers": headers}


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.7", "1.1.1.1", [], "203.0.113.7"),
        ("203.0.113.7", "1.1.1.1", ["10.0.0.0/8"], "203.0.113.7"),
        ("10.0.0.2", "1.1.1.1", ["10.0.0.0/8"], "1.1.1.1"),
        ("10.0.0.2", "6.6.6.6, 1.1.1.1, 10.0.0.9", ["10.0.0.0/8"], "1.1.1.1"),
        ("10.0.0.2", None, ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "not-an-address", ["10.0.0.0/8"], "10.0.0.2"),
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
        ("127.0.0.1", "[2001:db8::2]:443", ["127.0.0.1"], "2001:db8::2"),
        (None, None, [], "unknown"),
    ],
)
def test_client_address_rule(peer, forwarded, trusted, expected):
    connection = scope(peer, forwarded) if peer else {"type": "http", "client": None, "headers": []}
    assert client_address(connection, trusted) == expected


def test_a_bad_trusted_proxy_setting_is_named():
    with pytest.raises(ValueError, match="not-a-network"):
        client_address(scope("10.0.0.1"), ["not-a-network"])


def test_buckets_refill_over_the_window():
    from bot.web.rate_limit import Limit, MemoryRateLimiter

    now = [0.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    limits = [Limit("a", 2, 10.0), Limit("total", 100, 10.0)]
    assert [limiter.acquire(limits) for _ in range(2)] == [0.0, 0.0]
    assert limiter.acquire(limits) == pytest.approx(5.0)  # one request back every 5 s
    now[0] = 5.0
    assert limiter.acquire(limits) == 0.0
    assert limiter.acquire([Limit("off", 0, 10.0)]) == 0.0

"""The chat widget resends a message whose fate it cannot know (issue 19) with the
same client_message_id, so the server stores and answers it once and the page
shows it once: after a 502 whose message the server did store (the answer was
lost on the way back), after a network error, and after a socket that closed
before the message's echo came back. No Rasa: the router's own answer will do."""

import json

import httpx
import pytest
from support import wait_until, web_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with web_app(tmp_path_factory.mktemp("widget-resend")) as live:
        yield live


def history(app, page) -> list:
    conversation = page.evaluate("() => window.OneWindowChat.convId")
    return httpx.get(f"{app.url}/api/conversations/{conversation}/messages", timeout=10).json()["messages"]


def answered(app, page) -> list:
    """The server's messages once the person's message has its answer, and the page shows them all."""
    messages = wait_until(
        lambda: (lambda m: m if len(m) >= 3 and m[-1]["sender"] != "user" else [])(history(app, page)),
        "the message stored and answered",
    )
    page.wait_for_function(
        "(seqs) => seqs.every((seq) => document.querySelector(`.ow-log .ow-msg[data-seq='${seq}']`))",
        arg=[m["seq"] for m in messages if m["sender"] != "user"],
    )
    return messages


def open_chat(app, chromium, websocket: bool):
    page = chromium.new_page()
    if not websocket:
        page.add_init_script("window.WebSocket = undefined")  # HTTP only, as behind a proxy without upgrades
    page.goto(f"{app.url}/chat?lang=en")
    page.wait_for_function("() => window.OneWindowChat && window.OneWindowChat.convId")
    return page


def send(page, text: str) -> None:
    page.locator(".ow-input").fill(text)
    page.keyboard.press("Enter")


def shown_once(page, text: str) -> None:
    bubbles = page.locator(".ow-log .ow-msg--user", has_text=text)
    assert bubbles.count() == 1 and page.locator(".ow-msg--failed").count() == 0


@pytest.mark.parametrize("failure", ["answer lost after a 502", "network error", "503 before the server"])
def test_a_message_whose_answer_failed_is_resent_once_with_its_id(app, chromium, failure):
    page = open_chat(app, chromium, websocket=False)
    posted = []

    def flaky(route):
        posted.append(json.loads(route.request.post_data))
        if len(posted) > 1:
            return route.continue_()
        if failure == "answer lost after a 502":
            route.fetch()  # the server stores and answers it; the answer never reaches the page
            return route.fulfill(status=502, body="Bad Gateway")
        if failure == "network error":
            return route.abort("connectionreset")
        return route.fulfill(status=503, body="Service Unavailable")

    page.route(
        "**/api/conversations/*/messages",
        lambda route: flaky(route) if route.request.method == "POST" else route.continue_(),
    )
    send(page, "We just had a baby")
    messages = answered(app, page)
    assert [m["sender"] for m in messages].count("user") == 1
    assert len(posted) == 2 and posted[0]["client_message_id"] == posted[1]["client_message_id"]
    assert len(posted[0]["client_message_id"]) >= 16
    shown_once(page, "We just had a baby")
    page.close()


def test_each_message_gets_its_own_id(app, chromium):
    page = open_chat(app, chromium, websocket=False)
    posted = []
    page.on(
        "request",
        lambda r: (
            posted.append(json.loads(r.post_data)) if r.method == "POST" and r.url.endswith("/messages") else None
        ),
    )
    send(page, "first words")
    answered(app, page)
    send(page, "second words")
    wait_until(lambda: len(posted) == 2, "the second message sent")
    assert posted[0]["client_message_id"] != posted[1]["client_message_id"]
    page.close()


def test_a_message_lost_with_its_socket_is_resent_over_http(app, chromium):
    page_sockets = []

    def swallowing_socket(ws):
        """The first socket takes the message and dies (its replica was killed); later ones are real."""
        page_sockets.append(ws)
        if len(page_sockets) > 1:
            return ws.connect_to_server()
        server = ws.connect_to_server()
        ws.on_message(
            lambda message: (
                ws.close(code=1011)
                if '"type": "message"' in message or '"type":"message"' in message
                else server.send(message)
            )
        )

    page = open_chat_with_socket(app, chromium, swallowing_socket)
    page.wait_for_function("() => window.OneWindowChat.wsIsOpen()")
    posted = []
    page.on(
        "request",
        lambda r: (
            posted.append(json.loads(r.post_data)) if r.method == "POST" and r.url.endswith("/messages") else None
        ),
    )
    send(page, "We just had a baby")
    messages = answered(app, page)
    assert [m["sender"] for m in messages].count("user") == 1
    assert len(posted) == 1  # over HTTP, after the socket closed without the echo
    shown_once(page, "We just had a baby")
    page.close()


def open_chat_with_socket(app, chromium, handler):
    page = chromium.new_page()
    page.route_web_socket("**/ws*", handler)
    page.goto(f"{app.url}/chat?lang=en")
    page.wait_for_function("() => window.OneWindowChat && window.OneWindowChat.convId")
    return page

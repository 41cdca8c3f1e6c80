"""The citizen chat in headless Chromium against the real stack: a whole
conversation from greeting to bundle and to handoff, axe-core with no serious
violations, screenshots at phone and desktop widths."""

import httpx
import pytest
from playwright.sync_api import expect
from support import axe_violations, screenshot_dir, wait_until

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


def serious_violations(page):
    return axe_violations(page, ["wcag2a", "wcag2aa", "wcag21aa"], impacts=("serious", "critical"))


def conversation_id(page) -> str:
    """The conversation the widget keeps in sessionStorage (to resume after a reload)."""
    return wait_until(
        lambda: page.evaluate(
            "() => Object.keys(sessionStorage).filter((k) => k.startsWith('onewindow.chat:'))"
            ".map((k) => JSON.parse(sessionStorage.getItem(k)).id).find(Boolean)"
        ),
        "the widget to start a conversation",
    )


def server_messages(page, base: str) -> list:
    response = httpx.get(f"{base}/api/conversations/{conversation_id(page)}/messages", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def bot_turn_done(page, base: str, before: int) -> None:
    """Wait until the server holds the whole answer to the turn (more than `before`
    messages, the last not the person's: the router writes a turn's answer in one
    transaction) and the widget shows every one of them, however they arrived
    (one HTTP reply or one WebSocket frame each)."""

    def answer() -> list:
        messages = server_messages(page, base)
        return messages if len(messages) > before + 1 and messages[-1]["sender"] != "user" else []

    answered = wait_until(answer, "the assistant's answer on the server", seconds=90, every=0.25)
    # Functions, not expressions: Playwright evaluates an expression with eval(), which the page's CSP refuses.
    page.wait_for_function(
        "(seqs) => seqs.every((seq) => document.querySelector(`.ow-log .ow-msg[data-seq='${seq}']`))",
        arg=[m["seq"] for m in answered if m["sender"] != "user"],
        timeout=90_000,
    )
    page.wait_for_function(
        "() => document.querySelector('.ow-typing') === null || document.querySelector('.ow-typing').hidden",
        timeout=90_000,
    )


@pytest.mark.parametrize("width, height", [(360, 740), (1280, 800)])
def test_greeting_to_bundle_to_handoff(stack, chromium, tmp_path, width, height):
    shots = screenshot_dir(tmp_path)
    page = chromium.new_page(viewport={"width": width, "height": height})
    page.goto(f"{stack['web']}/chat")
    page.wait_for_selector(".ow-reply")
    assert serious_violations(page) == []

    # Greeting -> life event by quick reply -> each question answered by its first option
    # (or "skip" typed where a question has no buttons) -> bundle.
    before = len(server_messages(page, stack["web"]))
    page.get_by_role("button", name="Having a baby").click()
    for _ in range(14):
        bot_turn_done(page, stack["web"], before)
        if page.locator(".ow-bundle").count():
            break
        before = len(server_messages(page, stack["web"]))
        replies = page.locator(".ow-reply:not([disabled])")
        if replies.count():
            replies.first.click()
        else:
            page.locator(".ow-input").fill("skip")
            page.keyboard.press("Enter")
    expect(page.locator(".ow-bundle").last).to_contain_text("Newborn Registration Service")
    page.screenshot(path=str(shots / f"chat-bundle-{width}.png"), full_page=True)
    assert serious_violations(page) == []
    page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth + 1")

    # Typed text, then "Talk to a person" -> consent -> queued.
    before = len(server_messages(page, stack["web"]))
    page.locator(".ow-human").click()
    bot_turn_done(page, stack["web"], before)
    page.get_by_role("button", name="Yes, connect me").click()
    page.wait_for_function("() => document.querySelector('.ow-owner').textContent.length > 0", timeout=60_000)
    page.wait_for_selector("text=case number is OW-", timeout=60_000)
    page.screenshot(path=str(shots / f"chat-handoff-{width}.png"), full_page=True)
    assert serious_violations(page) == []
    page.close()


def test_keyboard_only_and_reload_keeps_the_conversation(stack, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{stack['web']}/chat")
    page.wait_for_selector(".ow-reply")
    page.locator(".ow-input").focus()
    page.keyboard.type("we just moved to Ottawa from Calgary")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.ow-log .ow-msg--bot').length >= 2", timeout=90_000)
    expect(page.locator(".ow-input")).to_be_focused()
    seen = page.locator(".ow-log .ow-msg").count()
    page.reload()
    page.wait_for_function("(n) => document.querySelectorAll('.ow-log .ow-msg').length >= n", arg=seen, timeout=30_000)
    expect(page.locator(".ow-log")).to_contain_text("moved to Ottawa from Calgary")
    page.close()

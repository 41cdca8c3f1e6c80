"""The citizen chat in headless Chromium against the real stack: a whole
conversation from greeting to bundle and to handoff, axe-core with no serious
violations, screenshots at phone and desktop widths."""

import pytest
from playwright.sync_api import expect
from support import axe_violations, screenshot_dir

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


def serious_violations(page):
    return axe_violations(page, ["wcag2a", "wcag2aa", "wcag21aa"], impacts=("serious", "critical"))


def bot_turn_done(page, count):
    """Wait until the log holds more than `count` messages and the assistant is not typing."""
    # Functions, not expressions: Playwright evaluates an expression with eval(), which the page's CSP refuses.
    page.wait_for_function("(n) => document.querySelectorAll('.ow-log .ow-msg').length > n", arg=count, timeout=90_000)
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
    before = page.locator(".ow-log .ow-msg").count()
    page.get_by_role("button", name="Having a baby").click()
    for _ in range(14):
        bot_turn_done(page, before + 1)
        if page.locator(".ow-bundle").count():
            break
        before = page.locator(".ow-log .ow-msg").count()
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
    before = page.locator(".ow-log .ow-msg").count()
    page.locator(".ow-human").click()
    bot_turn_done(page, before)
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

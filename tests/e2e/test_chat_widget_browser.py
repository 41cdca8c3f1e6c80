"""The citizen chat in headless Chromium against the real stack: a whole
conversation from greeting to bundle and to handoff, axe-core with no serious
violations, screenshots at phone and desktop widths."""

from pathlib import Path

import pytest
from browser_support import launch_chromium, screenshot_dir

pytestmark = [pytest.mark.rasa, pytest.mark.browser]
AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run 'make browser'")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})")
    return [
        (v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def bot_turn_done(page, count):
    """Wait until the log holds more than `count` messages and the assistant is not typing."""
    page.wait_for_function(f"document.querySelectorAll('.ow-log .ow-msg').length > {count}", timeout=90_000)
    page.wait_for_function(
        "document.querySelector('.ow-typing') === null || document.querySelector('.ow-typing').hidden", timeout=90_000
    )


@pytest.mark.parametrize("width, height", [(360, 740), (1280, 800)])
def test_greeting_to_bundle_to_handoff(stack, tmp_path, width, height):
    shots = screenshot_dir(tmp_path)
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
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
        assert page.locator(".ow-bundle").count() >= 1
        assert "Newborn Registration Service" in page.locator(".ow-bundle").last.inner_text()
        page.screenshot(path=str(shots / f"chat-bundle-{width}.png"), full_page=True)
        assert serious_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        # Typed text, then "Talk to a person" -> consent -> queued.
        before = page.locator(".ow-log .ow-msg").count()
        page.locator(".ow-human").click()
        bot_turn_done(page, before)
        page.get_by_role("button", name="Yes, connect me").click()
        page.wait_for_function("document.querySelector('.ow-owner').textContent.length > 0", timeout=60_000)
        page.wait_for_selector("text=case number is OW-", timeout=60_000)
        page.screenshot(path=str(shots / f"chat-handoff-{width}.png"), full_page=True)
        assert serious_violations(page) == []


def test_keyboard_only_and_reload_keeps_the_conversation(stack):
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{stack['web']}/chat")
        page.wait_for_selector(".ow-reply")
        page.locator(".ow-input").focus()
        page.keyboard.type("we just moved to Ottawa from Calgary")
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('.ow-log .ow-msg--bot').length >= 2", timeout=90_000)
        assert page.evaluate("document.activeElement.classList.contains('ow-input')")
        seen = page.locator(".ow-log .ow-msg").count()
        page.reload()
        page.wait_for_function(f"document.querySelectorAll('.ow-log .ow-msg').length >= {seen}", timeout=30_000)
        assert "moved to Ottawa from Calgary" in page.locator(".ow-log").inner_text()

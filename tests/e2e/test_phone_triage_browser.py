"""Phone triage in headless Chromium against the real Rasa server: an agent
types what a caller says, gets the same recognition and bundle as the chat,
and saves the call as a case, with the mouse and with the keyboard alone.
The stack starts once per session, so both tests share it."""

import re

import pytest
from playwright.sync_api import expect
from support import screenshot_dir, sign_in, tab_until

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


def test_phone_triage_recognises_and_saves_a_case(stack, chromium, tmp_path):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, stack["web"], "agent2", next_url="/console/phone")
    page.goto(f"{stack['web']}/console/phone")
    page.locator("#call-text").fill("caller says her father passed away last night at home in Hamilton")
    page.get_by_role("button", name="Recognise").click()
    expect(page.locator("#results-heading")).to_be_visible(timeout=60_000)
    expect(page.locator("main")).to_contain_text("After a death")
    expect(page.locator("main")).to_contain_text("City of Hamilton")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "phone-triage-live.png"), full_page=True)
    page.get_by_role("button", name="Save as case").click()
    page.wait_for_url(re.compile(r"notice=phone_saved"), timeout=30_000)
    expect(page.locator("main")).to_contain_text("Phone case")
    page.close()


def test_phone_triage_by_keyboard_alone(stack, chromium, tmp_path):
    """The page opens with the caller's words focused; Tab reaches each button and Enter presses it."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, stack["web"], "agent1", next_url="/console/phone")
    page.goto(f"{stack['web']}/console/phone")
    expect(page.locator("#call-text")).to_be_focused()
    page.keyboard.type("I'm starting a bakery in Ottawa and I'll hire two people")
    tab_until(page, "el.textContent.trim() === 'Recognise'")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_be_visible(timeout=60_000)
    expect(page.locator("main")).to_contain_text("Starting a business")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "phone-triage-keyboard.png"), full_page=True)
    tab_until(page, "el.textContent.trim() === 'Save as case'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"notice=phone_saved"), timeout=30_000)
    expect(page.locator("main")).to_contain_text("Phone case")
    page.close()

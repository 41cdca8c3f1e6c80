"""Phone triage in headless Chromium against the real Rasa server: an agent
types what a caller says, gets the same recognition and bundle as the chat,
and saves the call as a case."""

import re

import pytest
from playwright.sync_api import expect
from support import screenshot_dir, sign_in

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

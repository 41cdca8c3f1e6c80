"""Phone triage in headless Chromium against the real Rasa server: an agent
types what a caller says, gets the same recognition and bundle as the chat,
and saves the call as a case."""

import re

import pytest
from browser_support import launch_chromium, screenshot_dir
from e2e_support import AGENT_PASSWORD

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


def test_phone_triage_recognises_and_saves_a_case(stack, tmp_path):
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{stack['web']}/signin")
        page.get_by_label("User name").fill("agent2")
        page.get_by_label("Password").fill(AGENT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{stack['web']}/console/phone")
        page.locator("#call-text").fill("caller says her father passed away last night at home in Hamilton")
        page.get_by_role("button", name="Recognise").click()
        page.wait_for_selector("#results-heading", timeout=60_000)
        main = page.inner_text("main")
        assert "After a death" in main and "City of Hamilton" in main
        page.screenshot(path=str(screenshot_dir(tmp_path) / "phone-triage-live.png"), full_page=True)
        page.get_by_role("button", name="Save as case").click()
        page.wait_for_url(re.compile(r"notice=phone_saved"), timeout=30_000)
        assert "Phone case" in page.inner_text("main")

"""The console in headless Chromium against the real web app under uvicorn,
driven by the keyboard: sign in, claim, add a service and send the list,
reply, see the person's answer arrive live, transfer, lose a claim race, close.
Screenshots (desktop and 200% zoom) go to the test's tmp_path, or to
ONEWINDOW_SCREENSHOTS when set. Every check after an action waits for the
state it checks (Playwright's expect retries until its timeout): none reads once."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from console_support import make_case
from playwright.sync_api import expect
from support import PASSWORD, axe_violations, requires_chromium, screenshot_dir, tab_until

from bot.cases.models import CaseRow
from onewindow_catalogue.database import session_scope

pytestmark = [pytest.mark.browser, requires_chromium]
DESKTOP = {"width": 1280, "height": 900}
ZOOM_200 = {"width": 640, "height": 450}  # a 1280x900 window at 200% zoom


def sign_in(page, base: str, username: str) -> None:
    """By keyboard: the user-name field has focus once the page is ready (autofocus)."""
    page.goto(f"{base}/signin?next=/console")
    expect(page.locator("#username")).to_be_focused()  # focus comes after load: wait for it
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/console")


def case_status(live, case_id):
    with session_scope(live.session_factory) as session:
        case = session.get(CaseRow, case_id)
        return case.status, case.queue, case.disposition


def shoot(page, tmp_path: Path, name: str) -> Path:
    path = screenshot_dir(tmp_path) / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def chat_messages(base: str, case) -> list:
    response = httpx.get(f"{base}/api/conversations/{case['conversation_id']}/messages", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def expect_no_horizontal_scroll(page) -> None:
    page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_console_refuses_a_stranger(chromium, live_app):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(live_app.url + "/console")
    expect(page).to_have_url(re.compile(r"/signin\?next=/console"))
    expect(page.locator("h1")).to_have_text("Sign in")
    response = page.request.get(live_app.url + "/api/console/queues")
    assert response.status == 401
    context.close()


def test_keyboard_claim_send_reply_transfer_race_and_close(chromium, live_app, tmp_path):
    base, factory = live_app.url, live_app.session_factory
    case = make_case(
        factory,
        queue="business",
        minutes_ago=3,
        facts={"business_structure": "corporation"},
        said="I'm opening a bakery as a corporation, what do I need?",
    )
    make_case(factory, queue="bereavement", events=("bereavement",), minutes_ago=12, said="My mother died.")
    make_case(factory, queue="family", events=("birth",), urgent=True, reason="urgent", said="I feel unsafe")
    make_case(
        factory, queue="newcomers", events=("new_to_ontario",), minutes_ago=8, reason="complex_case:refused_application"
    )

    one_context = chromium.new_context(viewport=DESKTOP)
    one = one_context.new_page()
    sign_in(one, base, "agent1")
    expect(one.locator("main")).to_contain_text(case["reference"])
    shoot(one, tmp_path, "queues-desktop")
    expect(one.locator("main")).to_contain_text("Over SLA")
    expect(one.locator("main")).to_contain_text("Urgent")

    # Claim by keyboard; focus lands in the reply box.
    tab_until(one, f"el.textContent.includes('Claim case {case['reference']}')")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(rf"/console/cases/{case['id']}\?notice=claimed"))
    expect(one.locator("#reply-text")).to_be_focused()
    expect(one.locator("#flash")).to_contain_text(f"You claimed case {case['reference']}")

    # Add a catalogue service by id, then send the list (Enter in the field = "Find and add").
    tab_until(one, "el.id === 'add-service'")
    one.keyboard.type("ca-cra-final-return")
    one.keyboard.press("Enter")
    expect(one.locator("#svc-ca-cra-final-return")).to_be_checked()
    expect(one.locator("#add-service")).to_be_focused()
    tab_until(one, "el.textContent.trim() === 'Send to citizen'")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(r"notice=bundle_sent"))
    messages = chat_messages(base, case)
    sent = [s["id"] for s in messages[-1]["bundle"]["services"]]
    assert "ca-cra-final-return" in sent and "ca-business-number" in sent

    # Reply with Ctrl+Enter; it reaches the person's chat.
    tab_until(one, "el.id === 'reply-text'")
    one.keyboard.type("Hello, I'm Agent One. I sent you the list.")
    one.keyboard.press("Control+Enter")
    one.wait_for_url(re.compile(r"notice=replied"))
    messages = chat_messages(base, case)
    assert messages[-1]["sender"] == "agent" and messages[-1]["text"] == "Hello, I'm Agent One. I sent you the list."

    # The person answers in the chat; the transcript shows it within a few seconds, without a reload.
    answer = httpx.post(
        f"{base}/api/conversations/{case['conversation_id']}/messages",
        json={"text": "Thanks! Do I need a <b>GST</b> number?"},
    )
    assert answer.status_code == 200
    expect(one.locator("#transcript")).to_contain_text("Do I need a <b>GST</b> number?")
    expect(one.locator("#transcript b")).to_have_count(0)  # shown as text, never markup
    shoot(one, tmp_path, "case-desktop")

    # 200% zoom: the same pages reflow without horizontal scrolling.
    zoom_context = chromium.new_context(
        viewport=ZOOM_200, device_scale_factor=2, storage_state=one_context.storage_state()
    )
    zoomed = zoom_context.new_page()
    for url, name in ((f"/console/cases/{case['id']}", "case-200"), ("/console", "queues-200")):
        zoomed.goto(base + url)
        expect_no_horizontal_scroll(zoomed)
        shoot(zoomed, tmp_path, name)
    zoomed.goto(f"{base}/console/reports")
    expect_no_horizontal_scroll(zoomed)
    shoot(zoomed, tmp_path, "reports-200")
    zoom_context.close()

    # Transfer by keyboard: queue by type-ahead, a note, Enter.
    tab_until(one, "el.id === 'transfer-queue'")
    one.keyboard.type("Family")
    expect(one.locator("#transfer-queue")).to_have_value("family")
    one.keyboard.press("Tab")
    one.keyboard.type("Asked about the baby's benefits too.")
    one.keyboard.press("Tab")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(r"/console\?notice=transferred"))
    expect(one.locator("#flash")).to_contain_text(f"Case {case['reference']} moved to the Family and births queue.")
    assert case_status(live_app, case["id"])[:2] == ("waiting", "family")  # written before the redirect

    # Agent Two loads the queue; Agent One claims first; Agent Two's claim is refused, clearly.
    two_context = chromium.new_context(viewport=DESKTOP)
    two = two_context.new_page()
    sign_in(two, base, "agent2")
    one.goto(f"{base}/console")
    tab_until(one, f"el.textContent.includes('Claim case {case['reference']}')")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(rf"/console/cases/{case['id']}"))
    tab_until(two, f"el.textContent.includes('Claim case {case['reference']}')")
    two.keyboard.press("Enter")
    two.wait_for_url(re.compile(r"error=claimed_elsewhere"))
    expect(two.locator("[role=alert]")).to_contain_text(
        f"Case {case['reference']} is no longer waiting: another agent claimed or closed it."
    )
    two_context.close()

    # Close by keyboard with a disposition and a private note.
    expect(one.locator("main")).to_contain_text("Note from Agent One (transfer)")
    tab_until(one, "el.id === 'close-disposition'")
    one.keyboard.type("Misdirected")
    expect(one.locator("#close-disposition")).to_have_value("misdirected_avoided")
    one.keyboard.press("Tab")
    one.keyboard.type("Would have called CRA first.")
    tab_until(one, "el.textContent.trim() === 'Close case'", limit=5)
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(r"/console\?notice=closed"))
    expect(one.locator("#flash")).to_contain_text(f"Case {case['reference']} closed: Misdirected contact avoided.")
    assert case_status(live_app, case["id"]) == ("closed", "family", "misdirected_avoided")

    one.goto(f"{base}/console/reports")
    expect(one.locator("main")).to_contain_text("Misdirected contacts avoided")
    shoot(one, tmp_path, "reports-desktop")
    one_context.close()


def test_console_pages_have_no_axe_violations(chromium, live_app):
    base = live_app.url
    case = make_case(live_app.session_factory, queue="general", events=())
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, base, "agent1")
    problems = []
    for url in ("/console", f"/console/cases/{case['id']}", "/console/phone", "/console/reports"):
        page.goto(base + url)
        page.wait_for_load_state("load")  # every script and style in place before axe looks
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
        problems += [f"{url}: {problem}" for problem in axe_violations(page, tags)]
    context.close()
    assert problems == []

"""The console in headless Chromium against the real web app under uvicorn,
driven by the keyboard: sign in, claim, add a service and send the list,
reply, see the person's answer arrive live, transfer, lose a claim race, close.
Screenshots (desktop and 200% zoom) go to ONEWINDOW_SCREENSHOTS (default
/tmp/onewindow-console-screens)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from bot.cases.models import CaseRow
from onewindow_catalogue.database import session_scope
from tests.console.conftest import AGENT_PASSWORD, make_case

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("ONEWINDOW_SCREENSHOTS", "/tmp/onewindow-console-screens"))
ROOT = Path(__file__).resolve().parents[2]
AXE = next(
    (
        path
        for path in (
            ROOT / ".cache/axe/node_modules/axe-core/axe.min.js",  # make browser
            Path("/tmp/widgetdev/node_modules/axe-core/axe.min.js"),
        )
        if path.exists()
    ),
    ROOT / ".cache/axe/node_modules/axe-core/axe.min.js",
)
DESKTOP = {"width": 1280, "height": 900}
ZOOM_200 = {"width": 640, "height": 450}  # a 1280x900 window at 200% zoom


def tab_until(page, check: str, limit: int = 120) -> None:
    """Press Tab until `check` (a JS expression over `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!(el && ({check})); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {check}")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/signin?next=/console")
    assert focused_id(page) == "username"  # autofocus: type straight away
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(AGENT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/console")


def case_status(live, case_id):
    with session_scope(live["session_factory"]) as session:
        case = session.get(CaseRow, case_id)
        return case.status, case.queue, case.disposition


def shoot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_console_refuses_a_stranger(chromium, live_app):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(live_app["url"] + "/console")
    assert "/signin?next=/console" in page.url
    assert page.locator("h1").inner_text() == "Sign in"
    response = page.request.get(live_app["url"] + "/api/console/queues")
    assert response.status == 401
    context.close()


def test_keyboard_claim_send_reply_transfer_race_and_close(chromium, live_app):
    base, factory = live_app["url"], live_app["session_factory"]
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
    assert case["reference"] in one.inner_text("main")
    shoot(one, "queues-desktop")
    assert "Over SLA" in one.inner_text("main") and "Urgent" in one.inner_text("main")

    # Claim by keyboard; focus lands in the reply box.
    tab_until(one, f"el.textContent.includes('Claim case {case['reference']}')")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(rf"/console/cases/{case['id']}\?notice=claimed"))
    one.wait_for_function("() => document.activeElement && document.activeElement.id === 'reply-text'")
    assert f"You claimed case {case['reference']}" in one.inner_text("#flash")

    # Add a catalogue service by id, then send the list (Enter in the field = "Find and add").
    tab_until(one, "el.id === 'add-service'")
    one.keyboard.type("ca-cra-final-return")
    one.keyboard.press("Enter")
    one.wait_for_load_state()
    one.wait_for_function("() => document.activeElement && document.activeElement.id === 'add-service'")
    assert one.is_checked("#svc-ca-cra-final-return")
    tab_until(one, "el.textContent.trim() === 'Send to citizen'")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(r"notice=bundle_sent"))
    messages = httpx.get(f"{base}/api/conversations/{case['conversation_id']}/messages").json()["messages"]
    sent = [s["id"] for s in messages[-1]["bundle"]["services"]]
    assert "ca-cra-final-return" in sent and "ca-business-number" in sent

    # Reply with Ctrl+Enter; it reaches the person's chat.
    tab_until(one, "el.id === 'reply-text'")
    one.keyboard.type("Hello, I'm Agent One. I sent you the list.")
    one.keyboard.press("Control+Enter")
    one.wait_for_url(re.compile(r"notice=replied"))
    messages = httpx.get(f"{base}/api/conversations/{case['conversation_id']}/messages").json()["messages"]
    assert messages[-1]["sender"] == "agent" and messages[-1]["text"] == "Hello, I'm Agent One. I sent you the list."

    # The person answers in the chat; the transcript shows it within a few seconds, without a reload.
    answer = httpx.post(
        f"{base}/api/conversations/{case['conversation_id']}/messages",
        json={"text": "Thanks! Do I need a <b>GST</b> number?"},
    )
    assert answer.status_code == 200
    one.wait_for_function(
        "() => document.getElementById('transcript').textContent.includes('Do I need a <b>GST</b> number?')",
        timeout=8000,
    )
    assert one.locator("#transcript b").count() == 0  # shown as text, never markup
    shoot(one, "case-desktop")

    # 200% zoom: the same pages reflow without horizontal scrolling.
    zoom_context = chromium.new_context(
        viewport=ZOOM_200, device_scale_factor=2, storage_state=one_context.storage_state()
    )
    zoomed = zoom_context.new_page()
    zoomed.goto(f"{base}/console/cases/{case['id']}")
    assert no_horizontal_scroll(zoomed)
    shoot(zoomed, "case-200")
    zoomed.goto(f"{base}/console")
    assert no_horizontal_scroll(zoomed)
    shoot(zoomed, "queues-200")
    zoomed.goto(f"{base}/console/reports")
    assert no_horizontal_scroll(zoomed)
    shoot(zoomed, "reports-200")
    zoom_context.close()

    # Transfer by keyboard: queue by type-ahead, a note, Enter.
    tab_until(one, "el.id === 'transfer-queue'")
    one.keyboard.type("Family")
    assert one.eval_on_selector("#transfer-queue", "el => el.value") == "family"
    one.keyboard.press("Tab")
    one.keyboard.type("Asked about the baby's benefits too.")
    one.keyboard.press("Tab")
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(r"/console\?notice=transferred"))
    assert f"Case {case['reference']} moved to the Family and births queue." in one.inner_text("#flash")
    assert case_status(live_app, case["id"])[:2] == ("waiting", "family")

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
    assert f"Case {case['reference']} is no longer waiting: another agent claimed or closed it." in two.inner_text(
        "[role=alert]"
    )
    two_context.close()

    # Close by keyboard with a disposition and a private note.
    assert "Note from Agent One (transfer)" in one.inner_text("main")
    tab_until(one, "el.id === 'close-disposition'")
    one.keyboard.type("Misdirected")
    assert one.eval_on_selector("#close-disposition", "el => el.value") == "misdirected_avoided"
    one.keyboard.press("Tab")
    one.keyboard.type("Would have called CRA first.")
    tab_until(one, "el.textContent.trim() === 'Close case'", limit=5)
    one.keyboard.press("Enter")
    one.wait_for_url(re.compile(r"/console\?notice=closed"))
    assert f"Case {case['reference']} closed: Misdirected contact avoided." in one.inner_text("#flash")
    assert case_status(live_app, case["id"]) == ("closed", "family", "misdirected_avoided")

    one.goto(f"{base}/console/reports")
    assert "Misdirected contacts avoided" in one.inner_text("main")
    shoot(one, "reports-desktop")
    one_context.close()


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core not found at {AXE} (make browser installs it)")
def test_console_pages_have_no_axe_violations(chromium, live_app):
    base = live_app["url"]
    case = make_case(live_app["session_factory"], queue="general", events=())
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, base, "agent1")
    problems = []
    for url in ("/console", f"/console/cases/{case['id']}", "/console/phone", "/console/reports"):
        page.goto(base + url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']})"
        )
        problems += [
            f"{url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
    context.close()
    assert problems == []


def test_phone_triage_in_the_browser(chromium, live_app):
    if not live_app["rasa"]:
        pytest.skip(
            "No Rasa server answering (ONEWINDOW_RASA_URL, default http://127.0.0.1:5005): "
            "phone triage needs recognition; the unit tests cover it with a stand-in parser"
        )
    base = live_app["url"]
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, base, "agent2")
    page.goto(base + "/console/phone")
    assert focused_id(page) == "call-text"
    page.keyboard.type("I'm starting a bakery in Ottawa and I'll hire two people")
    tab_until(page, "el.textContent.trim() === 'Recognise'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results-heading")
    assert "Starting a business" in page.inner_text("#results-heading + *, main")
    shoot(page, "phone-desktop")
    tab_until(page, "el.textContent.trim() === 'Save as case'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"notice=phone_saved"))
    assert "Phone case" in page.inner_text("main")
    context.close()

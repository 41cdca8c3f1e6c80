"""The citizen's plan in headless Chromium against the real stack: a
bereavement, a birth and a newcomer conversation followed to the plan. The
plan's order is checked against the catalogue's deadlines and dependencies,
no question the first message already answered is asked, the package and the
calendar file download, and the plan reopens from its link."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from plan_checks import check_plan_against_catalogue, parse_calendar
from playwright.sync_api import expect
from test_chat_widget_browser import bot_turn_done, server_messages

from bot.assistant.conversation import relevant
from bot.components.fact_matcher import default_matcher

pytestmark = [pytest.mark.rasa, pytest.mark.browser]

CONVERSATIONS = [
    (
        "bereavement",
        "My mother passed away yesterday in Ottawa. She was getting CPP and OAS.",
        {"deceased_received_benefits", "municipality", "death_date"},
        set(),
    ),
    (
        "birth",
        "We had our baby girl at the hospital in Toronto on Saturday",
        {"born_in_ontario", "municipality"},
        set(),
    ),
    (
        "new_to_ontario",
        "I was born and raised in Halifax and just moved to Ottawa for a job",
        {"arrived_from", "municipality"},
        {"ca-linc", "on-bridge-training", "on-credential-assessment"},
    ),
]


def type_message(page, text: str) -> None:
    page.locator(".ow-input").fill(text)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("event, first, settles, ruled_out", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversation_to_plan_package_calendar_and_link(
    stack, chromium, seed_snapshot, event, first, settles, ruled_out
):
    base = stack["web"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{base}/chat")
    page.wait_for_selector(".ow-reply")
    before = len(server_messages(page, base))
    type_message(page, first)

    # Answer every question with its first quick reply (or "skip"), then show the plan.
    for turn in range(16):
        bot_turn_done(page, base, before)
        if page.locator(".ow-bundle").count():
            break
        before = len(server_messages(page, base))
        show = page.locator(".ow-reply:not([disabled])", has_text="Show my list now")
        replies = page.locator(".ow-reply:not([disabled])")
        if turn >= 12 and show.count():
            show.last.click()
        elif replies.count():
            replies.first.click()
        else:
            type_message(page, "skip")
    bundle_node = page.locator(".ow-bundle").last
    expect(bundle_node).to_be_visible()

    messages = server_messages(page, base)
    bundle = next(m["bundle"] for m in reversed(messages) if m.get("bundle"))
    assert event in [e["id"] for e in bundle["events"]]

    # Say it once: no question whose fact the first message settled was asked.
    said = {m.fact for m in default_matcher().extract(first) if relevant(seed_snapshot, m.fact, [event])}
    assert settles <= said, f"the first message should settle {sorted(settles - said)}"
    questions = seed_snapshot.questions("en")
    bot_text = "\n".join(m["text"] or "" for m in messages if m["sender"] == "bot")
    asked_again = [fact for fact in said if fact in questions and questions[fact]["text"] in bot_text]
    assert asked_again == [], f"asked again: {asked_again}"
    assert not ruled_out & {s["id"] for s in bundle["services"]}

    # The plan: phases as the outline, in the order the catalogue's deadlines and dependencies give.
    check_plan_against_catalogue(seed_snapshot, bundle, dt.date.today())
    top = [s["id"] for s in bundle["plan"]["steps"] if not s["covered_by"]]
    shown = bundle_node.locator("ol.ow-plan > li.ow-service").evaluate_all(
        "(items) => items.map((li) => li.dataset.service)"
    )
    assert shown == top
    headings = bundle_node.locator("h4.ow-phase").all_text_contents()
    assert headings == [p["title"] for p in bundle["plan"]["phases"]]
    assert "Federal — Government of Canada" not in bundle_node.inner_text()

    # Tell us once: the package (one page per office) and the calendar file.
    package_href = bundle_node.locator(".ow-keep__links a").first.get_attribute("href")
    package = httpx.get(package_href if package_href.startswith("http") else base + package_href, timeout=30)
    assert package.status_code == 200 and package.text.count('class="office"') >= 1
    with page.expect_download() as download:
        bundle_node.locator(".ow-keep__ics").click()
    calendar = open(download.value.path(), encoding="utf-8", newline="").read()
    events = parse_calendar(calendar)
    dated = [s for s in bundle["services"] if (s.get("deadline") or {}).get("date")]
    assert len(events) == len(dated)

    # Come back later: keep a link, reopen it, tick the first step off, see what is due next.
    bundle_node.locator(".ow-keep__link").click()
    link = bundle_node.locator(".ow-keep__status a")
    expect(link).to_be_visible()
    url = link.get_attribute("href")
    assert url and "/plan/" in url
    page.goto(url)
    expect(page.locator("#due-next")).to_be_visible()
    first_next = page.locator("#due-next li").first.get_attribute("data-service")
    assert first_next == top[0]
    page.locator(f"#step-{first_next} .tick-button").click()
    expect(page.locator(f"#step-{first_next}")).to_have_class("service step-done")
    expect(page.locator(f"#due-next li[data-service='{first_next}']")).to_have_count(0)
    page.close()

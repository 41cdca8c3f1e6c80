"""The French case page in headless Chromium (the real app under uvicorn): an agent who serves in French
switches the console to French, opens a French citizen's case, claims it and sends a reply; the page
says `<html lang="fr">`, shows the "Français" badge and what the person wrote, holds no English console
text (test_console_french.english_found on what the browser shows) and passes axe. A screenshot goes to
the test's tmp_path (or ONEWINDOW_SCREENSHOTS)."""

from __future__ import annotations

import re

import pytest
from console_support import make_case
from playwright.sync_api import expect
from support import axe_violations, requires_chromium
from test_console_browser import DESKTOP, shoot, sign_in
from test_console_french import english_found

from bot.cases import directory
from bot.cases import service as cases
from bot.conversations import service as conversations
from bot.users import service as users
from onewindow_catalogue.database import session_scope

pytestmark = [pytest.mark.browser, requires_chromium]


def french_case(factory):
    case = make_case(
        factory,
        queue="french",
        events=("new_business",),
        said="Bonjour, j'ouvre un resto a Sudbury, c'est quoi les permis?",
        consent={"given": True, "wording": "Un agent peut-il lire cette conversation?"},
        minutes_ago=4,
    )
    with session_scope(factory) as session:
        row = cases.get_or_raise(db_session=session, case_id=case["id"])
        row.summary = {**row.summary, "lang": "fr"}
        conversations.get(db_session=session, conversation_id=case["conversation_id"]).lang = "fr"
        users.set_languages(db_session=session, username="agent2", languages=["fr"])
    return case


def test_the_french_case_page_in_the_browser(chromium, live_app, tmp_path):
    assert not (directory._data().get("agent_languages") or {}), "queues.yml must not list agent2: the account does"
    base = live_app.url
    case = french_case(live_app.session_factory)
    context = chromium.new_context(viewport=DESKTOP, locale="en-CA")
    page = context.new_page()
    sign_in(page, base, "agent2")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Français").click()  # the switch, remembered for the next pages
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Files d'attente")

    page.locator(f"a[href='/console/cases/{case['id']}']").first.click()
    expect(page.locator("h1")).to_contain_text(f"Dossier {case['reference']}")
    expect(page.locator("h1 .tag-lang")).to_have_text("Français")
    expect(page.locator("q.citizen-said")).to_have_text("Bonjour, j'ouvre un resto a Sudbury, c'est quoi les permis?")
    page.get_by_role("button", name=f"Prendre en charge le dossier {case['reference']}").click()
    page.wait_for_url(re.compile(r"notice=claimed"))
    expect(page.locator("#flash")).to_contain_text(f"Vous avez pris en charge le dossier {case['reference']}")
    expect(page.locator("#reply-text")).to_be_focused()
    page.keyboard.type("Bonjour! Je vous envoie la liste des permis.")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"notice=replied"))
    expect(page.locator("#transcript")).to_contain_text("Je vous envoie la liste des permis.")
    expect(page.locator("#chat-owner")).to_have_text("La conversation est avec un agent.")
    page.wait_for_load_state("load")

    assert english_found(page.content()) == []
    problems = axe_violations(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    assert problems == []
    shoot(page, tmp_path, "case-fr-desktop")
    context.close()

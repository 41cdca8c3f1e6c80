"""A whole conversation in French in headless Chromium against the real stack: the
first message, the questions, the checklist and a handoff, and no English on the page
except proper names.

"No English" is checked two ways on the text a person sees (text declared English with
lang="en", like the "English" item of the language menu or catalogue text marked
"(disponible en anglais seulement)", is allowed: it is marked, not hidden):
- no fragment of three words or more of any English text the project can show (the
  widget's catalogue, the assistant's and the router's messages, domain responses);
- no English-only word from a list of everyday English words (none of them French).

Needs the trained model (models/onewindow.tar.gz) with the French training data and
domain.yml's French response variations trained in."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import expect
from support import wait_until

pytestmark = [pytest.mark.rasa, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]

FIRST_MESSAGE = "Bonjour, ma femme a accouché hier à l'hôpital d'Ottawa et on se demande quoi faire pour les papiers"
# Everyday English words that are not French words too ("a", "on", "son", "an", "message", "conversation",
# "type", "minutes", "queue", "case", "chat" are French as well, so they are left out).
ENGLISH_WORDS = frozenset(
    """
    the and you your yours with for this that these those what how please yes will would have has had are was
    were my our their to of is it its can could need get from about be been here if or but who when why which
    some any because don't i'm i've i'll we they he she his her at by not just want there should must do does
    did okay thanks thank hello welcome checklist deadline apply applies person talk start send skip list
    birth baby death business moving something else connect connecting agent's wait waiting
    number online phone through may might
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def _texts(node):
    if isinstance(node, dict):
        if isinstance(node.get("en"), str):
            yield node["en"]
        else:
            for value in node.values():
                yield from _texts(value)


def english_fragments() -> set:
    """Runs of 3+ words from every English text the project can show (placeholders cut out)."""
    widget = json.loads((ROOT / "bot/web/static/i18n/en.json").read_text(encoding="utf-8"))
    texts = [text for key, text in widget.items() if not key.startswith("_")]
    for path in ("bot/assistant/messages.yml", "bot/conversations/messages.yml"):
        texts += list(_texts(yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))))
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for variations in domain["responses"].values():
        for variation in variations:
            if not variation.get("condition"):
                texts.append(variation["text"])
                texts += [b["title"] for b in variation.get("buttons", [])]
    fragments = set()
    for text in texts:
        for literal, *_ in string.Formatter().parse(text):
            for sentence in re.split(r"[.:;!?()\"«»—]", literal or ""):
                words = sentence.strip(" ,-").split()
                if len(words) >= 3:
                    fragments.add(" ".join(words).lower())
    return fragments


def visible_french_text(page) -> str:
    """The visible text of the page, less what is declared English (lang="en")."""
    return page.evaluate(
        """() => {
            const parts = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const el = node.parentElement;
                if (!el || el.closest('script,style,noscript,[hidden],[aria-hidden="true"]')) continue;
                if ((el.closest('[lang]') || document.documentElement).getAttribute('lang').startsWith('en')) continue;
                if (el.closest('option') && !el.closest('option').selected) continue;
                if (!el.getClientRects().length && !el.closest('.ow-vh')) continue;
                parts.push(node.textContent);
            }
            return parts.join(' ');
        }"""
    )


def english_found(text: str) -> list:
    text = URL.sub(" ", text)
    lowered = " ".join(text.replace("\u2019", "'").split()).lower()
    found = sorted(f for f in english_fragments() if f in lowered)
    for match in WORD.finditer(lowered):  # each English word with its context, to tell where it came from
        if match.group(0) in ENGLISH_WORDS:
            found.append(f"{match.group(0)}: ...{lowered[max(0, match.start() - 60) : match.end() + 40]}...")
    return found


def server_messages(base: str, conversation: str) -> list:
    response = httpx.get(f"{base}/api/conversations/{conversation}/messages", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def conversation_id(page) -> str:
    return wait_until(
        lambda: page.evaluate(
            "() => Object.keys(sessionStorage).filter((k) => k.startsWith('onewindow.chat:'))"
            ".map((k) => JSON.parse(sessionStorage.getItem(k)).id).find(Boolean)"
        ),
        "the widget to start a conversation",
    )


def turn_done(page, base: str, before: int) -> list:
    """Wait for the server's whole answer to the turn and for the widget to show it."""
    conversation = conversation_id(page)

    def answer() -> list:
        messages = server_messages(base, conversation)
        return messages if len(messages) > before + 1 and messages[-1]["sender"] != "user" else []

    answered = wait_until(answer, "the assistant's answer on the server", seconds=90, every=0.25)
    page.wait_for_function(
        "(seqs) => seqs.every((seq) => document.querySelector(`.ow-log .ow-msg[data-seq='${seq}']`))",
        arg=[m["seq"] for m in answered if m["sender"] != "user"],
        timeout=90_000,
    )
    return answered


def test_a_whole_conversation_in_french(stack, chromium):
    base = stack["web"]
    page = chromium.new_page(viewport={"width": 1280, "height": 800}, locale="fr-CA")
    page.goto(f"{base}/chat?lang=fr")
    page.wait_for_selector(".ow-reply")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert english_found(visible_french_text(page)) == []

    # The first message, in French: a birth.
    page.locator(".ow-input").fill(FIRST_MESSAGE)
    page.keyboard.press("Enter")
    messages = turn_done(page, base, 0)
    said = " ".join(m["text"] for m in messages if m["sender"] == "bot")
    assert "bébé" in said.lower(), f"the birth was not recognised in French: {said!r}"

    # Each question answered by its first quick reply (all French) until the checklist.
    for _ in range(14):
        if page.locator(".ow-bundle").count():
            break
        before = len(server_messages(base, conversation_id(page)))
        page.locator(".ow-reply:not([disabled])").first.click()
        turn_done(page, base, before)
    bundle = page.locator(".ow-bundle").last
    expect(bundle).to_contain_text("Votre liste")
    expect(bundle).to_contain_text("Service d'enregistrement des nouveau-nés")
    assert english_found(visible_french_text(page)) == []

    # "Parler à une personne" -> consent in French -> queued, with the case number.
    before = len(server_messages(base, conversation_id(page)))
    page.locator(".ow-human").click()
    turn_done(page, base, before)
    page.get_by_role("button", name="Oui, mettez-moi en contact").click()
    page.wait_for_selector("text=numéro de dossier est OW-", timeout=60_000)
    expect(page.locator(".ow-owner")).to_have_text("En attente d'un agent")

    # The printable page of the checklist, in French too.
    printable = chromium.new_page(locale="fr-CA")  # a page of its own: new_page() pages own their context
    printable.goto(f"{base}/conversations/{conversation_id(page)}/bundle")
    expect(printable.locator("h1")).to_have_text("Vos services")
    assert english_found(visible_french_text(printable)) == []
    printable.close()

    assert english_found(visible_french_text(page)) == []
    page.close()


def test_the_word_check_finds_english():
    """The check itself: English the project can say, and English words, are found; proper names are not."""
    assert "in the order to do them" in english_fragments()  # a literal run of a template with placeholders
    assert english_found("Votre liste. Here is your checklist for having a baby") != []
    assert english_found("Parler à une personne, Please answer yes or no") != []
    assert english_found("Service d'enregistrement des nouveau-nés, Service Canada, ServiceOntario") == []
    assert english_found("En ligne : https://www.ontario.ca/page/register-your-business") == []


def test_the_menu_switches_the_page_and_the_conversation(stack, chromium):
    base = stack["web"]
    page = chromium.new_page(viewport={"width": 1280, "height": 800}, locale="en-CA")
    page.goto(f"{base}/chat?lang=en")
    page.wait_for_selector(".ow-reply")
    page.locator(".ow-lang select").select_option("fr")
    page.wait_for_selector("text=Je continue en français.")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".ow-send")).to_have_text("Envoyer")
    conversation = conversation_id(page)
    assert httpx.get(f"{base}/api/conversations/{conversation}/messages", timeout=30).json()["lang"] == "fr"
    page.reload()  # the choice is kept with the conversation
    page.wait_for_selector("text=Je continue en français.")
    expect(page.locator(".ow-send")).to_have_text("Envoyer")
    page.close()


def test_a_page_that_did_not_choose_follows_the_first_french_message(stack, chromium):
    base = stack["web"]
    page = chromium.new_page(viewport={"width": 1280, "height": 800}, locale="en-CA")
    page.goto(f"{base}/chat")
    page.wait_for_selector(".ow-reply")
    expect(page.locator(".ow-send")).to_have_text("Send")
    page.locator(".ow-input").fill(FIRST_MESSAGE)
    page.keyboard.press("Enter")
    turn_done(page, base, 0)
    expect(page.locator(".ow-send")).to_have_text("Envoyer")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.close()

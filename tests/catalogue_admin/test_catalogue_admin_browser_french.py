"""A service owner in headless Debian Chromium switches the administration to
French, edits an entry's French summary beside the English one and publishes:
the page says it in French, holds no English text of admin.en.yml, and the
citizens' French bundle gives the new summary."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support import get_json, requires_chromium, screenshot_dir, sign_in, web_app
from test_catalogue_admin_french import FRENCH_SUMMARY, english_left

pytestmark = [pytest.mark.browser, requires_chromium]
CRA_SERVICE = "ca-business-number"
PEOPLE = [("olu", "Olu", "owner", ["canada-revenue-agency"])]
BUNDLE = "events=new_business&business_structure=corporation&has_employees=true&lang=fr"


def test_owner_edits_the_french_text_in_french(chromium, tmp_path):
    shots = screenshot_dir(tmp_path)
    with web_app(tmp_path / "web", PEOPLE) as app:
        page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="en-CA")
        sign_in(page, app.url, "olu")
        expect(page).to_have_url(re.compile(r"/admin/catalogue$"))
        page.get_by_role("link", name=re.compile("Français")).click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue des services")

        page.goto(f"{app.url}/admin/catalogue/services/{CRA_SERVICE}")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        english, french = page.get_by_label("Résumé (anglais)"), page.get_by_label("Résumé (français)")
        expect(english).to_be_visible()
        english_box, french_box = english.bounding_box(), french.bounding_box()
        overlap = min(english_box["y"] + english_box["height"], french_box["y"] + french_box["height"]) - max(
            english_box["y"], french_box["y"]
        )
        assert overlap > 0 and english_box["x"] + english_box["width"] <= french_box["x"], "side by side"
        assert not english_left(page.content()), english_left(page.content())
        page.screenshot(path=str(shots / "catalogue-admin-edit-fr.png"))

        french.fill(FRENCH_SUMMARY)
        page.get_by_label("Ce que vous avez modifié et pourquoi").fill("Résumé français")
        page.get_by_role("button", name="Publier").click()
        expect(page.get_by_role("status")).to_contain_text("Publiée. Les trousses donnent désormais")
        expect(page.get_by_label("Résumé (français)")).to_have_value(FRENCH_SUMMARY)
        page.screenshot(path=str(shots / "catalogue-admin-published-fr.png"))
        services = get_json(f"{app.url}/api/bundles?{BUNDLE}")["services"]
        assert next(s["summary"] for s in services if s["id"] == CRA_SERVICE) == FRENCH_SUMMARY

"""A service owner in a real browser (headless Debian Chromium) against the
real app served by uvicorn: sign in, edit a summary, publish, see the public
API change; another organisation's entry is refused; a script in a
description stays text; the edit form works by keyboard and at 200% zoom."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support import get_json, requires_chromium, screenshot_dir, sign_in, web_app

pytestmark = [pytest.mark.browser, requires_chromium]
CRA_SERVICE = "ca-business-number"
SC_SERVICE = "ca-ei-self-employed"
PEOPLE = [("olu", "Olu", "owner", ["canada-revenue-agency"]), ("sam", "Sam", "owner", ["service-canada"])]
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def public_summary(base_url: str, service_id: str) -> str:
    bundle = get_json(f"{base_url}/api/bundles?events=new_business&business_structure=corporation&has_employees=true")
    return next(s["summary"] for s in bundle["services"] if s["id"] == service_id)


def test_owner_edits_and_publishes_in_a_browser(chromium, tmp_path):
    shots = screenshot_dir(tmp_path)
    with web_app(tmp_path / "web", PEOPLE) as app:
        base_url = app.url
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, base_url, "olu")
        expect(page).to_have_url(re.compile(r"/admin/catalogue$"))
        page.screenshot(path=str(shots / "catalogue-admin-list.png"))
        page.get_by_role("link", name="Business Number (BN) registration").click()
        expect(page).to_have_url(re.compile(rf"/admin/catalogue/services/{CRA_SERVICE}$"))

        summary = page.get_by_label("Summary (English)")
        summary.fill("A 9-digit number that identifies your business to the CRA (edited in a browser).")
        page.get_by_label("What you changed and why").fill("Simpler wording")
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status")).to_contain_text("Published. Bundles give the new version")
        page.screenshot(path=str(shots / "catalogue-admin-published.png"), full_page=False)
        assert public_summary(base_url, CRA_SERVICE).endswith("(edited in a browser).")

        # a field error is shown beside the field and announced with it
        page.get_by_label("Official page", exact=True).fill("not a url")
        page.get_by_role("button", name="Publish").click()
        expect(page.locator("#f-url-error")).to_contain_text("malformed URL")
        expect(page.get_by_label("Official page", exact=True)).to_have_attribute(
            "aria-describedby", re.compile(r"\bf-url-error\b")
        )
        page.locator("#f-url").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "catalogue-admin-error.png"))

        # a script in a description stays text
        page.goto(f"{base_url}/admin/catalogue/services/{CRA_SERVICE}")
        page.get_by_label("Summary (English)").fill(XSS)
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status")).to_contain_text("Published.")
        page.goto(f"{base_url}/admin/catalogue/services/{CRA_SERVICE}/history")
        expect(page.locator("table.diff")).to_contain_text(XSS)
        assert dialogs == [] and page.locator("table.diff img").count() == 0
        page.screenshot(path=str(shots / "catalogue-admin-history.png"), full_page=True)
        assert public_summary(base_url, CRA_SERVICE) == XSS

        # another organisation's entry is refused
        response = page.goto(f"{base_url}/admin/catalogue/services/{SC_SERVICE}")
        assert response.status == 403
        expect(page.get_by_role("alert")).to_contain_text("Service Canada (service-canada)")
        page.screenshot(path=str(shots / "catalogue-admin-refused.png"))


def test_the_edit_form_by_keyboard_and_at_200_percent_zoom(chromium, tmp_path):
    shots = screenshot_dir(tmp_path)
    with web_app(tmp_path / "web", PEOPLE) as app:
        base_url = app.url
        page = chromium.new_page(viewport={"width": 640, "height": 800})  # 1280 px wide at 200% zoom
        sign_in(page, base_url, "olu")
        page.goto(f"{base_url}/admin/catalogue/services/{CRA_SERVICE}")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, "no sideways scrolling at 200% zoom"
        page.screenshot(path=str(shots / "catalogue-admin-zoom.png"), full_page=False)
        # every form control has a label
        controls = "form.service-form input:not([type=hidden]), form.service-form select, form.service-form textarea"
        unlabelled = page.evaluate(
            "(s) => [...document.querySelectorAll(s)].filter(e => !e.labels || !e.labels.length).map(e => e.name)",
            controls,
        )
        assert unlabelled == []
        # reach the summary by keyboard, type, and publish with Enter on the button
        page.get_by_label("Summary (English)").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("Typed with the keyboard only.")
        page.get_by_role("button", name="Publish").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert public_summary(base_url, CRA_SERVICE) == "Typed with the keyboard only."

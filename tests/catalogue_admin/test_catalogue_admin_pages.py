"""The service owners' pages through the real app, as a browser uses them:
sign in, open the edit form, change a field, save or publish; errors beside
their fields; refusals, conflicts, history, roll back, audit log, reports."""

from __future__ import annotations

import csv
import io
import re

from admin_support import CRA_SERVICE, SC_SERVICE, bundle_service, form_fields, set_field, without

from bot.audit import service as audit
from onewindow_catalogue.database import session_scope

EDIT = f"/admin/catalogue/services/{CRA_SERVICE}"
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def edit_form(browser, url=EDIT):
    page = browser.get(url)
    assert page.status_code == 200, page.text
    return form_fields(page.text, url)


def test_owner_edits_and_publishes_through_the_form(browser, public, api):
    olu = browser("olu")
    listing = olu.get("/admin/catalogue")
    assert listing.status_code == 200 and CRA_SERVICE in listing.text and SC_SERVICE not in listing.text
    fields = set_field(edit_form(olu), "summary.en", "Published from the form.")
    response = olu.post(EDIT, fields + [("do", "publish")])
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{EDIT}?done=published&v=2"
    assert "Published. Bundles give the new version" in olu.get(response.headers["location"]).text
    assert bundle_service(public, CRA_SERVICE)["summary"] == "Published from the form."
    assert api("olu").service(CRA_SERVICE)["version"] == 2


def test_an_unchanged_form_changes_nothing(browser, api):
    olu = browser("olu")
    before = api("olu").service(CRA_SERVICE)["data"]
    assert olu.post(EDIT, edit_form(olu) + [("do", "save")]).status_code == 303
    draft = api("olu").service(CRA_SERVICE)["open_drafts"][0]
    page = olu.get(f"/admin/catalogue/drafts/{draft['draft_id']}").text
    assert "No differences." in page
    assert api("olu").get(f"/api/admin/drafts/{draft['draft_id']}").json()["data"] == before


def test_every_field_round_trips_through_the_form(browser, api, admin_app):
    """Services with deadlines, fees, municipalities, French text and channel notes survive the form unchanged."""
    root = browser("root")
    client = api("root")
    for service in client.get("/api/admin/services").json()[::7]:
        url = f"/admin/catalogue/services/{service['id']}"
        assert root.post(url, edit_form(root, url) + [("do", "save")]).status_code == 303, service["id"]
        draft = client.service(service["id"])["open_drafts"][0]
        assert client.get(f"/api/admin/drafts/{draft['draft_id']}").json()["changes"] == [], service["id"]


def test_errors_are_shown_beside_their_fields(browser, api):
    olu = browser("olu")
    fields = set_field(edit_form(olu), "url", "not a url")
    fields = set_field(fields, "applies_when.condition", "{fact: no_such_fact, eq: true}")
    fields = set_field(fields, "channels.0.phone", "call us")
    response = olu.post(EDIT, fields + [("do", "publish")])
    assert response.status_code == 422
    page = response.text
    assert 'id="f-url-error"' in page and "malformed URL" in page
    assert re.search(
        r'<input id="f-url" name="url" type="url" value="not a url" aria-describedby="[^"]*f-url-error"'
        r' aria-invalid="true"',
        page,
    )
    assert 'id="f-channels-0-phone-error"' in page and "malformed phone number" in page
    assert 'href="#f-url"' in page, "the summary at the top links to each field"
    # as on import, checks across the catalogue (facts in conditions, relations) follow once each field is valid
    fields = set_field(set_field(fields, "url", "https://www.canada.ca/bn"), "channels.0.phone", "")
    page = olu.post(EDIT, fields + [("do", "publish")]).text
    assert 'id="f-applies_when-condition-error"' in page and "no_such_fact" in page
    assert api("olu").service(CRA_SERVICE)["version"] == 1 and api("olu").service(CRA_SERVICE)["open_drafts"] == []


def test_bad_yaml_is_reported_beside_the_condition(browser):
    olu = browser("olu")
    fields = set_field(edit_form(olu), "applies_when.condition", "any: [unclosed")
    fields = set_field(fields, "name.en", "")
    page = olu.post(EDIT, fields + [("do", "save")]).text
    assert 'id="f-applies_when-condition-error"' in page and "not valid YAML or JSON" in page
    assert 'id="f-name-en-error"' in page and "English text" in page, "other problems are shown at the same time"
    assert "any: [unclosed" in page, "what was typed is kept"


def test_another_organisations_entry_is_refused(browser, api, public):
    olu = browser("olu")
    other = f"/admin/catalogue/services/{SC_SERVICE}"
    page = olu.get(other)
    assert page.status_code == 403 and "Service Canada (service-canada)" in page.text
    sam = browser("sam")
    fields = set_field(edit_form(sam, other), "summary.en", "Hijacked")
    refused = olu.post(other, fields + [("do", "publish")])
    assert refused.status_code == 403 and "Service Canada (service-canada)" in refused.text
    assert bundle_service(public, SC_SERVICE)["summary"] != "Hijacked"
    assert browser("ana").get("/admin/catalogue").status_code == 403
    entries = api("root").get("/api/admin/audit", params={"action": "access.denied"}).json()["entries"]
    assert entries[0]["actor"] == "olu" and entries[0]["organisation"] == "service-canada"


def test_a_conflict_shows_what_changed_and_keeps_both_changes(browser, api):
    olu, oma = browser("olu"), browser("oma")
    olu_form, oma_form = edit_form(olu), edit_form(oma)  # both open version 1
    assert olu.post(EDIT, set_field(olu_form, "summary.en", "Olu was first.") + [("do", "publish")]).status_code == 303
    response = oma.post(EDIT, set_field(oma_form, "notes.en", "Oma's note.") + [("do", "publish")])
    assert response.status_code == 409
    page = response.text
    assert "Someone else published a change while you were editing" in page
    assert "<code>summary.en</code>" in page and "Olu was first." in page
    merged = form_fields(page, EDIT)
    assert ("summary.en", "Olu was first.") in merged and ("notes.en", "Oma's note.") in merged
    assert ("base_version", "2") in merged
    assert api("olu").service(CRA_SERVICE)["data"]["summary"]["en"] == "Olu was first.", "nothing overwritten"
    assert oma.post(EDIT, merged + [("do", "publish")]).status_code == 303
    final = api("olu").service(CRA_SERVICE)
    assert final["version"] == 3 and final["data"]["notes"]["en"] == "Oma's note."
    assert final["data"]["summary"]["en"] == "Olu was first."


def test_history_diff_and_rollback_pages(browser, api, public):
    olu = browser("olu")
    original = api("olu").service(CRA_SERVICE)["data"]["summary"]["en"]
    olu.post(EDIT, set_field(edit_form(olu), "summary.en", "Version two.") + [("do", "publish")])
    history = olu.get(f"{EDIT}/history")
    assert history.status_code == 200
    assert "Changes from version 1 to version 2" in history.text and "Version two." in history.text
    rollback = form_fields(history.text, f"{EDIT}/rollback")
    assert ("to_version", "1") in rollback and ("base_version", "2") in rollback
    response = olu.post(f"{EDIT}/rollback", rollback)
    assert response.status_code == 303 and "done=rolled_back&v=3" in response.headers["location"]
    assert bundle_service(public, CRA_SERVICE)["summary"] == original
    compare = olu.get(f"{EDIT}/history", params={"from": 2, "to": 3}).text
    assert "Changes from version 2 to version 3" in compare


def test_retire_from_the_edit_page(browser, public):
    sam = browser("sam")
    url = f"/admin/catalogue/services/{SC_SERVICE}"
    response = sam.post(f"{url}/retire", form_fields(sam.get(url).text, f"{url}/retire"))
    assert response.status_code == 303 and "done=retired" in response.headers["location"]
    assert bundle_service(public, SC_SERVICE) is None
    assert "Restore it from its" in sam.get(url).text


def test_create_a_service_with_the_form(browser, public):
    olu = browser("olu")
    fields = edit_form(olu, "/admin/catalogue/new")
    for name, value in [
        ("id", "ca-cra-represent-a-client"),
        ("name.en", "Represent a Client"),
        ("summary.en", "Lets an accountant act for the business."),
        ("level", "federal"),
        ("applies_when.text.en", "When someone else handles your taxes."),
        ("channels.0.type", "online"),
        ("life_events", "new_business"),
    ]:
        fields = set_field(fields, name, value)
    response = olu.post("/admin/catalogue/new", fields + [("do", "publish")])
    assert response.status_code == 303, response.text
    assert public.get("/api/services/ca-cra-represent-a-client").json()["organisation"]["id"] == "canada-revenue-agency"
    fields = set_field(without(fields, "life_events"), "organisation", "service-canada")
    assert olu.post("/admin/catalogue/new", fields + [("do", "publish")]).status_code == 403


def test_a_description_is_escaped_on_every_page(browser):
    olu = browser("olu")
    assert olu.post(EDIT, set_field(edit_form(olu), "summary.en", XSS) + [("do", "publish")]).status_code == 303
    for url in (EDIT, f"{EDIT}/history?from=1&to=2"):
        page = olu.get(url).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    review = olu.post(EDIT, set_field(edit_form(olu), "notes.en", XSS) + [("do", "save")])
    draft_page = olu.get(f"/admin/catalogue/drafts/{_draft_id(olu)}").text if review.status_code == 303 else ""
    assert "<script>alert(1)" not in draft_page and "&lt;script&gt;" in draft_page


def _draft_id(browser) -> str:
    return re.search(r"/admin/catalogue/drafts/(\d+)", browser.get("/admin/catalogue").text).group(1)


def test_review_then_approve_through_pages(browser, admin_app, public):
    admin_app.state.settings.require_review = True
    olu, oma = browser("olu"), browser("oma")
    response = olu.post(EDIT, set_field(edit_form(olu), "summary.en", "Needs a second look.") + [("do", "publish")])
    assert response.status_code == 303 and "done=submitted" in response.headers["location"]
    draft_id = _draft_id(olu)
    assert "Approve and publish" not in olu.get(f"/admin/catalogue/drafts/{draft_id}").text
    listing = oma.get("/admin/catalogue").text
    assert "Waiting for your review" in listing
    approve = oma.post(f"/admin/catalogue/drafts/{draft_id}/approve", {"review_note": "ok"})
    assert approve.status_code == 303 and "done=approved" in approve.headers["location"]
    assert bundle_service(public, CRA_SERVICE)["summary"] == "Needs a second look."


def test_audit_page_filters_and_exports(browser, api):
    olu = browser("olu")
    olu.post(EDIT, set_field(edit_form(olu), "summary.en", "Audited.") + [("do", "publish")])
    olu.get(f"/admin/catalogue/services/{SC_SERVICE}")
    page = olu.get("/admin/audit", params={"action": "service.publish"})
    assert page.status_code == 200 and "service.publish" in page.text and CRA_SERVICE in page.text
    assert "draft.save</code>" not in page.text
    exported = olu.get("/admin/audit.csv", params={"actor": "olu"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {row["action"] for row in rows} >= {"draft.save", "service.publish"}
    assert all(row["actor"] == "olu" for row in rows)
    assert "<code>service.publish</code>" not in browser("sam").get("/admin/audit").text, "owners see their own"
    bad = olu.get("/admin/audit", params={"since": "yesterday"})
    assert 'id="f-since-error"' in bad.text


def test_review_and_gap_pages(browser, admin_app):
    olu = browser("olu")
    olu.post(EDIT, set_field(edit_form(olu), "last_checked", "2019-05-01") + [("do", "publish")])
    page = olu.get("/admin/catalogue/review", params={"days": 30}).text
    assert CRA_SERVICE in page and "2019-05-01" in page
    assert "city-of-toronto" in page, "services no owner keeps are listed"
    with session_scope(admin_app.state.session_factory) as session:
        audit.record_unmatched(session, "how do I register my boat? call me at 416-555-0199", "chat")
        audit.record_unmatched(session, "How do I register my  boat? call me at 416-555-0199", "phone")
    gaps = olu.get("/admin/catalogue/gaps").text
    assert "register my boat" in gaps and "416-555-0199" not in gaps and "chat, phone" in gaps


def test_retire_and_rollback_refusals_show_on_the_page(browser, api):
    olu = browser("olu")
    url = f"/admin/catalogue/services/{SC_SERVICE}"
    fields = form_fields(browser("sam").get(url).text, f"{url}/retire")
    refused = olu.post(f"{url}/retire", fields)  # another organisation's service
    assert refused.status_code == 403
    olu.post(EDIT, set_field(edit_form(olu), "summary.en", "Version two.") + [("do", "publish")])
    stale = [
        (k, "1" if k == "base_version" else v)
        for k, v in form_fields(olu.get(f"{EDIT}/history").text, f"{EDIT}/rollback")
    ]
    conflict = olu.post(f"{EDIT}/rollback", stale)
    assert conflict.status_code == 409
    assert api("olu").service(CRA_SERVICE)["data"]["summary"]["en"] == "Version two.", "nothing rolled back"

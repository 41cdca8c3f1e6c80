"""Relations between entries (`covers`, `requires`) that reach another
organisation's service need that organisation's agreement (or an admin's);
and ownership is checked against the PUBLISHED entry's organisation, so
renaming the organisation in a submitted entry takes nothing."""

from __future__ import annotations

import pytest
from admin_support import CRA_SERVICE, SC_SERVICE, form_fields, set_field, with_changes


def _add(api, who: str, relation: str, target: str = SC_SERVICE, **body):
    person = api(who)
    current = person.service(CRA_SERVICE)
    data = with_changes(current["data"], **{relation: [*current["data"].get(relation, []), target]})
    return person.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": current["version"], **body})


@pytest.mark.parametrize("relation", ["covers", "requires"])
def test_an_owner_cannot_publish_a_relation_to_another_organisations_service(api, relation):
    sent = _add(api, "olu", relation, publish=True)
    assert sent.status_code == 202 and sent.json()["status"] == "in_review", "sent for that organisation's approval"
    assert SC_SERVICE not in api("olu").service(CRA_SERVICE)["data"].get(relation, [])
    draft_id = sent.json()["draft_id"]
    refused = api("olu").post(f"/api/admin/drafts/{draft_id}/publish")
    assert refused.status_code == 403 and "Service Canada (service-canada)" in refused.json()["detail"]
    # a second owner of the same organisation cannot agree for Service Canada either
    oma = api("oma").post(f"/api/admin/drafts/{draft_id}/approve")
    assert oma.status_code == 403 and "Only an owner of Service Canada" in oma.json()["detail"]
    # Service Canada's owner sees the request, reads it and approves it
    sam = api("sam")
    assert draft_id in [d["draft_id"] for d in sam.get("/api/admin/drafts", params={"status": "in_review"}).json()]
    assert sam.get(f"/api/admin/drafts/{draft_id}").status_code == 200
    approved = sam.post(f"/api/admin/drafts/{draft_id}/approve", {"note": "agreed"})
    assert approved.status_code == 200 and approved.json()["reviewer"] == "sam"
    assert SC_SERVICE in api("olu").service(CRA_SERVICE)["data"][relation]


def test_the_other_organisation_may_reject_and_a_stranger_may_do_neither(api):
    draft_id = _add(api, "olu", "covers", publish=True).json()["draft_id"]
    assert api("ana").post(f"/api/admin/drafts/{draft_id}/reject").status_code == 403
    assert api("sam").post(f"/api/admin/drafts/{draft_id}/reject", {"note": "no"}).json()["status"] == "rejected"


def test_an_admin_may_relate_any_entries_at_once(api):
    published = _add(api, "root", "covers", publish=True)
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_relations_already_published_and_within_the_organisation_need_no_one_else(api):
    olu = api("olu")
    current = olu.service(CRA_SERVICE)
    edited = with_changes(current["data"], summary={"en": "Shorter summary"})
    response = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": edited, "base_version": 1, "publish": True})
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_an_import_relating_to_another_organisation_goes_to_review(api):
    olu = api("olu")
    data = olu.service(CRA_SERVICE)["data"]
    entry = with_changes(data, covers=[*data.get("covers", []), SC_SERVICE])
    response = olu.client.post(
        "/api/admin/catalogue/import",
        params={"format": "json", "publish": "true"},
        json=[entry],
        headers=olu.headers,
    )
    assert response.status_code == 200 and response.json()["state"] == "in_review", response.text
    assert SC_SERVICE not in olu.service(CRA_SERVICE)["data"]["covers"]


def test_ownership_is_checked_against_the_published_organisation(api):
    """An owner renaming another organisation's service to their own must not take it."""
    olu = api("olu")
    theirs = olu.service(SC_SERVICE)
    taken = with_changes(theirs["data"], organisation="canada-revenue-agency", summary={"en": "Taken"})
    response = olu.put(f"/api/admin/services/{SC_SERVICE}", {"data": taken, "base_version": 1, "publish": True})
    assert response.status_code == 403 and "Service Canada (service-canada)" in response.json()["detail"]
    after = olu.service(SC_SERVICE)
    assert after["organisation"] == "service-canada" and after["version"] == 1
    assert api("sam").get("/api/admin/drafts").json() == []


def test_pages_send_a_cross_organisation_relation_for_the_other_owners_approval(browser, api):
    olu, sam = browser("olu"), browser("sam")
    edit = f"/admin/catalogue/services/{CRA_SERVICE}"
    fields = form_fields(olu.get(edit).text, edit) + [("covers", SC_SERVICE), ("do", "publish")]
    sent = olu.post(edit, fields)
    assert sent.status_code == 303 and "done=submitted" in sent.headers["location"], sent.text
    assert SC_SERVICE not in api("olu").service(CRA_SERVICE)["data"]["covers"]
    draft_id = api("olu").service(CRA_SERVICE)["open_drafts"][0]["draft_id"]
    listing = sam.get("/admin/catalogue")
    assert f"/admin/catalogue/drafts/{draft_id}" in listing.text
    page = sam.get(f"/admin/catalogue/drafts/{draft_id}")
    assert (
        page.status_code == 200
        and "Needs the agreement of" in page.text
        and f"covers &#39;{SC_SERVICE}&#39;" in page.text
    )
    assert olu.post(f"/admin/catalogue/drafts/{draft_id}/publish").status_code == 403
    approved = sam.post(f"/admin/catalogue/drafts/{draft_id}/approve", {"review_note": "agreed"})
    assert approved.status_code == 303, approved.text
    assert SC_SERVICE in api("olu").service(CRA_SERVICE)["data"]["covers"]


def test_the_edit_form_checks_the_published_organisation(browser, api):
    olu, sam = browser("olu"), browser("sam")
    other = f"/admin/catalogue/services/{SC_SERVICE}"
    fields = set_field(form_fields(sam.get(other).text, other), "organisation", "canada-revenue-agency")
    refused = olu.post(other, set_field(fields, "summary.en", "Taken") + [("do", "publish")])
    assert refused.status_code == 403 and "Service Canada (service-canada)" in refused.text
    assert api("olu").service(SC_SERVICE)["organisation"] == "service-canada"

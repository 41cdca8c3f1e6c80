"""The service owners' JSON API through the real app: editing and publishing,
the bundle changing at once (also on a second app instance sharing the
database), per-organisation refusals, conflicts, roll back, retire, review,
validation mapped to fields, plain-text descriptions, and the audit log."""

from __future__ import annotations

import copy

import pytest
import yaml
from admin_support import CRA_SERVICE, SC_SERVICE, bundle_service, with_changes
from fastapi.testclient import TestClient

from bot.web.app import create_app

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def audit_actions(api, **params):
    response = api("root").get("/api/admin/audit", params=params)
    assert response.status_code == 200, response.text
    return [(e["actor"], e["action"], e["target_id"]) for e in response.json()["entries"]]


def test_owner_edits_publishes_and_the_bundle_changes_at_once(api, public, admin_app, settings):
    olu = api("olu")
    replica = create_app(settings)  # a second process sharing the database file
    with TestClient(replica) as second:
        before = bundle_service(public, CRA_SERVICE)
        assert before is not None and before["summary"] == bundle_service(second, CRA_SERVICE)["summary"]
        current = olu.service(CRA_SERVICE)
        assert current["version"] == 1 and current["can_edit"] is True
        data = with_changes(current["data"], summary={"en": "Your 9-digit business identifier, now with more detail."})

        draft = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": 1, "note": "clearer"})
        assert draft.status_code == 200 and draft.json()["status"] == "draft"
        assert bundle_service(public, CRA_SERVICE)["summary"] == before["summary"], "a draft is never given out"

        published = olu.post(f"/api/admin/drafts/{draft.json()['draft_id']}/publish")
        assert published.status_code == 200, published.text
        assert published.json()["version"] == 2 and published.json()["status"] == "published"
        new = "Your 9-digit business identifier, now with more detail."
        assert bundle_service(public, CRA_SERVICE)["summary"] == new
        assert bundle_service(second, CRA_SERVICE)["summary"] == new, "the other replica sees it too"
        assert public.get(f"/api/services/{CRA_SERVICE}").json()["summary"] == new
    assert ("olu", "service.publish", CRA_SERVICE) in audit_actions(api)
    assert ("olu", "draft.save", CRA_SERVICE) in audit_actions(api)


def test_save_and_publish_in_one_call(api, public):
    olu = api("olu")
    data = olu.service(CRA_SERVICE)["data"]
    data["documents"] = [{"en": "Proof of identity"}]
    response = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": 1, "publish": True})
    assert response.status_code == 200 and response.json()["version"] == 2
    assert bundle_service(public, CRA_SERVICE)["documents"] == ["Proof of identity"]


def test_an_owner_is_refused_another_organisations_entry(api, public):
    olu = api("olu")
    other = olu.service(SC_SERVICE)
    assert other["can_edit"] is False
    data = with_changes(other["data"], summary={"en": "Hijacked"})
    response = olu.put(f"/api/admin/services/{SC_SERVICE}", {"data": data, "base_version": 1, "publish": True})
    assert response.status_code == 403
    assert "Service Canada (service-canada)" in response.json()["detail"]
    assert bundle_service(public, SC_SERVICE)["summary"] != "Hijacked"
    # nor may they move their own service to an organisation they do not keep, or create one there
    mine = with_changes(olu.service(CRA_SERVICE)["data"], organisation="service-canada")
    assert olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": mine, "base_version": 1}).status_code == 403
    created = with_changes(other["data"], id="sc-new-thing")
    assert olu.post("/api/admin/services", {"data": created}).status_code == 403
    assert olu.post(f"/api/admin/services/{SC_SERVICE}/retire", {"base_version": 1}).status_code == 403
    assert api("ana").get("/api/admin/services").status_code == 403, "agents do not edit the catalogue"
    denied = [a for a in audit_actions(api, action="access.denied")]
    assert ("olu", "access.denied", SC_SERVICE) in denied and len(denied) >= 3
    # an admin may change any organisation's entry
    root = api("root")
    assert root.put(f"/api/admin/services/{SC_SERVICE}", {"data": data, "base_version": 1}).status_code == 200


def test_only_the_organisations_services_are_listed(api):
    listed = {s["id"]: s["organisation"] for s in api("olu").get("/api/admin/services").json()}
    assert CRA_SERVICE in listed and set(listed.values()) == {"canada-revenue-agency"}
    assert len(api("root").get("/api/admin/services").json()) >= 66


def test_a_second_owner_gets_a_conflict_showing_what_changed(api, public):
    olu, oma = api("olu"), api("oma")
    start = olu.service(CRA_SERVICE)
    theirs = copy.deepcopy(start["data"])  # oma opened the same version
    mine = with_changes(start["data"], summary={**start["data"]["summary"], "en": "Olu's summary"})
    assert olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": mine, "base_version": 1, "publish": True}).is_success

    theirs["notes"] = {"en": "Oma's note"}
    conflict = oma.put(f"/api/admin/services/{CRA_SERVICE}", {"data": theirs, "base_version": 1, "publish": True})
    assert conflict.status_code == 409
    detail = conflict.json()["detail"]
    assert detail["base_version"] == 1 and detail["current_version"] == 2
    assert detail["changes"] == [
        {"field": "summary.en", "before": start["data"]["summary"]["en"], "after": "Olu's summary"}
    ]
    assert detail["merged"]["summary"]["en"] == "Olu's summary" and detail["merged"]["notes"]["en"] == "Oma's note"
    assert detail["conflicting_fields"] == []
    assert bundle_service(public, CRA_SERVICE)["summary"] == "Olu's summary", "nothing was overwritten"
    # saving on top of the new version works, and keeps both changes
    again = oma.put(
        f"/api/admin/services/{CRA_SERVICE}", {"data": detail["merged"], "base_version": 2, "publish": True}
    )
    assert again.status_code == 200 and again.json()["version"] == 3
    final = olu.service(CRA_SERVICE)["data"]
    assert final["summary"]["en"] == "Olu's summary" and final["notes"]["en"] == "Oma's note"
    assert ("oma", "service.conflict", CRA_SERVICE) in audit_actions(api)


def test_two_open_drafts_the_second_to_publish_gets_the_conflict(api):
    olu, oma = api("olu"), api("oma")
    data = olu.service(CRA_SERVICE)["data"]
    first = olu.put(
        f"/api/admin/services/{CRA_SERVICE}", {"data": with_changes(data, summary={"en": "A"}), "base_version": 1}
    ).json()
    second = oma.put(
        f"/api/admin/services/{CRA_SERVICE}", {"data": with_changes(data, summary={"en": "B"}), "base_version": 1}
    ).json()
    assert first["draft_id"] != second["draft_id"]
    assert [d["author"] for d in olu.service(CRA_SERVICE)["open_drafts"]] == ["oma", "olu"]
    assert oma.post(f"/api/admin/drafts/{second['draft_id']}/publish").status_code == 200
    late = olu.post(f"/api/admin/drafts/{first['draft_id']}/publish")
    assert late.status_code == 409
    assert late.json()["detail"]["conflicting_fields"] == ["summary.en"]
    assert olu.service(CRA_SERVICE)["data"]["summary"]["en"] == "B"


def test_history_diff_and_rollback(api, public):
    olu = api("olu")
    original = olu.service(CRA_SERVICE)["data"]
    for number, text in ((1, "Second wording"), (2, "Third wording")):
        summary = {**original["summary"], "en": text}  # the other languages stay as they are
        body = {"data": with_changes(original, summary=summary), "base_version": number, "publish": True}
        assert olu.put(f"/api/admin/services/{CRA_SERVICE}", body).status_code == 200
    versions = olu.get(f"/api/admin/services/{CRA_SERVICE}/versions").json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["status"] for v in versions] == ["published", "superseded", "superseded"]
    diff = olu.get(f"/api/admin/services/{CRA_SERVICE}/diff", params={"from": 1, "to": 3}).json()
    assert diff["changes"] == [{"field": "summary.en", "before": original["summary"]["en"], "after": "Third wording"}]

    rolled = olu.post(f"/api/admin/services/{CRA_SERVICE}/rollback", {"to_version": 1, "base_version": 3})
    assert rolled.status_code == 200 and rolled.json()["version"] == 4 and rolled.json()["action"] == "rollback"
    assert olu.service(CRA_SERVICE)["data"] == original
    assert bundle_service(public, CRA_SERVICE)["summary"] == original["summary"]["en"]
    assert olu.get(f"/api/admin/services/{CRA_SERVICE}/versions/2").json()["data"]["summary"]["en"] == "Second wording"
    stale = olu.post(f"/api/admin/services/{CRA_SERVICE}/rollback", {"to_version": 2, "base_version": 3})
    assert stale.status_code == 409
    assert ("olu", "service.rollback", CRA_SERVICE) in audit_actions(api)


def test_retire_takes_a_service_out_of_bundles_and_rollback_restores_it(api, public):
    sam = api("sam")
    assert bundle_service(public, SC_SERVICE) is not None
    retired = sam.post(f"/api/admin/services/{SC_SERVICE}/retire", {"base_version": 1, "note": "programme ended"})
    assert retired.status_code == 200 and retired.json()["action"] == "retire"
    assert bundle_service(public, SC_SERVICE) is None
    assert public.get(f"/api/services/{SC_SERVICE}").status_code == 404
    state = sam.service(SC_SERVICE)
    assert state["retired"] is True and state["version"] == 2
    edit = sam.put(f"/api/admin/services/{SC_SERVICE}", {"data": state["data"], "base_version": 2})
    assert edit.status_code == 409 and "retired" in edit.json()["detail"]
    restored = sam.post(f"/api/admin/services/{SC_SERVICE}/rollback", {"to_version": 1, "base_version": 2})
    assert restored.status_code == 200 and restored.json()["version"] == 3
    assert bundle_service(public, SC_SERVICE) is not None
    assert ("sam", "service.retire", SC_SERVICE) in audit_actions(api)


def test_retiring_a_service_others_depend_on_is_refused(api, public):
    response = api("olu").post("/api/admin/services/ca-gst-hst-account/retire", {"base_version": 1})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert any(
        p["entry"] == CRA_SERVICE and p["field"] == "covers" and "ca-gst-hst-account" in p["message"] for p in problems
    )
    assert public.get("/api/services/ca-gst-hst-account").status_code == 200


def test_validation_is_the_imports_and_names_each_field(api):
    olu = api("olu")
    data = olu.service(CRA_SERVICE)["data"]
    bad = with_changes(
        data,
        url="not a url",
        requires=["no-such-service"],
        summary={"fr": "pas d'anglais"},
        applies_when={"text": {"en": "x"}, "condition": {"fact": "no_such_fact", "eq": True}},
    )
    response = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": bad, "base_version": 1})
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["detail"]["problems"]}
    assert {"url", "summary"} <= fields  # entry checks first, exactly as import reports them
    fixed = with_changes(bad, url="https://www.canada.ca/bn", summary=data["summary"])
    response = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": fixed, "base_version": 1})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert {p["field"] for p in problems} >= {"requires"}
    assert any(p["field"].startswith("applies_when.condition") and "no_such_fact" in p["message"] for p in problems)
    cycle = with_changes(data, requires=[CRA_SERVICE])
    assert olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": cycle, "base_version": 1}).status_code == 422
    assert olu.service(CRA_SERVICE)["version"] == 1 and olu.service(CRA_SERVICE)["open_drafts"] == []


def test_create_a_service(api, public):
    olu = api("olu")
    data = {
        "id": "ca-cra-my-business-account",
        "level": "federal",
        "organisation": "canada-revenue-agency",
        "life_events": ["new_business"],
        "name": {"en": "My Business Account"},
        "summary": {"en": "Manage CRA business accounts online."},
        "applies_when": {"text": {"en": "Any business with a Business Number."}},
        "channels": [{"type": "online", "url": "https://www.canada.ca/mba"}],
        "requires": [CRA_SERVICE],
    }
    response = olu.post("/api/admin/services", {"data": data, "publish": True})
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 1 and response.json()["action"] == "create"
    assert bundle_service(public, "ca-cra-my-business-account")["requires"]
    again = olu.post("/api/admin/services", {"data": data})
    assert again.status_code == 422 and again.json()["detail"]["problems"][0]["field"] == "id"


def test_a_description_is_plain_text_everywhere(api, public, browser):
    olu = api("olu")
    data = with_changes(olu.service(CRA_SERVICE)["data"], summary={"en": XSS})
    assert olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": 1, "publish": True}).is_success
    assert olu.service(CRA_SERVICE)["data"]["summary"]["en"] == XSS, "stored and returned as written"
    assert public.get(f"/api/services/{CRA_SERVICE}").json()["summary"] == XSS
    assert bundle_service(public, CRA_SERVICE)["summary"] == XSS
    assert public.get(f"/api/services/{CRA_SERVICE}").headers["content-type"].startswith("application/json")
    page = browser("olu").get(f"/admin/catalogue/services/{CRA_SERVICE}").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    history = browser("olu").get(f"/admin/catalogue/services/{CRA_SERVICE}/history").text
    assert "<script>alert(1)" not in history and "&lt;script&gt;" in history


def test_second_person_approval(api, public, admin_app):
    admin_app.state.settings.require_review = True
    olu, oma, sam = api("olu"), api("oma"), api("sam")
    data = with_changes(olu.service(CRA_SERVICE)["data"], summary={"en": "Reviewed wording"})
    submitted = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": 1, "publish": True})
    assert submitted.status_code == 202 and submitted.json()["status"] == "in_review"
    draft_id = submitted.json()["draft_id"]
    assert olu.post(f"/api/admin/drafts/{draft_id}/publish").status_code == 409, "review is required"
    assert olu.post(f"/api/admin/drafts/{draft_id}/approve").status_code == 403, "not by its author"
    assert sam.post(f"/api/admin/drafts/{draft_id}/approve").status_code == 403, "not by another organisation"
    assert bundle_service(public, CRA_SERVICE)["summary"] != "Reviewed wording"
    assert [d["draft_id"] for d in oma.get("/api/admin/drafts", params={"status": "in_review"}).json()] == [draft_id]
    approved = oma.post(f"/api/admin/drafts/{draft_id}/approve", {"note": "fine"})
    assert approved.status_code == 200 and approved.json()["reviewer"] == "oma"
    assert bundle_service(public, CRA_SERVICE)["summary"] == "Reviewed wording"
    rejected = olu.put(
        f"/api/admin/services/{CRA_SERVICE}",
        {"data": data | {"notes": {"en": "n"}}, "base_version": 2, "publish": True},
    ).json()
    assert oma.post(f"/api/admin/drafts/{rejected['draft_id']}/reject", {"note": "no"}).json()["status"] == "rejected"
    actions = audit_actions(api, target=CRA_SERVICE)
    assert ("olu", "draft.submit", CRA_SERVICE) in actions and ("oma", "service.publish", CRA_SERVICE) in actions
    assert ("oma", "draft.reject", CRA_SERVICE) in actions


def test_cookie_sessions_need_the_csrf_header(admin_app, browser):
    olu = browser("olu")
    data = olu.get(f"/api/admin/services/{CRA_SERVICE}").json()["data"]
    body = {"data": data, "base_version": 1}
    assert olu.client.put(f"/api/admin/services/{CRA_SERVICE}", json=body).status_code == 403
    ok = olu.client.put(f"/api/admin/services/{CRA_SERVICE}", json=body, headers={"X-CSRF-Token": olu.csrf})
    assert ok.status_code == 200
    assert TestClient(admin_app).get("/api/admin/services").status_code == 401


def test_discard_a_draft(api):
    olu, oma = api("olu"), api("oma")
    draft = olu.put(
        f"/api/admin/services/{CRA_SERVICE}", {"data": olu.service(CRA_SERVICE)["data"], "base_version": 1}
    ).json()
    assert oma.delete(f"/api/admin/drafts/{draft['draft_id']}").status_code == 403
    assert olu.delete(f"/api/admin/drafts/{draft['draft_id']}").json()["status"] == "discarded"
    assert olu.service(CRA_SERVICE)["open_drafts"] == []


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_import_round_trip_as_drafts_then_published(api, public, fmt):
    olu = api("olu")
    exported = public.get("/api/catalogue/export", params={"format": fmt}).text
    assert CRA_SERVICE in exported
    unchanged = olu.client.post(
        "/api/admin/catalogue/import", params={"format": fmt}, content=exported, headers=olu.headers
    )
    assert unchanged.status_code == 403, "the whole catalogue holds other organisations' services"
    root = api("root")
    same = root.client.post(
        "/api/admin/catalogue/import", params={"format": fmt}, content=exported, headers=root.headers
    )
    assert same.status_code == 200 and same.json()["created"] == [] and same.json()["changed"] == []
    if fmt == "csv":
        changed = exported.replace(olu.service(CRA_SERVICE)["data"]["summary"]["en"], "Imported wording")
    else:
        content = yaml.safe_load(exported)
        next(s for s in content["services"] if s["id"] == CRA_SERVICE)["summary"]["en"] = "Imported wording"
        changed = yaml.safe_dump(content)
    result = root.client.post(
        "/api/admin/catalogue/import", params={"format": fmt, "publish": "true"}, content=changed, headers=root.headers
    )
    assert result.status_code == 200, result.text
    assert result.json()["changed"] == [CRA_SERVICE] and result.json()["state"] == "published"
    assert bundle_service(public, CRA_SERVICE)["summary"] == "Imported wording"


def test_import_reports_problems_and_loads_nothing(api):
    root = api("root")
    csv_text = (
        "id,organisation,level,life_events,name_en,summary_en,applies_when_en,channels\n"
        'x-new,canada-revenue-agency,federal,new_business,Name,Summary,Who,"[{""type"": ""fax""}]"\n'
    )
    response = root.client.post(
        "/api/admin/catalogue/import",
        params={"format": "csv", "publish": "true"},
        content=csv_text,
        headers=root.headers,
    )
    assert response.status_code == 422
    assert any(p["field"] == "channels.0.type" for p in response.json()["detail"]["problems"])
    assert root.get("/api/admin/services/x-new").status_code == 404


def test_review_due_and_ownerless(api):
    olu = api("olu")
    data = with_changes(olu.service(CRA_SERVICE)["data"], last_checked="2020-01-01")
    assert olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": 1, "publish": True}).is_success
    report = olu.get("/api/admin/review", params={"days": 365}).json()
    assert [item["id"] for item in report["overdue"]] == [CRA_SERVICE]
    assert report["overdue"][0]["days_since_check"] > 365
    ownerless = {item["organisation"] for item in report["ownerless"]}
    assert "canada-revenue-agency" not in ownerless and "service-canada" not in ownerless
    assert "city-of-toronto" in ownerless

"""Tell us once and come back later: the notification package, its calendar
file (parsed strictly as RFC 5545), and kept plan links."""

from __future__ import annotations

import datetime as dt

import pytest
from plan_checks import parse_calendar, unescape

from bot.plans import package as packages

TODAY = dt.date.today()


@pytest.fixture()
def bereavement_bundle(seed_snapshot):
    from onewindow_catalogue.bundle import build_bundle, parse_facts

    facts = parse_facts(
        seed_snapshot, {"death_date": (TODAY - dt.timedelta(days=1)).isoformat(), "municipality": "Ottawa"}
    )
    return build_bundle(seed_snapshot, ["bereavement"], facts, today=TODAY)


def test_calendar_is_valid_rfc5545_with_every_dated_deadline(bereavement_bundle):
    tricky = dict(bereavement_bundle)
    services = [dict(s) for s in tricky["services"]]
    dated = [s for s in services if (s.get("deadline") or {}).get("date")]
    assert dated, "the bundle has dated deadlines"
    dated[0]["name"] = "Benefit; survivors, spouses \\ children — évaluation " + "x" * 80
    tricky["services"] = services
    body = packages.calendar(tricky, seed="abc", title="OneWindow, deadlines", now=dt.datetime(2026, 12, 7, 12))
    events = parse_calendar(body)
    assert len(events) == len(dated)
    uids = set()
    for event, service in zip(events, dated, strict=True):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
        assert event["DTSTAMP"][1] == "20261207T120000Z"
        assert event["DTSTART"] == ("DTSTART;VALUE=DATE", service["deadline"]["date"].replace("-", ""))
        assert unescape(event["SUMMARY"][1]) == service["name"]
        uids.add(event["UID"][1])
    assert len(uids) == len(events)
    assert "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" in body
    # same plan, same UIDs: a second download updates the events instead of doubling them
    again = parse_calendar(packages.calendar(tricky, seed="abc", title="x"))
    assert [e["UID"] for e in again] == [e["UID"] for e in events]


def test_offices_follow_the_plan_one_page_each(bereavement_bundle):
    offices = packages.offices(bereavement_bundle)
    names = [o["name"] for o in offices]
    assert len(names) == len(set(names))
    first_step = bereavement_bundle["plan"]["steps"][0]["id"]
    assert offices[0]["steps"][0]["id"] == first_step
    # every top-level service appears on exactly one office page
    listed = [s["id"] for o in offices for s in o["steps"]]
    top = [s["id"] for s in bereavement_bundle["services"] if not s.get("covered_by")]
    assert sorted(listed) == sorted(top)


def _conversation_with_bundle(app, bundle, lang="en"):
    from bot.conversations import service as conversations
    from onewindow_catalogue.database import session_scope

    with session_scope(app.state.session_factory) as db_session:
        conversation = conversations.create(db_session=db_session, lang=lang)
        conversations.add_message(
            db_session=db_session, conversation=conversation, sender="bot", text="Your plan", bundle=bundle
        )
        return conversation.id


def test_package_pages_and_calendar_download(client, seeded_app, bereavement_bundle):
    cid = _conversation_with_bundle(seeded_app, bereavement_bundle)
    page = client.get(f"/conversations/{cid}/package")
    assert page.status_code == 200
    offices = packages.offices(bereavement_bundle)
    assert page.text.count('class="office"') == len(offices)
    positions = [page.text.index(f'data-office="{o["name"]}"') for o in offices]
    assert positions == sorted(positions)
    assert cid not in page.text.replace(f"/conversations/{cid}/", "")
    download = client.get(f"/conversations/{cid}/package?download=1")
    assert "attachment" in download.headers["content-disposition"]
    ics = client.get(f"/conversations/{cid}/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert parse_calendar(ics.text)
    assert client.get("/conversations/nope/package").status_code == 404


def test_a_kept_plan_link_reopens_ticks_and_expires(client, seeded_app, bereavement_bundle):
    from bot.plans import service as plans
    from bot.plans.models import PlanLinkRow
    from onewindow_catalogue.database import session_scope

    cid = _conversation_with_bundle(seeded_app, bereavement_bundle)
    made = client.post(f"/api/conversations/{cid}/plan-link")
    assert made.status_code == 201
    url = made.json()["url"]
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 40
    with session_scope(seeded_app.state.session_factory) as db_session:
        rows = db_session.query(PlanLinkRow).all()
        assert len(rows) == 1 and rows[0].token_hash != token
        assert cid not in str(rows[0].facts) and cid not in str(rows[0].events)
        days = (rows[0].expires_at - rows[0].created_at).days
        assert days == seeded_app.state.settings.retention_days

    page = client.get(url)
    assert page.status_code == 200 and 'id="due-next"' in page.text
    plan = client.get(f"/api/plans/{token}").json()
    first = plan["next"][0]["id"]
    assert first == bereavement_bundle["plan"]["steps"][0]["id"]
    ticked = client.post(f"{url}/steps", data={"service": first, "done": "1"}, follow_redirects=False)
    assert ticked.status_code == 303
    plan = client.get(f"/api/plans/{token}").json()
    assert plan["done"] == [first] and first not in [s["id"] for s in plan["next"]]
    assert client.post(f"/api/plans/{token}/steps", json={"service": "no-such-step"}).status_code == 422
    assert client.get(f"{url}/calendar.ics").status_code == 200
    assert client.get(f"{url}/package").status_code == 200
    assert client.get("/plan/" + "x" * 43).status_code == 404

    with session_scope(seeded_app.state.session_factory) as db_session:
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=seeded_app.state.settings.retention_days + 1)
        assert plans.open_link(db_session=db_session, token=token, now=later) is None
    assert client.get(url).status_code == 404


def test_expired_links_are_purged(seeded_app):
    from bot.plans import service as plans
    from bot.plans.models import PlanLinkRow
    from onewindow_catalogue.database import session_scope

    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
    with session_scope(seeded_app.state.session_factory) as db_session:
        plans.create_link(db_session=db_session, events=["birth"], facts={}, lang="en", keep_days=30, now=past)
        plans.create_link(db_session=db_session, events=["birth"], facts={}, lang="en", keep_days=30)
    with session_scope(seeded_app.state.session_factory) as db_session:
        assert plans.purge_expired(db_session=db_session) == 1
        assert db_session.query(PlanLinkRow).count() == 1


def test_the_package_goes_on_the_case_only_with_consent(client, seeded_app, bereavement_bundle):
    from bot.cases import service as cases
    from onewindow_catalogue.database import session_scope

    cid = _conversation_with_bundle(seeded_app, bereavement_bundle)
    refused = client.post(f"/api/conversations/{cid}/package/attach", json={"consent": False})
    assert refused.status_code == 422
    assert client.post(f"/api/conversations/{cid}/package/attach", json={"consent": True}).status_code == 409
    from bot.conversations import service as conversations

    with session_scope(seeded_app.state.session_factory) as db_session:
        conversation = conversations.get(db_session=db_session, conversation_id=cid)
        cases.open_case(
            db_session=db_session, conversation=conversation, queue="bereavement", reason="asked_for_person", summary={}
        )
    attached = client.post(f"/api/conversations/{cid}/package/attach", json={"consent": True})
    assert attached.status_code == 200 and attached.json()["offices"]
    with session_scope(seeded_app.state.session_factory) as db_session:
        case = cases.open_case_for_conversation(db_session=db_session, conversation_id=cid)
        assert case.summary["plan_package"]["package_url"].startswith("/plan/")


def test_the_list_an_agent_sends_keeps_the_plan_of_what_it_holds(seed_snapshot):
    from bot.console.service import compose_bundle

    facts = {"death_date": (TODAY - dt.timedelta(days=1)).isoformat(), "municipality": "Ottawa"}
    full = compose_bundle(seed_snapshot, ["bereavement"], facts, [])
    chosen = [step["id"] for step in full["plan"]["steps"] if not step["covered_by"]][::2]
    sent = compose_bundle(seed_snapshot, ["bereavement"], facts, [*chosen, "ca-business-number"])
    steps = [step["id"] for step in sent["plan"]["steps"]]
    assert steps == [sid for sid in chosen if sid in steps] and set(steps) == set(chosen)
    assert [s["id"] for s in sent["services"]] == [*steps, "ca-business-number"]
    assert all(set(p["steps"]) <= set(steps) for p in sent["plan"]["phases"])

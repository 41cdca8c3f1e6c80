"""The plan pages refuse in the plan's or conversation's language, else in the language the request asks for."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date.today()
FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


@pytest.fixture()
def birth_bundle(seed_snapshot):
    from onewindow_catalogue.bundle import build_bundle, parse_facts

    return build_bundle(seed_snapshot, ["birth"], parse_facts(seed_snapshot, {}), today=TODAY, lang="fr")


def _conversation(app, lang, bundle=None):
    from bot.conversations import service as conversations
    from onewindow_catalogue.database import session_scope

    with session_scope(app.state.session_factory) as db_session:
        conversation = conversations.create(db_session=db_session, lang=lang)
        if bundle is not None:
            conversations.add_message(
                db_session=db_session, conversation=conversation, sender="bot", text="Votre plan", bundle=bundle
            )
        return conversation.id


def test_no_plan_and_unknown_links_are_refused_in_the_right_language(client, seeded_app):
    in_french = _conversation(seeded_app, "fr")
    answer = client.post(f"/api/conversations/{in_french}/plan-link")
    assert answer.status_code == 404 and "pas encore de plan" in answer.json()["detail"]
    answer = client.post("/api/conversations/no-such/plan-link", headers=FRENCH)
    assert answer.status_code == 404 and "pas encore de plan" in answer.json()["detail"]
    answer = client.post("/api/conversations/no-such/plan-link")
    assert answer.status_code == 404 and "no plan in this conversation" in answer.json()["detail"]
    answer = client.get("/api/plans/" + "x" * 43, headers=FRENCH)
    assert answer.status_code == 404 and "Ce lien de plan est inconnu" in answer.json()["detail"]
    answer = client.get("/api/plans/" + "x" * 43 + "?lang=en", headers=FRENCH)
    assert answer.status_code == 404 and "This plan link is unknown" in answer.json()["detail"]
    assert "Ce lien de plan est inconnu" in client.get("/plan/" + "x" * 43, headers=FRENCH).text


def test_a_french_plan_refuses_an_unknown_step_and_a_missing_consent_in_french(client, seeded_app, birth_bundle):
    cid = _conversation(seeded_app, "fr", birth_bundle)
    url = client.post(f"/api/conversations/{cid}/plan-link").json()["url"]
    token = url.rsplit("/", 1)[1]
    answer = client.post(f"/api/plans/{token}/steps", json={"service": "no-such-step"})
    assert (
        answer.status_code == 422 and answer.json()["detail"] == "Ce plan ne comporte aucune démarche « no-such-step »."
    )
    answer = client.post(f"{url}/steps", data={"service": "no-such-step"}, follow_redirects=False)
    assert answer.status_code == 422 and "aucune démarche" in answer.json()["detail"]
    answer = client.post(f"/api/conversations/{cid}/package/attach", json={"consent": False})
    assert answer.status_code == 422 and "Rien n'a été joint" in answer.json()["detail"]
    answer = client.post(f"/api/conversations/{cid}/package/attach", json={"consent": True})
    assert answer.status_code == 409 and "aucun dossier ouvert" in answer.json()["detail"]


def test_an_english_plan_refuses_in_english_whatever_the_browser_says(client, seeded_app, birth_bundle):
    cid = _conversation(seeded_app, "en", {**birth_bundle, "lang": "en"})
    url = client.post(f"/api/conversations/{cid}/plan-link").json()["url"]
    token = url.rsplit("/", 1)[1]
    answer = client.post(f"/api/plans/{token}/steps", json={"service": "no-such-step"}, headers=FRENCH)
    assert answer.status_code == 422 and answer.json()["detail"] == "There is no step 'no-such-step' in this plan."
    answer = client.post(f"/api/conversations/{cid}/package/attach", json={"consent": False}, headers=FRENCH)
    assert answer.status_code == 422 and "needs your consent" in answer.json()["detail"]
    answer = client.post(f"/api/conversations/{cid}/package/attach", json={"consent": True}, headers=FRENCH)
    assert answer.status_code == 409 and "no open case" in answer.json()["detail"]

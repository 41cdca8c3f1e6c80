"""The console's JSON API and the case service's refusals in the staff member's language: queue titles,
SLA labels and life events of `GET /api/console/queues`, and the 409 of the claim API, in French when
asked in French (?lang=, the switch's cookie, Accept-Language) and in English otherwise."""

from __future__ import annotations

import pytest
from console_support import make_case

from bot.cases import service as cases
from bot.web.i18n import LANG_COOKIE, t
from onewindow_catalogue.database import session_scope

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


def queues_api(person, **kwargs):
    response = person.get("/api/console/queues", **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def test_queues_api_in_french_when_asked_in_french(console_app, ana):
    make_case(console_app, queue="business", minutes_ago=20)
    data = queues_api(ana, headers=FRENCH)
    assert data["lang"] == "fr"
    titles = {q["id"]: q["title"] for q in data["queues"]}
    assert titles["business"] == "Entreprises" and titles["general"] == "Renseignements généraux"
    labels = {q["id"]: q["sla_label"] for q in data["queues"]}
    assert labels["business"] == t("console.sla.bad", "fr") != t("console.sla.bad", "en")
    assert labels["general"] == t("console.sla.none", "fr")
    waiting = data["waiting"][0]
    assert waiting["life_events"] == ["Démarrer une entreprise"]
    assert waiting["sla_label"] == t("console.sla.bad", "fr")


def test_queues_api_follows_the_switch_and_lang(console_app, ana):
    assert queues_api(ana, params={"lang": "fr"})["lang"] == "fr"
    ana.client.cookies.set(LANG_COOKIE, "fr")
    data = queues_api(ana)
    assert {q["id"]: q["title"] for q in data["queues"]}["family"] == "Familles et naissances"
    assert queues_api(ana, params={"lang": "en"})["lang"] == "en"


def test_queues_api_in_english_by_default(console_app, ana):
    make_case(console_app, queue="business", minutes_ago=20)
    data = queues_api(ana)
    assert data["lang"] == "en"
    titles = {q["id"]: q["title"] for q in data["queues"]}
    assert titles["business"] == "Business" and titles["general"] == "General enquiries"
    assert {q["id"]: q["sla_label"] for q in data["queues"]}["business"] == "Over SLA"
    assert data["waiting"][0]["sla_label"] == "Over SLA"
    assert data["waiting"][0]["life_events"] == ["Starting a business"]


def test_the_claim_api_refuses_in_the_agents_language(console_app, ana, ben):
    case = make_case(console_app)
    ana.client.post(f"/api/console/cases/{case['id']}/claim", headers={"X-CSRF-Token": ana.csrf})
    french = ben.client.post(f"/api/console/cases/{case['id']}/claim", headers={"X-CSRF-Token": ben.csrf, **FRENCH})
    assert french.status_code == 409
    assert french.json()["detail"] == (
        f"Le dossier {case['reference']} n'est plus en attente : un autre agent l'a pris en charge ou fermé."
    )
    english = ben.client.post(f"/api/console/cases/{case['id']}/claim", headers={"X-CSRF-Token": ben.csrf})
    assert english.json()["detail"] == (
        f"Case {case['reference']} is no longer waiting: another agent claimed or closed it."
    )


def refusal(app, action):
    with session_scope(app.state.session_factory) as session:
        with pytest.raises(cases.CaseError) as caught:
            action(session)
        session.rollback()
    return caught.value


def test_every_case_refusal_has_its_french_text(console_app, user_ids):
    case = make_case(console_app)
    agent = user_ids["ana"]
    refusals = {
        "unknown_queue": lambda s: cases.open_case(db_session=s, queue="nowhere", reason="x", summary={}),
        "not_found": lambda s: cases.get_or_raise(db_session=s, case_id=987654),
        "not_held": lambda s: cases.reply(db_session=s, case_id=case["id"], agent_id=agent, text="Bonjour"),
    }
    refused = {key: refusal(console_app, action) for key, action in refusals.items()}  # before she claims it
    with session_scope(console_app.state.session_factory) as session:
        cases.claim(db_session=session, case_id=case["id"], agent_id=agent)
    refusals = {
        "empty_reply": lambda s: cases.reply(db_session=s, case_id=case["id"], agent_id=agent, text="   "),
        "transfer_unknown_queue": lambda s: cases.transfer(
            db_session=s, case_id=case["id"], agent_id=agent, queue="nowhere", note="n"
        ),
        "no_disposition": lambda s: cases.close(db_session=s, case_id=case["id"], agent_id=agent, disposition="nope"),
        "needs_note": lambda s: cases.close(
            db_session=s, case_id=case["id"], agent_id=agent, disposition="referred_program"
        ),
    }
    refused.update({key: refusal(console_app, action) for key, action in refusals.items()})
    for key, error in refused.items():
        assert error.key == key
        assert error.text("en") == str(error), key  # the console's English is the service's own message
        assert error.text("fr") != str(error) and "{" not in error.text("fr"), key
    needs_note = refused["needs_note"]
    assert needs_note.text("fr") == "« Orienté vers un programme précis » exige une note qui nomme le programme."
    assert needs_note.text("en") == "“Referred to a named program” needs a note naming the program."


def test_a_language_refusal_names_the_language_in_the_agents_language(console_app, user_ids):
    """ana's account lists no language: a case of the French queue is refused to her."""
    case = make_case(console_app, queue="french")
    agent = user_ids["ana"]
    error = refusal(console_app, lambda s: cases.claim(db_session=s, case_id=case["id"], agent_id=agent))
    assert isinstance(error, cases.LanguageRequired)
    assert error.text("fr") == f"Le dossier {case['reference']} exige un agent qui parle français."
    assert error.text("en") == f"Case {case['reference']} needs an agent who speaks French."


def test_a_case_page_tells_the_services_refusal_in_the_agents_language(console_app, ana, user_ids):
    """A phone case has no chat to reply in: the service refuses, the page says so in French."""
    with session_scope(console_app.state.session_factory) as session:
        case = cases.open_case(
            db_session=session,
            queue="business",
            reason="asked_for_person",
            summary={"events": ["new_business"], "facts": {}},
            channel="phone",
            actor_id=user_ids["ana"],
            status="claimed",
        )
        case_id = case.id
    english = ana.post(f"/console/cases/{case_id}/reply", {"text": "Hello"})
    assert english.status_code == 422 and "This case has no chat to reply in" in english.text
    ana.client.cookies.set(LANG_COOKIE, "fr")
    french = ana.post(f"/console/cases/{case_id}/reply", {"text": "Bonjour"})
    assert french.status_code == 422
    assert "Ce dossier n&#39;a pas de clavardage où répondre" in french.text
    assert "This case has no chat" not in french.text

"""Console and triage API refusals in the staff member's language: the unknown case, the phone triage's
refused answers, and the triage API's own refusals (it answers in `lang`, else Accept-Language)."""

from __future__ import annotations

import html

from test_console import ParserStub

from bot.users import service as users
from bot.web.i18n import LANG_COOKIE
from onewindow_catalogue.database import session_scope

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


def test_an_unknown_case_is_refused_in_the_staff_members_language(ana):
    ana.client.cookies.set(LANG_COOKIE, "fr")
    assert ana.get("/console/cases/999999").json()["detail"] == "Aucun dossier ne porte l'identifiant 999999."
    assert ana.get("/api/console/cases/999999/messages").json()["detail"].startswith("Aucun dossier")
    ana.client.cookies.set(LANG_COOKIE, "en")
    assert ana.get("/console/cases/999999").json()["detail"] == "No case with id 999999."


def test_phone_triage_refuses_a_bad_answer_in_the_staff_members_language(console_app, ana):
    console_app.state.parser = ParserStub()
    ana.client.cookies.set(LANG_COOKIE, "fr")
    asked = {"text": "j'ouvre une boulangerie a Toronto", "fact.has_employees": "peut-etre"}
    refused = ana.post("/console/phone", asked)
    assert refused.status_code == 422
    assert "« has_employees » attend oui ou non (true/false), valeur reçue : 'peut-etre'" in html.unescape(refused.text)
    saved = ana.post("/console/phone/case", asked)
    assert saved.status_code == 422 and "attend oui ou non" in html.unescape(saved.text)
    ana.client.cookies.set(LANG_COOKIE, "en")
    refused = ana.post("/console/phone", {**asked, "text": "opening a bakery in Toronto"})
    assert refused.status_code == 422
    assert "'has_employees' expects yes or no (true/false), got 'peut-etre'" in html.unescape(refused.text)


def _bearer(app, username="ana") -> dict:
    with session_scope(app.state.session_factory) as session:
        user = users.get_by_username(db_session=session, username=username)
        return {"Authorization": f"Bearer {users.create_api_token(db_session=session, user=user, name='t')}"}


def test_the_triage_api_refuses_in_the_language_it_answers_in(console_app, client):
    console_app.state.parser = ParserStub()
    bearer = _bearer(console_app)
    empty = client.post("/api/triage", json={"text": "   ", "lang": "fr"}, headers=bearer)
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["msg"] == "« text » est vide : indiquez ce que la personne a dit"
    empty = client.post("/api/triage", json={"text": "   "}, headers=bearer)
    assert empty.json()["detail"][0]["msg"] == "'text' is empty: give what the person said"
    facts = {"has_employees": "peut-etre"}
    refused = client.post("/api/triage", json={"text": "ma boulangerie", "facts": facts}, headers={**bearer, **FRENCH})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "facts", "has_employees"]
    assert refused.json()["detail"][0]["msg"].startswith("« has_employees » attend oui ou non")
    refused = client.post("/api/triage", json={"text": "my bakery", "facts": facts, "lang": "en"}, headers=bearer)
    assert refused.json()["detail"][0]["msg"].startswith("'has_employees' expects yes or no")
    console_app.state.parser = ParserStub(down=True)
    down = client.post("/api/triage", json={"text": "mon pere est decede"}, headers={**bearer, **FRENCH})
    assert down.status_code == 503 and down.json()["detail"].startswith("La reconnaissance n'est pas disponible")
    down = client.post("/api/triage", json={"text": "my father died"}, headers=bearer)
    assert down.status_code == 503 and down.json()["detail"].startswith("Recognition is unavailable right now")

"""The service owners' JSON API answers its errors in the staff member's language: asked in French
(Accept-Language, ?lang=, or the switch's cookie) a refusal, a validation problem, a conflict or a
missing service is told in French, each problem saying the language it is in; asked in English (or
nothing), the English messages are unchanged."""

from __future__ import annotations

import copy

from admin_support import CRA_SERVICE, SC_SERVICE, with_changes

from bot.web.i18n import LANG_COOKIE

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}


def in_french(person):
    person.headers = {**person.headers, **FRENCH}
    return person


def bad_entry(data):
    return with_changes(data, url="not a url", requires=["no-such-service"], summary={"fr": "pas d'anglais"})


def test_a_refusal_in_french(api):
    olu = in_french(api("olu"))
    data = with_changes(olu.service(SC_SERVICE)["data"], summary={"en": "Hijacked"})
    response = olu.put(f"/api/admin/services/{SC_SERVICE}", {"data": data, "base_version": 1, "publish": True})
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "Vous ne pouvez pas modifier les services de l'organisation Service Canada"
    )
    sam = in_french(api("sam"))  # the organisation by its French name
    cra = with_changes(sam.service(CRA_SERVICE)["data"], summary={"en": "Hijacked"})
    refused = sam.put(f"/api/admin/services/{CRA_SERVICE}", {"data": cra, "base_version": 1})
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Vous ne pouvez pas modifier les services de l'organisation Agence du revenu du Canada"
        " (canada-revenue-agency) : votre compte gère les services de service-canada."
    )


def test_validation_problems_in_french(api):
    olu = in_french(api("olu"))
    response = olu.put(
        f"/api/admin/services/{CRA_SERVICE}", {"data": bad_entry(olu.service(CRA_SERVICE)["data"]), "base_version": 1}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["message"] == "La fiche comporte des problèmes; rien n'a été enregistré."
    problems = {p["field"]: p for p in detail["problems"]}
    assert (
        problems["url"]["message"] == ("adresse Web mal formée 'not a url' : format attendu https://hôte/chemin")
        and problems["url"]["lang"] == "fr"
    )
    assert problems["summary"]["message"] == "le texte anglais (« en ») est obligatoire"
    assert all(p["lang"] == "fr" for p in detail["problems"]), detail["problems"]


def test_cross_catalogue_problems_in_french_with_lang(api):
    olu = api("olu")
    data = with_changes(olu.service(CRA_SERVICE)["data"], requires=["no-such-service"])
    response = olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": data, "base_version": 1}, params={"lang": "fr"})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert {"field": "requires", "message": "service inconnu : « no-such-service »", "lang": "fr"}.items() <= {
        **problems[0]
    }.items()


def test_not_found_and_draft_errors_in_french(api):
    olu = api("olu")
    olu.client.cookies.set(LANG_COOKIE, "fr")
    assert olu.get("/api/admin/services/no-such").json()["detail"] == "Aucun service « no-such »."
    assert olu.get("/api/admin/drafts/987654").json()["detail"] == "Aucune ébauche ne porte le numéro 987654."
    missing = olu.get(f"/api/admin/services/{CRA_SERVICE}/versions/99").json()["detail"]
    assert missing == f"Le service « {CRA_SERVICE} » n'a pas de version 99."


def test_a_conflict_in_french(api):
    olu, oma = api("olu"), in_french(api("oma"))
    start = olu.service(CRA_SERVICE)
    theirs = copy.deepcopy(start["data"])
    mine = with_changes(start["data"], summary={**start["data"]["summary"], "en": "Olu's summary"})
    assert olu.put(f"/api/admin/services/{CRA_SERVICE}", {"data": mine, "base_version": 1, "publish": True}).is_success
    theirs["notes"] = {"en": "Oma's note"}
    conflict = oma.put(f"/api/admin/services/{CRA_SERVICE}", {"data": theirs, "base_version": 1})
    assert conflict.status_code == 409
    assert conflict.json()["detail"]["message"] == (
        f"Le service « {CRA_SERVICE} » a changé depuis que vous avez commencé : la version 2 a été publiée après"
        " la version 1. Examinez les changements, puis enregistrez de nouveau à partir de cette version."
    )


def test_in_english_the_messages_are_unchanged(api):
    olu = api("olu")
    response = olu.put(
        f"/api/admin/services/{CRA_SERVICE}", {"data": bad_entry(olu.service(CRA_SERVICE)["data"]), "base_version": 1}
    )
    detail = response.json()["detail"]
    assert detail["message"] == "The entry has problems; nothing was saved."
    problems = {p["field"]: p for p in detail["problems"]}
    assert problems["url"]["message"] == "malformed URL 'not a url': expected https://host/path"
    assert problems["summary"]["message"] == "English text ('en') is required"
    assert all(p["lang"] == "en" for p in detail["problems"])
    assert olu.get("/api/admin/services/no-such").json()["detail"] == "No service 'no-such'."
    other = with_changes(olu.service(SC_SERVICE)["data"], summary={"en": "Hijacked"})
    refused = olu.put(f"/api/admin/services/{SC_SERVICE}", {"data": other, "base_version": 1}, params={"lang": "en"})
    assert refused.json()["detail"].startswith("You cannot change services of Service Canada")


def test_the_admin_pages_errors_in_french(browser):
    olu = browser("olu")
    assert olu.get("/admin/catalogue/services/no-such").json()["detail"] == "No service 'no-such'."
    olu.client.cookies.set(LANG_COOKIE, "fr")
    missing = olu.get("/admin/catalogue/services/no-such")
    assert missing.status_code == 404 and missing.json()["detail"] == "Aucun service « no-such »."


def test_the_import_pages_problems_in_french(browser):
    csv_text = (
        b"id,organisation,level,life_events,name_en,summary_en,applies_when_en,channels\n"
        b'x-new,canada-revenue-agency,federal,new_business,Name,Summary,Who,"[{""type"": ""fax""}]"\n'
    )
    olu = browser("olu")
    english = olu.post("/admin/catalogue/import", {"format": "csv"}, files={"file": ("x.csv", csv_text)})
    assert english.status_code == 422 and "must be one of online, phone" in english.text
    olu.client.cookies.set(LANG_COOKIE, "fr")
    french = olu.post("/admin/catalogue/import", {"format": "csv"}, files={"file": ("x.csv", csv_text)})
    assert french.status_code == 422 and '<html lang="fr">' in french.text
    told = "<li>services:x-new:channels.0.type: doit être l&#39;une des valeurs suivantes : online, phone"
    assert told in french.text
    assert "must be one of" not in french.text and '<li lang="en">' not in french.text

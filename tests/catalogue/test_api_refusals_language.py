"""The public catalogue API refuses in the language asked for (?lang=, else Accept-Language)."""

import pytest

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


def message(response):
    return response.json()["detail"][0]["msg"]


def test_an_unknown_service_is_refused_in_the_language_asked_for(client):
    missing = client.get("/api/services/no-such-service", headers=FRENCH)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Aucun service ne porte l'identifiant « no-such-service »."
    missing = client.get("/api/services/no-such-service", params={"lang": "en"}, headers=FRENCH)
    assert missing.json()["detail"] == "No service with id 'no-such-service'."
    assert client.get("/api/services/no-such-service").json()["detail"] == "No service with id 'no-such-service'."


@pytest.mark.parametrize(
    "query, french, english",
    [
        ({"events": ","}, "indiquez au moins un événement de la vie", "give at least one life event"),
        ({"events": "wedding"}, "événement de la vie inconnu : « wedding »", "unknown life event 'wedding'"),
        ({"events": "birth", "pets": "yes"}, "fait inconnu. Faits connus : ", "unknown fact; known facts: "),
        (
            {"events": "birth", "municipality": "Gotham"},
            "municipalité de l'Ontario inconnue : « Gotham »",
            "unknown Ontario",
        ),
        ({"events": "birth", "has_employees": "perhaps"}, "attend oui ou non", "expects yes or no"),
        ({"events": "birth", "x": "y" * 300}, "les noms de faits comptent au plus 64", "fact names are at most 64"),
    ],
)
def test_bad_bundle_requests_are_refused_in_the_language_asked_for(client, query, french, english):
    refused = client.get("/api/bundles", params={**query, "lang": "fr"})
    assert refused.status_code == 422 and french in message(refused)
    refused = client.get("/api/bundles", params=query, headers=FRENCH)
    assert refused.status_code == 422 and french in message(refused)
    refused = client.get("/api/bundles", params=query)
    assert refused.status_code == 422 and english in message(refused)


def test_too_many_facts_and_bad_filters_are_refused_in_french(client):
    facts = {f"f{n}": "x" for n in range(60)}
    refused = client.get("/api/bundles", params={"events": "birth", **facts}, headers=FRENCH)
    assert message(refused) == "trop de faits (au plus 50)"
    refused = client.get("/api/services", params={"event": "wedding"}, headers=FRENCH)
    assert message(refused).startswith("événement de la vie inconnu. Événements connus : ")
    refused = client.get("/api/services", params={"level": "galactic", "lang": "fr"})
    assert message(refused).startswith("doit être l'une des valeurs suivantes")
    refused = client.get("/api/services", params={"level": "galactic"})
    assert message(refused).startswith("must be one of")

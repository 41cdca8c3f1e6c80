"""The conversation's language: chosen by the page, else the browser's and then the
person's first clear words, switchable from the menu; it is what Rasa is told."""

from __future__ import annotations

from chat_support import say

FRENCH_BIRTH = "Bonjour, ma blonde vient d'accoucher pis on se demande quoi faire pour les papiers du bébé"
ENGLISH_DEATH = "My father passed away last week and I need to know what to do"


def start(chat, body=None, **headers):
    response = chat.post("/api/conversations", json=body if body is not None else {}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_page_choice_is_kept_whatever_the_person_writes(chat, rasa):
    body = start(chat, {"lang": "en"})
    assert body["lang"] == "en"
    reply = say(chat, body["id"], FRENCH_BIRTH).json()
    assert reply["lang"] == "en" and rasa.received[-1]["metadata"]["lang"] == "en"


def test_without_a_choice_the_browser_language_greets_and_the_first_words_decide(chat, rasa):
    body = start(chat, {}, **{"Accept-Language": "en-CA,en;q=0.9,fr;q=0.5"})
    assert body["lang"] == "en" and body["messages"][0]["text"].startswith("Hello")
    reply = say(chat, body["id"], FRENCH_BIRTH).json()
    assert reply["lang"] == "fr" and rasa.received[-1]["metadata"]["lang"] == "fr"
    later = say(chat, body["id"], ENGLISH_DEATH).json()  # decided once: later words do not flip it
    assert later["lang"] == "fr" and rasa.received[-1]["metadata"]["lang"] == "fr"
    assert chat.get(f"/api/conversations/{body['id']}/messages").json()["lang"] == "fr"


def test_a_french_browser_gets_a_french_welcome(chat):
    body = start(chat, {}, **{"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"})
    welcome = body["messages"][0]
    assert body["lang"] == "fr" and welcome["text"].startswith("Bonjour")
    assert welcome["buttons"][-1]["title"] == "Autre chose"


def test_words_too_short_to_tell_leave_the_decision_to_the_next_message(chat, rasa):
    body = start(chat, {})
    assert say(chat, body["id"], "bonjour").json()["lang"] == "en"
    assert say(chat, body["id"], FRENCH_BIRTH).json()["lang"] == "fr"


def test_the_menu_switches_the_conversation_and_tells_the_person(chat, rasa):
    body = start(chat, {"lang": "en"})
    switched = chat.post(f"/api/conversations/{body['id']}/lang", json={"lang": "fr"})
    assert switched.status_code == 200
    data = switched.json()
    assert data["lang"] == "fr" and data["messages"][0]["text"] == "Je continue en français."
    say(chat, body["id"], "my mother died")
    assert rasa.received[-1]["metadata"]["lang"] == "fr"
    again = chat.post(f"/api/conversations/{body['id']}/lang", json={"lang": "fr"}).json()
    assert again["messages"] == []  # no change, nothing said


def test_a_bad_language_switch_gets_a_clear_error(chat):
    body = start(chat, {"lang": "en"})
    assert chat.post(f"/api/conversations/{body['id']}/lang", json={"lang": "de"}).status_code == 422
    missing = chat.post("/api/conversations/nope/lang", json={"lang": "fr"})
    assert missing.status_code == 404 and "Start a new one" in missing.json()["detail"]


def test_the_router_speaks_the_conversation_language_when_rasa_is_down(chat, rasa):
    body = start(chat, {"lang": "fr"})
    rasa.down = True
    reply = say(chat, body["id"], FRENCH_BIRTH).json()
    notice = reply["messages"][-1]
    assert notice["text"].startswith("Désolé") and notice["buttons"][0]["title"] == "Parler à une personne"


def test_the_chat_page_in_french(chat):
    page = chat.get("/chat?lang=fr").text
    assert '<html lang="fr">' in page and 'data-lang-chosen="true"' in page
    assert "Passer au contenu principal" in page and "Skip to main content" not in page
    guessed = chat.get("/", headers={"Accept-Language": "fr"}).text
    assert '<html lang="fr">' in guessed and 'data-lang-chosen="false"' in guessed
    assert '<html lang="en">' in chat.get("/chat").text


def _bundle_reply(lang, text_lang="fr"):
    service = {
        "id": "birth_registration",
        "name": "Birth registration" if text_lang == "en" else "Enregistrement de la naissance",
        "level": "provincial",
        "organisation": {"id": "so", "name": "ServiceOntario"},
        "reason": "Pour tout bébé né en Ontario",
        "status": "may_apply",
        "deadline": {"text": "dans les 30 jours", "date": "2026-01-01", "overdue": False},
        "channels": [{"type": "online", "url": "https://www.ontario.ca/fr"}],
        "documents": [],
        "text_lang": text_lang,
    }
    bundle = {"lang": lang, "events": [{"id": "birth", "title": "Naissance"}], "services": [service], "questions": []}
    return lambda body: [{"recipient_id": body["sender"], "text": "Voici votre liste", "custom": {"bundle": bundle}}]


def test_the_printable_page_is_in_the_conversation_language(chat, rasa):
    conversation = start(chat, {"lang": "fr"})["id"]
    rasa.reply = _bundle_reply("fr")
    say(chat, conversation, "montre-moi ma liste")
    page = chat.get(f"/conversations/{conversation}/bundle").text
    assert '<html lang="fr">' in page and "Vos services" in page and "Pourrait vous concerner" in page
    assert "en ligne" in page and "Your services" not in page and "disponible en anglais" not in page


def test_the_printable_page_marks_a_service_only_in_english(chat, rasa):
    conversation = start(chat, {"lang": "fr"})["id"]
    rasa.reply = _bundle_reply("fr", text_lang="en")
    say(chat, conversation, "montre-moi ma liste")
    page = chat.get(f"/conversations/{conversation}/bundle").text
    assert '<span lang="en">Birth registration</span>' in page
    assert "(disponible en anglais seulement)" in page


def test_the_bundle_api_honours_accept_language_and_lang(chat, seed_snapshot):
    french_title = seed_snapshot.life_events["birth"].title["fr"]
    english_title = seed_snapshot.life_events["birth"].title["en"]
    by_header = chat.get("/api/bundles?events=birth", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).json()
    assert by_header["events"][0]["title"] == french_title
    explicit = chat.get("/api/bundles?events=birth&lang=en", headers={"Accept-Language": "fr"}).json()
    assert explicit["events"][0]["title"] == english_title
    assert chat.get("/api/bundles?events=birth").json()["events"][0]["title"] == english_title


def test_the_websocket_tells_the_page_when_the_first_words_set_the_language(chat, rasa):
    from support import receive_json

    conversation = start(chat, {}, **{"Accept-Language": "en"})["id"]
    with chat.websocket_connect(f"/api/conversations/{conversation}/ws?after=0") as socket:
        assert receive_json(socket)["type"] == "message"
        assert receive_json(socket) == {"type": "owner", "owner": "bot"}
        socket.send_json({"type": "message", "text": FRENCH_BIRTH})
        events = [receive_json(socket) for _ in range(3)]
    assert {"type": "lang", "lang": "fr"} in events
    assert [e["message"]["sender"] for e in events if e["type"] == "message"] == ["user", "bot"]


def test_refusals_come_in_the_conversation_language(chat, rasa):
    conversation = start(chat, {"lang": "fr"})["id"]
    refused = say(chat, conversation, payload="/crisis")
    assert refused.status_code == 422 and refused.json()["detail"].startswith("Ce bouton n'est plus proposé")

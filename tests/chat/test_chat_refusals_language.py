"""The chat's refusals are said in the conversation's language, else in the language the request asks for."""

import pytest
from support import receive_json

from bot.conversations.router import MessageRejected
from bot.web.rate_limit import TooManyRequests


def start(chat, lang):
    response = chat.post("/api/conversations", json={"lang": lang})
    assert response.status_code == 201
    return response.json()["id"]


def post(chat, conversation, body):
    return chat.post(f"/api/conversations/{conversation}/messages", json=body)


@pytest.mark.parametrize(
    "body, status, english, french",
    [
        ({"text": "   "}, 422, "Type a message first.", "Tapez d'abord un message."),
        ({"text": "x" * 2001}, 413, "at most 2000 characters", "au plus 2000 caractères"),
        ({"payload": "hello"}, 422, "not one OneWindow knows", "Ce bouton n'est pas un bouton que OneWindow"),
    ],
)
def test_a_refused_message_is_refused_in_the_conversations_language(chat, rasa, body, status, english, french):
    in_french, in_english = start(chat, "fr"), start(chat, "en")
    refused = post(chat, in_french, body)
    assert refused.status_code == status and french in refused.json()["detail"]
    refused = post(chat, in_english, body)
    assert refused.status_code == status and english in refused.json()["detail"]
    assert rasa.received == []


def test_an_unknown_conversation_is_refused_in_the_requests_language(chat):
    french = {"Accept-Language": "fr-CA,fr;q=0.9"}
    answer = chat.post("/api/conversations/no-such/messages", json={"text": "allo"}, headers=french)
    assert answer.status_code == 404 and "Cette conversation n'existe pas" in answer.json()["detail"]
    answer = chat.post("/api/conversations/no-such/messages?lang=en", json={"text": "hi"}, headers=french)
    assert answer.status_code == 404 and "No such conversation" in answer.json()["detail"]
    answer = chat.get("/api/conversations/no-such/messages", headers=french)
    assert answer.status_code == 404 and "Cette conversation n'existe pas" in answer.json()["detail"]
    answer = chat.get("/api/conversations/no-such/messages")
    assert answer.status_code == 404 and "No such conversation" in answer.json()["detail"]
    answer = chat.post("/api/conversations/no-such/lang", json={"lang": "fr"}, headers=french)
    assert answer.status_code == 404 and "Cette conversation n'existe pas" in answer.json()["detail"]


def test_no_printable_list_yet_is_said_in_the_conversations_language(chat):
    answer = chat.get(f"/conversations/{start(chat, 'fr')}/bundle")
    assert answer.status_code == 404 and "pas encore de liste de services" in answer.json()["detail"]
    answer = chat.get(f"/conversations/{start(chat, 'en')}/bundle", headers={"Accept-Language": "fr"})
    assert answer.status_code == 404 and "no list of services" in answer.json()["detail"]


def test_an_unknown_language_is_refused_in_the_language_asked_for():
    error = MessageRejected(422, "rejected_unknown_language", chosen="de", languages="en, fr")
    assert error.detail("fr").startswith("Langue inconnue « de »") and str(error).startswith("Unknown language 'de'")


def test_the_websocket_refuses_in_the_conversations_language(chat, rasa):
    conversation = start(chat, "fr")
    with chat.websocket_connect(f"/api/conversations/{conversation}/ws?after=0") as socket:
        assert receive_json(socket)["type"] == "message"
        assert receive_json(socket) == {"type": "owner", "owner": "bot"}
        socket.send_json({"type": "message", "text": "   "})
        assert receive_json(socket) == {"type": "error", "status": 422, "detail": "Tapez d'abord un message."}
        socket.send_json({"type": "message", "text": "allo", "client_message_id": "pas un id!"})
        refused = receive_json(socket)
        assert refused["status"] == 422 and refused["detail"].startswith("client_message_id doit compter")
        socket.send_json({"type": "message", "text": "allo \ud800"})
        assert (
            receive_json(socket)["detail"]
            == "Le message contient un caractère endommagé. Veuillez le taper de nouveau."
        )
        socket.send_json({"type": "message", "text": ["pas", "un", "texte"]})
        assert receive_json(socket)["detail"] == "Ce message n'a pas pu être lu. Veuillez le taper de nouveau."
    assert rasa.received == []


def test_too_many_requests_is_said_in_the_requests_language(seeded_app):
    from fastapi.testclient import TestClient

    seeded_app.state.settings.rate_conversations_per_client = 1
    with TestClient(seeded_app) as http:
        assert http.post("/api/conversations", json={"lang": "fr"}).status_code == 201
        refused = http.post("/api/conversations", json={"lang": "fr"}, headers={"Accept-Language": "fr"})
        assert refused.status_code == 429 and refused.json()["detail"].startswith("Trop de demandes")
        refused = http.post("/api/conversations?lang=en", json={}, headers={"Accept-Language": "fr"})
        assert refused.status_code == 429 and refused.json()["detail"].startswith("Too many requests")
    assert TooManyRequests(3, "fr").retry_after == "3"


def test_too_many_messages_is_said_in_the_conversations_language(chat_app):
    from fastapi.testclient import TestClient

    chat_app.state.settings.rate_messages_per_client = 1
    with TestClient(chat_app) as http:
        conversation = start(http, "fr")
        post(http, conversation, {"text": "allo"})
        refused = post(http, conversation, {"text": "allo encore"})  # a French page in an English browser
        assert refused.status_code == 429 and refused.json()["detail"].startswith("Trop de demandes")


def test_a_body_over_the_cap_is_refused_in_the_requests_language(chat):
    big = b'{"text": "' + b"a" * 300_000 + b'"}'
    answer = chat.post(
        "/api/conversations", content=big, headers={"content-type": "application/json", "Accept-Language": "fr"}
    )
    assert answer.status_code == 413 and answer.json()["detail"].startswith("Requête trop volumineuse")
    answer = chat.post("/api/conversations?lang=en", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and answer.json()["detail"].startswith("Request too large")


def test_a_body_fastapi_refuses_is_refused_in_the_language_asked_for(chat):
    french = {"Accept-Language": "fr-CA,fr;q=0.9"}
    body = {"lang": ["fr"]}  # a list where text goes: refused by FastAPI before any route runs
    refused = chat.post("/api/conversations", json=body, headers=french)
    assert refused.status_code == 422
    item = refused.json()["detail"][0]
    assert item == {"loc": ["body", "lang"], "msg": "Cette valeur n'est pas du type attendu.", "type": "type_error.str"}
    assert chat.post("/api/conversations?lang=fr", json=body).json()["detail"][0] == item
    in_english = chat.post("/api/conversations", json=body).json()["detail"][0]
    assert in_english == {**item, "msg": "str type expected"}  # FastAPI's own English answer, unchanged
    broken = chat.post(
        "/api/conversations", content=b"{not json", headers={**french, "content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["msg"] == "Le corps de la requête n'est pas un JSON valide."


def test_every_error_type_has_words_in_both_languages():
    from bot.web.invalid_request import KEYS, said

    for kind in [*KEYS, "type_error.integer", "value_error.something_new"]:
        for lang in ("en", "fr"):
            assert said({"type": kind, "ctx": {"limit_value": 5}}, lang).endswith(".")
    assert (
        said({"type": "value_error.any_str.max_length", "ctx": {"limit_value": 64}}, "fr") == "Au plus 64 caractères."
    )

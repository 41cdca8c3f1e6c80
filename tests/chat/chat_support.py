"""Small helpers for the chat tests."""


def start(chat) -> str:
    response = chat.post("/api/conversations", json={"lang": "en"})
    assert response.status_code == 201
    return response.json()["id"]


def say(chat, conversation_id, text=None, payload=None):
    return chat.post(f"/api/conversations/{conversation_id}/messages", json={"text": text, "payload": payload})

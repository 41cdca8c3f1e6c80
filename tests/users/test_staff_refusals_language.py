"""Sign-in checks refuse in the staff member's language (?lang=, the language switch's cookie, Accept-Language)."""

import pytest
from test_signin import sign_in, users  # noqa: F401 (the accounts fixture)

from bot.users import service
from bot.web.i18n import LANG_COOKIE
from onewindow_catalogue.database import session_scope

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}


def api_token(app, username):
    with session_scope(app.state.session_factory) as session:
        user = service.get_by_username(db_session=session, username=username)
        return service.create_api_token(db_session=session, user=user, name="test")


def test_no_sign_in_is_refused_in_the_requests_language(client, users):  # noqa: F811
    answer = client.get("/api/admin/services", headers=FRENCH)
    assert answer.status_code == 401 and answer.json()["detail"].startswith("Connectez-vous, ou envoyez un jeton")
    answer = client.get("/api/admin/services")
    assert answer.status_code == 401 and answer.json()["detail"].startswith("Sign in, or send an API token")


@pytest.mark.parametrize("how", ["header", "query", "cookie", "english"])
def test_a_missing_csrf_header_is_refused_in_the_staff_members_language(client, users, how):  # noqa: F811
    assert sign_in(client, "ana").status_code == 303
    headers = FRENCH if how == "header" else {}
    params = {"lang": "fr"} if how == "query" else None
    if how == "cookie":
        client.cookies.set(LANG_COOKIE, "fr")
    answer = client.post("/api/triage", json={"text": "my mother died"}, headers=headers, params=params)
    assert answer.status_code == 403
    expected = "Missing or wrong CSRF token" if how == "english" else "Jeton CSRF manquant ou erroné"
    assert answer.json()["detail"].startswith(expected)


def test_a_role_refusal_names_the_roles_in_the_staff_members_language(client, users):  # noqa: F811
    bearer = {"Authorization": f"Bearer {api_token(users, 'olu')}"}
    answer = client.post("/api/triage", json={"text": "my mother died"}, headers={**bearer, **FRENCH})
    assert answer.status_code == 403
    assert answer.json()["detail"] == (
        "Cette action nécessite le rôle agent ou administrateur, mais votre rôle est responsable de service."
    )
    answer = client.post("/api/triage", json={"text": "my mother died"}, headers=bearer)
    assert answer.json()["detail"] == "This needs the role agent or admin; you are signed in as owner."


def test_an_expired_form_is_refused_in_the_staff_members_language(client, users):  # noqa: F811
    assert sign_in(client, "ana").status_code == 303
    answer = client.post("/signout", data={"csrf_token": "forged"}, headers=FRENCH)
    assert answer.status_code == 403 and "Ce formulaire a expiré" in answer.text
    answer = client.post("/signout", data={"csrf_token": "forged"})
    assert answer.status_code == 403 and "This form has expired" in answer.text

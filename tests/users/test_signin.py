"""Accounts, sign-in pages, sessions, CSRF and rate limits through the real app."""

import re

import pytest

from bot.users import service, throttle
from bot.users.models import UserCreate
from onewindow_catalogue.database import session_scope

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture()
def users(seeded_app):
    with session_scope(seeded_app.state.session_factory) as session:
        for name, role, orgs in [
            ("ana", "agent", []),
            ("olu", "owner", ["canada-revenue-agency"]),
            ("root", "admin", []),
        ]:
            service.create(
                db_session=session,
                user_in=UserCreate(
                    username=name, display_name=name.title(), password=PASSWORD, role=role, organisations=orgs
                ),
            )
    return seeded_app


def signin_token(client):
    """The sign-in form's CSRF token (and its cookie, kept by the client), as a browser gets them."""
    client.cookies.delete("ow_session")  # a signed-in browser is sent on from /signin
    page = client.get("/signin", follow_redirects=False)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def sign_in(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password, "next": next_url, "csrf_token": signin_token(client)}
    return client.post("/signin", data=data, follow_redirects=False)


def test_passwords_are_hashed_with_argon2(users):
    with session_scope(users.state.session_factory) as session:
        user = service.get_by_username(db_session=session, username="ana")
        assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


def test_sign_in_sets_an_httponly_session_cookie_and_redirects_home(client, users):
    response = sign_in(client, "ana")
    assert response.status_code == 303 and response.headers["location"] == "/console"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert sign_in(client, "olu").headers["location"] == "/admin/catalogue"


def test_wrong_password_is_401_with_a_clear_message(client, users):
    response = sign_in(client, "ana", "wrong password!!")
    assert response.status_code == 401 and "Wrong user name or password." in response.text
    assert "ow_session" not in response.headers.get("set-cookie", "")


def test_repeated_failures_make_this_client_wait(client, users):
    for _ in range(throttle.FREE_PER_ACCOUNT_AND_CLIENT):
        assert sign_in(client, "ana", "nope nope nope").status_code == 401
    locked = sign_in(client, "ana")  # even the right password is refused for a while
    assert locked.status_code == 429 and "Too many failed sign-in attempts" in locked.text
    assert int(locked.headers["retry-after"]) > 0


def test_next_only_goes_to_this_site(client, users):
    assert sign_in(client, "ana", next_url="https://evil.example/").headers["location"] == "/console"
    assert sign_in(client, "ana", next_url="//evil.example/").headers["location"] == "/console"
    assert sign_in(client, "ana", next_url="/console/phone").headers["location"] == "/console/phone"


def test_sign_out_needs_the_csrf_token(client, users):
    sign_in(client, "ana")
    assert client.post("/signout", data={"csrf_token": "forged"}).status_code == 403
    with session_scope(users.state.session_factory) as session:
        signed_in = service.signed_in_by_session(db_session=session, token=client.cookies.get("ow_session"))
    response = client.post("/signout", data={"csrf_token": signed_in.csrf_token}, follow_redirects=False)
    assert response.status_code == 303
    with session_scope(users.state.session_factory) as session:
        assert service.signed_in_by_session(db_session=session, token=client.cookies.get("ow_session")) is None


def test_disabled_user_loses_sessions(client, users):
    sign_in(client, "ana")
    with session_scope(users.state.session_factory) as session:
        service.set_disabled(db_session=session, username="ana")
        assert service.signed_in_by_session(db_session=session, token=client.cookies.get("ow_session")) is None
    assert sign_in(client, "ana").status_code == 401


def test_api_tokens(users):
    with session_scope(users.state.session_factory) as session:
        user = service.get_by_username(db_session=session, username="olu")
        token = service.create_api_token(db_session=session, user=user, name="ci")
        signed_in = service.signed_in_by_token(db_session=session, token=token)
        assert signed_in.user.username == "olu" and signed_in.can_edit("canada-revenue-agency")
        assert not signed_in.can_edit("city-of-toronto")
        assert service.signed_in_by_token(db_session=session, token="ow_forged") is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"username": "Bad Name"}, "string does not match"),
        ({"password": "short"}, "at least 12"),
        ({"role": "king"}, "must be one of"),
        ({"role": "owner"}, None),
    ],
)
def test_user_create_validation(seeded_app, fields, message):
    data = {"username": "newbie", "display_name": "N", "password": PASSWORD, "role": "agent", **fields}
    if message:
        with pytest.raises(ValueError, match=message):
            UserCreate(**data)
    else:
        with (
            session_scope(seeded_app.state.session_factory) as session,
            pytest.raises(service.UserError, match="organisation"),
        ):
            service.create(db_session=session, user_in=UserCreate(**data))


def test_an_expired_session_is_refused_on_pages_and_the_api(client, users):
    """The session row outlives its expiry until purged: the expiry itself must refuse it."""
    import datetime as dt

    from bot.users.models import SessionRow

    assert sign_in(client, "olu").status_code == 303
    assert client.get("/admin/catalogue", follow_redirects=False).status_code == 200
    assert client.get("/api/admin/services").status_code == 200
    with session_scope(users.state.session_factory) as session:
        row = session.get(SessionRow, service._digest(client.cookies.get("ow_session")))
        row.expires_at = service.utcnow() - dt.timedelta(seconds=1)
    page = client.get("/admin/catalogue", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert client.get("/api/admin/services").status_code == 401
    with session_scope(users.state.session_factory) as session:
        row = session.get(SessionRow, service._digest(client.cookies.get("ow_session")))
        row.expires_at = service.utcnow() + dt.timedelta(minutes=1)  # the boundary: a minute left still works
    assert client.get("/admin/catalogue", follow_redirects=False).status_code == 200

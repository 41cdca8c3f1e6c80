"""New accounts and password changes: passwords an attacker would try first,
and organisations that do not exist, are refused with a message saying why."""

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.users import passwords, service
from bot.users.models import UserCreate
from onewindow_catalogue.database import session_scope

GOOD = "correct horse battery"


@pytest.mark.parametrize(
    "password, reason",
    [
        ("password1234", "most common"),
        ("Password2026!", "most common"),
        ("  qwertyuiop123 ", "most common"),
        ("iloveyou iloveyou", "repeats"),
        ("aaaaaaaaaaaa", "repeats"),
        ("abcabcabcabc", "repeats"),
        ("ababababcdcd", "repeats"),  # four distinct characters
        ("abcdefghijklm", "run along"),
        ("987654321098", "run along"),
        ("qwertyuiopas", "run along"),
        ("mnbvcxzlkjhg", "run along"),
        ("plum tree garden", None),
        ("winston.churchill", "user name"),
        ("llihcruhc.notsniw", "user name"),
        ("short", "at least 12"),
    ],
)
def test_password_rules(password, reason):
    found = passwords.problems(password, "winston.churchill")
    if reason is None:
        assert found == []
    else:
        assert found and reason in " ".join(found)


@pytest.mark.parametrize("password", [GOOD, "agent password 1", "Tr0ub4dor&3-x", "plum tree garden"])
def test_ordinary_passwords_pass(password):
    assert passwords.problems(password, "agent1") == []


def test_a_short_user_name_inside_a_phrase_is_not_the_user_name():
    assert passwords.problems("banana republic twelve", "ana") == []
    assert passwords.problems("anaanaanaana", "ana") != []  # but the name alone (repeated) still is


def test_the_common_list_is_a_data_file():
    common = passwords.common_passwords()
    assert passwords.COMMON_FILE.suffix == ".yml" and {"password", "123456", "qwerty"} <= common


def test_new_accounts_get_the_rules_with_a_clear_message():
    with pytest.raises(ValidationError, match="most common passwords"):
        UserCreate(username="bea", display_name="Bea", password="Password1234", role="agent")
    with pytest.raises(ValidationError, match="contains the user name"):
        UserCreate(username="beatrice", display_name="Bea", password="beatrice is my name", role="agent")


def test_changing_a_password_holds_it_to_the_same_rules_and_ends_sessions(seeded_app):
    with session_scope(seeded_app.state.session_factory) as session:
        user = service.create(
            db_session=session,
            user_in=UserCreate(username="bea", display_name="Bea", password=GOOD, role="agent"),
        )
        token, _ = service.start_session(db_session=session, user=user)
        with pytest.raises(service.UserError, match="most common"):
            service.set_password(db_session=session, username="bea", password="letmein123456")
        assert service.signed_in_by_session(db_session=session, token=token) is not None
        service.set_password(db_session=session, username="bea", password="a quite different phrase")
        assert service.signed_in_by_session(db_session=session, token=token) is None
        assert service.PASSWORDS.verify(user.password_hash, "a quite different phrase")


def test_an_unknown_organisation_is_refused_naming_the_valid_ones(seeded_app):
    with session_scope(seeded_app.state.session_factory) as session, pytest.raises(service.UserError) as error:
        service.create(
            db_session=session,
            user_in=UserCreate(
                username="olu", display_name="Olu", password=GOOD, role="owner", organisations=["service-canad"]
            ),
        )
    message = str(error.value)
    assert "unknown organisation 'service-canad'" in message and "did you mean 'service-canada'?" in message
    assert "canada-revenue-agency" in message and "onewindow catalogue export" in message
    with session_scope(seeded_app.state.session_factory) as session:
        assert service.get_by_username(db_session=session, username="olu") is None


def test_an_organisation_before_the_catalogue_is_loaded_says_what_to_run(settings):
    from bot.schema import create_schema
    from onewindow_catalogue.database import make_engine, make_session_factory

    engine = make_engine(settings.resolved_database_url())
    create_schema(engine)
    with session_scope(make_session_factory(engine)) as session, pytest.raises(service.UserError, match="db init"):
        service.create(
            db_session=session,
            user_in=UserCreate(username="olu", display_name="O", password=GOOD, role="owner", organisations=["x"]),
        )
    engine.dispose()


def test_the_cli_refuses_an_unknown_organisation_and_a_common_password(seeded_app, settings):
    from bot.cli import app

    runner = CliRunner(mix_stderr=False)
    base = ["users", "add", "olu", "--role", "owner", "--password", GOOD]
    refused = runner.invoke(app, [*base, "--organisation", "no-such-org"])
    assert refused.exit_code == 1 and "unknown organisation 'no-such-org'" in refused.stderr
    weak = runner.invoke(app, [*base[:-1], "password1234", "--organisation", "service-canada"])
    assert weak.exit_code == 1 and "most common passwords" in weak.stderr
    added = runner.invoke(app, [*base, "--organisation", "service-canada"])
    assert added.exit_code == 0, added.stderr

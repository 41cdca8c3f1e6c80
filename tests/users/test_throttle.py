"""The sign-in throttle's arithmetic at its boundaries, with the clock passed in."""

import datetime as dt

import pytest

from bot.users import throttle
from bot.users.models import SignInAttemptRow
from onewindow_catalogue.database import session_scope

T0 = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)
STRANGER = throttle.Client.of("203.0.113.9")
DEVICE = throttle.Client.of("203.0.113.9", "device-id-1")


def fail(session, client, times, username="ana", start=T0, every=dt.timedelta(seconds=1), succeeded=False):
    for number in range(times):
        session.add(
            SignInAttemptRow(username=username, client=client.key, succeeded=succeeded, at=start + number * every)
        )
    session.flush()
    return start + (times - 1) * every


@pytest.fixture()
def session(seeded_app):
    with session_scope(seeded_app.state.session_factory) as db_session:
        yield db_session


def test_free_failures_then_a_delay_that_doubles(session):
    last = fail(session, STRANGER, throttle.FREE_PER_ACCOUNT_AND_CLIENT - 1)
    assert throttle.wait_needed(session, "ana", STRANGER, now=last) == 0
    last = fail(session, STRANGER, 1, start=last + dt.timedelta(seconds=1))
    assert throttle.wait_needed(session, "ana", STRANGER, now=last) == 30
    assert throttle.wait_needed(session, "ana", STRANGER, now=last + dt.timedelta(seconds=30)) == 0
    last = fail(session, STRANGER, 1, start=last + dt.timedelta(seconds=31))
    assert throttle.wait_needed(session, "ana", STRANGER, now=last) == 60


def test_the_delay_never_exceeds_the_window(session):
    last = fail(session, STRANGER, 40)
    assert throttle.wait_needed(session, "ana", STRANGER, now=last) == throttle.WINDOW.total_seconds()


def test_failures_older_than_the_window_are_forgotten(session):
    last = fail(session, STRANGER, 8)
    assert throttle.wait_needed(session, "ana", STRANGER, now=last + throttle.WINDOW + dt.timedelta(seconds=1)) == 0


def test_a_success_clears_its_own_scope(session):
    last = fail(session, DEVICE, throttle.FREE_PER_ACCOUNT_AND_CLIENT)
    assert throttle.wait_needed(session, "ana", DEVICE, now=last) > 0
    ok = fail(session, DEVICE, 1, start=last + dt.timedelta(minutes=1), succeeded=True)
    assert throttle.wait_needed(session, "ana", DEVICE, now=ok) == 0


def test_strangers_hold_strangers_never_the_remembered_device(session):
    addresses = [throttle.Client.of(f"198.51.100.{n}") for n in range(throttle.FREE_PER_ACCOUNT)]
    for address in addresses:
        last = fail(session, address, 1)
    newcomer = throttle.Client.of("192.0.2.1")
    assert throttle.wait_needed(session, "ana", newcomer, now=last) > 0, "the account is held for unknown browsers"
    assert throttle.wait_needed(session, "ana", DEVICE, now=last) == 0
    assert throttle.wait_needed(session, "ben", newcomer, now=last) == 0, "and only that account"


def test_one_address_spraying_many_accounts_waits(session):
    for number in range(throttle.FREE_PER_CLIENT):
        last = fail(session, STRANGER, 1, username=f"user{number}", start=T0 + dt.timedelta(seconds=number))
    assert throttle.wait_needed(session, "someone", STRANGER, now=last) > 0
    assert throttle.wait_needed(session, "someone", throttle.Client.of("203.0.113.10"), now=last) == 0


def test_an_ipv6_host_is_one_client_across_its_64():
    one, other = throttle.Client.of("2001:db8:1:2::1"), throttle.Client.of("2001:db8:1:2:ffff::9")
    assert one == other and one.key == "2001:db8:1:2::/64"
    assert throttle.Client.of("2001:db8:1:3::1") != one
    assert throttle.Client.of("192.0.2.7").key == "192.0.2.7" and not throttle.Client.of("192.0.2.7").known


def test_attempts_older_than_a_day_are_forgotten_as_new_ones_come(session):
    from sqlalchemy import func, select

    fail(session, STRANGER, 50, start=T0 - throttle.KEEP - dt.timedelta(hours=1))
    throttle.record(session, "ana", STRANGER, False, now=T0)
    assert session.execute(select(func.count()).select_from(SignInAttemptRow)).scalar_one() == 1

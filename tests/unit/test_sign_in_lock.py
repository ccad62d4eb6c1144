"""app.services.sign_in at given moments: the lock ends, grows at each further lock up to
its cap, is forgotten a day later; two failures at once both count and lock once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification
from app.models.sign_ins import SignInEvent, SignInThrottle
from app.services import sign_in
from tests.conftest import DEMO_PASSWORD
from tests.races import pause_before_write, race, together

POLICY = sign_in.LockPolicy()  # 5 failures in 15 minutes; 5, 10, 20, 40, 60 minutes
CLIENT = sign_in.Client("10.0.0.1", "pytest")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _try(login: str, password: str, now: datetime) -> sign_in.Attempt:
    attempt = sign_in.attempt(login, password, CLIENT, POLICY, now)
    db.session.commit()
    return attempt


def _fail(login: str, times: int, start: datetime) -> sign_in.Attempt:
    for n in range(times):
        attempt = _try(login, "bad-password9", start + timedelta(seconds=n))
    return attempt


def test_the_lock_ends_by_itself(demo):
    locking = _fail("employee", 5, T0)
    assert locking.locked_until == T0 + timedelta(seconds=4, minutes=5)
    assert _try("employee", DEMO_PASSWORD, T0 + timedelta(minutes=5)).outcome == "locked"
    assert _try("employee", DEMO_PASSWORD, T0 + timedelta(minutes=6)).outcome == "success"


def test_each_further_lock_lasts_longer_up_to_the_cap(demo):
    start, lengths = T0, []
    for _lock in range(6):
        locking = _fail("employee", 5, start)
        lengths.append(locking.locked_until - (start + timedelta(seconds=4)))
        start = locking.locked_until + timedelta(seconds=1)
    assert lengths == [timedelta(minutes=m) for m in (5, 10, 20, 40, 60, 60)]


def test_the_lock_level_is_forgotten_a_day_after_the_lock(demo):
    first = _fail("employee", 5, T0)
    later = first.locked_until + timedelta(days=1, minutes=1)
    second = _fail("employee", 5, later)
    assert second.locked_until - (later + timedelta(seconds=4)) == timedelta(minutes=5)


def test_failures_outside_the_window_start_a_new_run(demo):
    _fail("employee", 4, T0)
    attempt = _try("employee", "bad-password9", T0 + timedelta(minutes=16))
    assert attempt.locked_until is None
    row = db.session.get(SignInThrottle, "employee")
    assert row.failures == 1


def test_a_deactivated_account_with_the_right_password_is_not_a_failure(demo):
    from tests.learning_factories import person

    person("trainer").active = False
    db.session.commit()
    for n in range(6):
        attempt = _try("trainer", DEMO_PASSWORD, T0 + timedelta(seconds=n))
        assert attempt.outcome == "deactivated" and attempt.locked_until is None


def test_control_characters_and_long_logins_are_stored_cleaned(demo):
    attempt = _try("a\x00b" + "c" * 100, "x", T0)
    assert attempt.outcome == "unknown_account"
    assert db.session.scalar(select(SignInEvent.login)) == "ab" + "c" * 62


def test_two_failures_at_once_both_count_and_lock_once(app, demo):
    _fail("employee", 3, T0)
    moment = T0 + timedelta(minutes=1)

    def fail():
        attempt = sign_in.attempt("employee", "bad-password9", CLIENT, POLICY, moment)
        db.session.commit()
        return attempt

    # both have read the (unlocked) state and checked the password before either writes
    with pause_before_write(together(2), table="sign_in_throttles"):
        results = race(app, fail, fail)
    assert sorted(r.locked_until is not None for r in results) == [False, True]
    assert db.session.get(SignInThrottle, "employee").locks == 1
    assert db.session.scalar(select(func.count()).select_from(SignInEvent).where(
        SignInEvent.outcome == "wrong_password")) == 5
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "account_locked")) == 1


def test_prune_forgets_idle_counters_but_keeps_a_lock(demo):
    from app.services.sign_in_log import prune

    _fail("idle-login", 2, T0)
    _fail("employee", 5, T0 + timedelta(days=1, minutes=50))  # locked until 1 day 55 min
    events, counters = prune(T0 + timedelta(days=1, minutes=52), days=1)
    db.session.commit()
    assert (events, counters) == (2, 1)
    assert list(db.session.scalars(select(SignInThrottle.login))) == ["employee"]

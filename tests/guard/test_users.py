from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from threadline.guard import (
    Actor,
    SignInLocked,
    UserError,
    UserRole,
    authenticate,
    create_user,
    end_sessions,
    get_user,
    list_users,
    read_log,
    set_active,
    set_password,
    set_role,
)
from threadline.guard.lockout import Failures, after_failure, lock_length, lock_of
from threadline.store.tables import users

PASSWORD = "plum tree at dusk 42"


def test_password_is_stored_as_an_argon2id_hash(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    create_user(engine, "Ann.Kerrow", "Ann Kerrow", "analyst", PASSWORD, now, hasher=hasher)
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_authenticate_accepts_the_right_password_only(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    created = create_user(
        engine, "ann.kerrow", "Ann Kerrow", "analyst", PASSWORD, now, hasher=hasher
    )
    assert created.role is UserRole.analyst
    assert created.created_at == now
    user = authenticate(engine, " Ann.Kerrow ", PASSWORD, hasher=hasher)
    assert user is not None and user.username == "ann.kerrow"
    assert authenticate(engine, "ann.kerrow", PASSWORD + "x", hasher=hasher) is None
    assert authenticate(engine, "nobody", PASSWORD, hasher=hasher) is None


def test_inactive_user_cannot_sign_in(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    create_user(engine, "ben", "Ben Trewin", "officer", PASSWORD, now, hasher=hasher)
    set_active(engine, "ben", False)
    assert authenticate(engine, "ben", PASSWORD, hasher=hasher) is None
    set_active(engine, "ben", True)
    assert authenticate(engine, "ben", PASSWORD, hasher=hasher) is not None


def test_set_password_changes_the_password_and_the_session_stamp(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    before = create_user(engine, "cara", "Cara Polglase", "officer", PASSWORD, now, hasher=hasher)
    after = set_password(engine, "cara", "a different long phrase", hasher=hasher)
    assert after.session_stamp != before.session_stamp
    assert authenticate(engine, "cara", PASSWORD, hasher=hasher) is None
    assert authenticate(engine, "cara", "a different long phrase", hasher=hasher) is not None


def test_weak_hash_is_upgraded_on_sign_in(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    create_user(engine, "dan", "Dan Hosken", "officer", PASSWORD, now, hasher=hasher)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert authenticate(engine, "dan", PASSWORD, hasher=stronger) is not None
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert "m=2048,t=2,p=1" in stored


@pytest.mark.parametrize(
    ("username", "role", "password", "field"),
    [
        ("x", "officer", PASSWORD, "username"),
        ("has space", "officer", PASSWORD, "username"),
        ("eve", "constable", PASSWORD, "role"),
        ("eve", "officer", "short", "password"),
        ("eve.longname12", "officer", "EVE.LONGNAME12", "password"),
    ],
)
def test_unfit_input_names_the_field(
    engine: Engine,
    hasher: PasswordHasher,
    now: datetime,
    username: str,
    role: str,
    password: str,
    field: str,
) -> None:
    with pytest.raises(UserError) as raised:
        create_user(engine, username, "Eve Angove", role, password, now, hasher=hasher)
    assert raised.value.field == field
    assert list_users(engine) == []


def test_duplicate_username_is_refused(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    create_user(engine, "fay", "Fay Rowe", "auditor", PASSWORD, now, hasher=hasher)
    with pytest.raises(UserError) as raised:
        create_user(engine, "FAY", "Fay Other", "admin", PASSWORD, now, hasher=hasher)
    assert raised.value.field == "username"
    assert [u.display_name for u in list_users(engine)] == ["Fay Rowe"]


def test_list_and_get_users(engine: Engine, hasher: PasswordHasher, now: datetime) -> None:
    create_user(engine, "zed", "Zed Nance", "admin", PASSWORD, now, hasher=hasher)
    create_user(engine, "amy", "Amy Nance", "call_handler", PASSWORD, now, hasher=hasher)
    assert [u.username for u in list_users(engine)] == ["amy", "zed"]
    found = get_user(engine, "ZED")
    assert found is not None and found.role is UserRole.admin and found.active
    assert get_user(engine, "nobody") is None


# --- issue 27, finding 6: password policy, lockout, revocation, audited changes -----------------


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # accepted before: 12 characters
        "aaaaaaaaaaaa",
        "qwertyuiop12",
        "abcdefghijklmnop",
        "Penhallow1985",  # built on the display name
        "mo.penhallow!",  # built on the username
    ],
)
def test_common_or_guessable_passwords_are_refused(
    engine: Engine, hasher: PasswordHasher, now: datetime, password: str
) -> None:
    with pytest.raises(UserError) as raised:
        create_user(engine, "mo.penhallow", "Mo Penhallow", "officer", password, now, hasher=hasher)
    assert raised.value.field == "password"
    assert "password" in raised.value.message or "characters" in raised.value.message


def test_a_password_is_taken_as_typed_with_its_spaces(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    create_user(engine, "gus", "Gus Tregear", "officer", f"  {PASSWORD} ", now, hasher=hasher)
    assert authenticate(engine, " GUS ", f"  {PASSWORD} ", hasher=hasher, now=now) is not None
    assert authenticate(engine, "gus", PASSWORD, hasher=hasher, now=now) is None


def test_the_lockout_rule_counts_five_in_fifteen_minutes_and_backs_off(now: datetime) -> None:
    """CJIS Security Policy 5.5.3: "no more than 5 consecutive invalid access attempts"."""
    state = Failures()
    for minute in range(4):
        state = after_failure(state, now + timedelta(minutes=minute))
    assert state.failures == 4 and state.locked_at(now) is None
    # a fifth failure outside the window starts the count again
    late = after_failure(state, now + timedelta(minutes=16))
    assert late.failures == 1 and late.locked_at(now + timedelta(minutes=16)) is None
    locked = after_failure(state, now + timedelta(minutes=4))
    assert locked.locked_at(now + timedelta(minutes=4)) == now + timedelta(minutes=19)
    assert locked.locked_at(now + timedelta(minutes=19)) is None
    assert [lock_length(n) for n in (1, 2, 3, 8, 20)] == [
        timedelta(minutes=15),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(days=1),
        timedelta(days=1),
    ]


def test_a_locked_name_is_refused_without_checking_the_password(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    create_user(engine, "ivy", "Ivy Rowe", "officer", PASSWORD, now, hasher=hasher)
    for _ in range(5):
        assert authenticate(engine, "ivy", "wrong password again", hasher=hasher, now=now) is None
    with pytest.raises(SignInLocked) as raised:
        authenticate(engine, "IVY", PASSWORD, hasher=hasher, now=now + timedelta(minutes=14))
    assert raised.value.until == now + timedelta(minutes=15)
    after = now + timedelta(minutes=15)
    assert authenticate(engine, "ivy", PASSWORD, hasher=hasher, now=after) is not None
    assert lock_of(engine, "ivy") == Failures(), "a right password clears the count"


def test_ending_sessions_changes_the_stamp(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    before = create_user(engine, "jem", "Jem Pascoe", "analyst", PASSWORD, now, hasher=hasher)
    end_sessions(engine, "JEM")
    after = get_user(engine, "jem")
    assert after is not None and after.session_stamp != before.session_stamp


def test_each_change_by_an_administrator_is_audited(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    admin = Actor("root.admin", "admin")
    create_user(engine, "kay", "Kay Hosken", "officer", PASSWORD, now, hasher=hasher, actor=admin)
    set_active(engine, "kay", False, actor=admin, now=now)
    set_active(engine, "kay", True, actor=admin, now=now)
    set_role(engine, "kay", "supervisor", actor=admin, now=now)
    set_password(engine, "kay", "seven gulls over the quay", hasher=hasher, actor=admin, now=now)
    rows = sorted(read_log(engine), key=lambda r: r.id)
    assert [(r.user, r.role, r.action, r.records) for r in rows] == [
        ("root.admin", "admin", "users.manage", ["user:kay"])
    ] * 5
    assert [r.detail for r in rows] == [
        {"change": "created", "role": "officer"},
        {"change": "disabled"},
        {"change": "enabled"},
        {"change": "role", "from": "officer", "role": "supervisor"},
        {"change": "password reset"},
    ]
    assert "seven gulls" not in str(rows)
    kay = get_user(engine, "kay")
    assert kay is not None and kay.role is UserRole.supervisor and kay.active
    with pytest.raises(UserError) as raised:
        set_role(engine, "kay", "constable", actor=admin, now=now)
    assert raised.value.field == "role"
    with pytest.raises(UserError):
        set_active(engine, "nobody", False, actor=admin, now=now)
    assert len(read_log(engine)) == 5, "a refused change writes no row"


def test_an_administrator_may_not_disable_themselves_or_change_their_own_role(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    """The account rule is the library's, so the API and the command line keep it alike."""
    create_user(engine, "bryn", "Bryn Tregear", "admin", PASSWORD, now, hasher=hasher)
    create_user(engine, "cerys", "Cerys Penrose", "admin", PASSWORD, now, hasher=hasher)
    bryn = Actor("bryn", "admin")
    with pytest.raises(UserError) as own_account:
        set_active(engine, " Bryn ", False, actor=bryn, now=now)
    assert own_account.value.field == "active"
    with pytest.raises(UserError) as own_role:
        set_role(engine, "bryn", "officer", actor=bryn, now=now)
    assert own_role.value.field == "role"
    assert read_log(engine) == [], "a refused change writes no row"
    kept = get_user(engine, "bryn")
    assert kept is not None and kept.active and kept.role is UserRole.admin
    # enabling oneself, keeping one's role and resetting one's password change nothing refused
    set_active(engine, "bryn", True, actor=bryn, now=now)
    set_role(engine, "bryn", "admin", actor=bryn, now=now)
    set_password(engine, "bryn", "seven gulls over the quay", hasher=hasher, actor=bryn, now=now)
    # another administrator may
    cerys = Actor("cerys", "admin")
    assert set_role(engine, "bryn", "officer", actor=cerys, now=now).role is UserRole.officer
    assert not set_active(engine, "bryn", False, actor=cerys, now=now).active


def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    """A password hashed with weaker parameters than the hasher's is hashed again when it is
    next given, and the new hash signs in."""
    create_user(engine, "ann.kerrow", "Ann Kerrow", "analyst", PASSWORD, now, hasher=hasher)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert authenticate(engine, "ann.kerrow", PASSWORD, hasher=stronger, now=now) is not None
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert not stronger.check_needs_rehash(stored) and "m=2048,t=2" in stored
    assert authenticate(engine, "ann.kerrow", PASSWORD, hasher=stronger, now=now) is not None
    assert authenticate(engine, "ann.kerrow", "wrong", hasher=stronger, now=now) is None


def test_a_password_changed_while_its_old_hash_is_replaced_stays_changed(
    engine: Engine, hasher: PasswordHasher, now: datetime
) -> None:
    """An administrator sets a new password between the old one being checked and its hash
    being replaced: the rehash of the old password must not bring it back."""
    create_user(engine, "ann.kerrow", "Ann Kerrow", "analyst", PASSWORD, now, hasher=hasher)
    new = "quiet harbour lamp 17"

    class ChangedMeanwhile(PasswordHasher):
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            if password == PASSWORD:  # the rehash of the old password: the change lands first
                set_password(engine, "ann.kerrow", new, hasher=hasher, now=now)
            return super().hash(password, salt=salt)

    stronger = ChangedMeanwhile(time_cost=2, memory_cost=2048, parallelism=1)
    authenticate(engine, "ann.kerrow", PASSWORD, hasher=stronger, now=now)
    assert authenticate(engine, "ann.kerrow", PASSWORD, hasher=hasher, now=now) is None
    assert authenticate(engine, "ann.kerrow", new, hasher=hasher, now=now) is not None

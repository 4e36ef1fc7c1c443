from __future__ import annotations

from datetime import datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from threadline.guard import (
    UserError,
    UserRole,
    authenticate,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
)
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

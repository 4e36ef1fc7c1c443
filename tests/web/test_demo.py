"""Demo accounts: one per role, new passwords each time, never duplicated."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import Engine

from threadline.guard import UserRole, authenticate, list_users, set_active
from threadline.web import create_demo_users

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_one_user_per_role_and_a_second_run_resets_their_passwords(
    store: Engine, hasher: PasswordHasher
) -> None:
    first = create_demo_users(store, NOW, hasher=hasher)
    assert [role for _user, role, _password in first] == [r.value for r in UserRole]
    set_active(store, "demo-analyst", False)
    second = create_demo_users(store, NOW, hasher=hasher)
    assert len(list_users(store)) == len(UserRole)
    for (name, role, old), (again, _role, new) in zip(first, second, strict=True):
        assert name == again and old != new and len(new) >= 20
        assert authenticate(store, name, old, hasher=hasher) is None
        user = authenticate(store, name, new, hasher=hasher)
        assert user is not None and user.role.value == role and user.active

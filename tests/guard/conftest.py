"""Guard fixtures: a cheap argon2 hasher (real algorithm, tiny cost) and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

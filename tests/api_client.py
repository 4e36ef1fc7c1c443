"""The API on a private copy of the resolved small force: the client, its store, a user per role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PASSWORD = "granite harbour lantern"


@dataclass
class Api:
    client: TestClient
    engine: Engine
    auth: Callable[[str], dict[str, str]]

"""A record and its audit row commit together: when the audit row cannot be written, the record
is not stored either (``POST /api/orders``, ``POST /api/assessments`` and the assessment form;
``POST /api/incidents`` has done so since its submissions were grouped)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, func, select

from factories import order, person
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import audit, read_log, verify
from threadline.resolve.linkage import LinkageModel
from threadline.risk import load_checklist
from threadline.settings import Settings
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def app(
    engine: Engine, config: ApiConfig, hasher: PasswordHasher, small_model: LinkageModel
) -> FastAPI:
    return create_app(
        Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher,
        linkage_model=small_model,
    )  # fmt: skip


def dash(ref: str = "DASH-9") -> dict[str, Any]:
    return {
        "kind": "risk_assessment",
        "ref": ref,
        "checklist": "dash",
        "incident_ref": "INC-D9",
        "subject": person("victim", forenames="Alys", surname="Penhallow", dob="1991-04-12"),
        "assessed_at": "2026-03-01T09:00:00Z",
        "officer": "PC 4471",
        "answers": {q: "no" for q in load_checklist("dash").question_ids},
    }


class AuditDown(RuntimeError):
    """The audit row could not be written (a full disk, a lost connection)."""


@pytest.fixture
def audit_fails(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every audit row written for ``orders.import`` or ``assessment.submit`` fails."""
    real = audit.record

    def failing(conn: Any, user: str, role: str, action: str, *args: Any, **kw: Any) -> Any:
        if action in ("orders.import", "assessment.submit"):
            raise AuditDown(action)
        return real(conn, user, role, action, *args, **kw)

    monkeypatch.setattr(audit, "record", failing)
    yield


def count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize(
    ("path", "body", "table"),
    [
        ("/api/orders", order("SPO-A1"), t.orders),
        ("/api/assessments", dash(), t.risk_assessments),
    ],
)
def test_a_record_whose_audit_row_fails_is_not_stored(
    client: TestClient,
    auth: Auth,
    engine: Engine,
    audit_fails: None,
    path: str,
    body: dict[str, Any],
    table: Table,
) -> None:
    with pytest.raises(AuditDown):
        client.post(path, json=body, headers=auth("officer"))
    assert count(engine, table) == 0, "stored without its audit row"
    assert count(engine, t.entities) == 0, "its people were not resolved either"
    assert read_log(engine) == []


@pytest.mark.parametrize(
    ("path", "body", "table", "action"),
    [
        ("/api/orders", order("SPO-A1"), t.orders, "orders.import"),
        ("/api/assessments", dash(), t.risk_assessments, "assessment.submit"),
    ],
)
def test_a_stored_record_has_its_audit_row(
    client: TestClient,
    auth: Auth,
    engine: Engine,
    path: str,
    body: dict[str, Any],
    table: Table,
    action: str,
) -> None:
    response = client.post(path, json=body, headers=auth("officer"))
    assert response.status_code == 200, response.text
    assert count(engine, table) == 1
    [row] = read_log(engine)
    assert row.action == action and row.records[0] == response.json()["record_key"]
    assert row.client == "testclient" and verify(engine).ok

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from threadline.guard import User, read_log
from threadline.store.tables import audit_log


def test_auditor_reads_the_log_and_the_reading_is_logged(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    engine: Engine,
) -> None:
    client.get("/api/people/P-1", headers=auth("officer"), params={"purpose": "INC-3"})
    response = client.get("/api/audit", headers=auth("auditor"))
    assert response.status_code == 200
    [row] = response.json()
    assert row["user"] == "officer" and row["purpose"] == "INC-3"
    assert row["action"] == "person.view"
    newest = read_log(engine, limit=1)[0]
    assert newest.action == "audit.read" and newest.user == "auditor"
    filtered = client.get("/api/audit", headers=auth("auditor"), params={"user": "auditor"})
    assert [r["action"] for r in filtered.json()] == ["audit.read"]


def test_auditor_verifies_the_chain_and_sees_tampering(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    engine: Engine,
) -> None:
    for purpose in ("INC-3", "INC-4", "INC-5"):
        client.get("/api/people/P-1", headers=auth("officer"), params={"purpose": purpose})
    verdict = client.get("/api/audit/verify", headers=auth("auditor")).json()
    assert verdict["ok"] and verdict["rows_checked"] == 3
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(purpose="routine"))
    verdict = client.get("/api/audit/verify", headers=auth("auditor")).json()
    assert not verdict["ok"]
    assert verdict["first_bad_row_id"] == 2
    assert "audit row 2" in verdict["reason"]


def test_audit_query_is_validated(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    response = client.get("/api/audit", headers=auth("auditor"), params={"limit": "0"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "limit"
    response = client.get("/api/audit", headers=auth("auditor"), params={"since": "yesterday"})
    assert response.json()["error"]["field"] == "since"

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, update

from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import User, head, read_log, set_active, verify
from threadline.settings import Settings
from threadline.store.tables import audit_log

Auth = Callable[[str], dict[str, str]]


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


def test_refused_purposeless_and_failed_sign_in_attempts_are_audited_with_their_address(
    app: FastAPI, users: dict[str, User], auth: Callable[[str], dict[str, str]], engine: Engine
) -> None:
    """401 (no or a bad credential), 403 (not for the role), 400 (no purpose) and a wrong
    password each leave a row naming who (if known), from where, what was asked and why not."""
    with TestClient(app, client=("203.0.113.9", 50123)) as client:
        assert client.get("/api/people/P-1", params={"purpose": "INC-3"}).status_code == 401
        bad = {"Authorization": "Bearer not-a-token"}
        assert client.get("/api/audit", headers=bad).status_code == 401
        assert client.get("/api/audit", headers=auth("analyst")).status_code == 403
        assert client.get("/api/people/P-1", headers=auth("officer")).status_code == 400
        wrong = {"username": "officer", "password": "not the password"}
        assert client.post("/api/login", json=wrong).status_code == 401
        form = {"username": "nobody", "password": "guess"}
        assert client.post("/api/token", data=form).status_code == 401
        page = {**auth("officer"), "Accept": "text/html"}
        assert client.get("/stats", headers=page).status_code == 403, "a page, as the API"
    rows = list(reversed(read_log(engine)))
    assert [(r.action, r.user, r.role, r.detail and r.detail["status"]) for r in rows] == [
        ("access.refused", "", "", 401),
        ("access.refused", "", "", 401),
        ("access.refused", "analyst", "analyst", 403),
        ("access.refused", "officer", "officer", 400),
        ("signin.failed", "officer", "", 401),
        ("signin.failed", "nobody", "", 401),
        ("access.refused", "officer", "officer", 403),
    ]
    assert {r.client for r in rows} == {"203.0.113.9"}
    assert all(r.records == [] for r in rows), "a refusal discloses nothing"
    assert rows[2].detail is not None and rows[2].detail["action"] == "audit.read"
    assert rows[2].detail["path"] == "/api/audit" and rows[2].detail["method"] == "GET"
    assert "may not read the audit log" in rows[2].detail["reason"]
    assert verify(engine).ok


def test_an_ended_session_is_audited_under_the_name_it_claimed(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    engine: Engine,
) -> None:
    headers = auth("officer")
    set_active(engine, "officer", False)
    assert client.get("/api/me", headers=headers).status_code == 401
    [row] = read_log(engine)
    assert (row.action, row.user, row.detail and row.detail["status"]) == (
        "access.refused", "officer", 401,
    )  # fmt: skip
    assert (
        row.detail is not None and row.detail["reason"] == "this session has ended: sign in again"
    )


def test_every_row_carries_the_client_address(
    app: FastAPI, users: dict[str, User], auth: Callable[[str], dict[str, str]], engine: Engine
) -> None:
    with TestClient(app, client=("2001:db8::17", 443)) as client:
        client.get("/api/people/P-1", headers=auth("officer"), params={"purpose": "INC-3"})
        client.get("/api/audit", headers=auth("auditor"))
    rows = read_log(engine)
    assert [(r.action, r.client) for r in rows] == [
        ("audit.read", "2001:db8::17"),
        ("person.view", "2001:db8::17"),
    ]
    assert verify(engine).ok


def test_a_row_with_a_field_of_the_wrong_type_is_a_409_naming_it_not_a_500(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    engine: Engine,
) -> None:
    client.get("/api/audit", headers=auth("auditor"))  # row 1: audit.read, records []
    client.get("/api/people/P-1", headers=auth("officer"), params={"purpose": "INC-3"})
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 1).values(records={}))
    response = client.get("/api/audit", headers=auth("auditor"))
    assert response.status_code == 409
    assert "audit row 1: records is an object, not a list of text" in response.text
    verdict = client.get("/api/audit/verify", headers=auth("auditor")).json()
    assert not verdict["ok"] and verdict["first_bad_row_id"] == 1


def test_verify_checks_a_given_head_and_the_servers_anchor_file(
    engine: Engine,
    config: ApiConfig,
    hasher: PasswordHasher,
    users: dict[str, User],
    tmp_path: Path,
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    settings = Settings(audit_anchor_path=anchors, audit_anchor_every=2)
    app = create_app(settings, engine, config=config, password_hasher=hasher)
    with TestClient(app) as client:
        officer = {"Authorization": f"Bearer {app.state.tokens.issue(users['officer'])}"}
        auditor = {"Authorization": f"Bearer {app.state.tokens.issue(users['auditor'])}"}
        for purpose in ("INC-3", "INC-4", "INC-5", "INC-6"):
            client.get("/api/people/P-1", headers=officer, params={"purpose": purpose})
        noted = head(engine)
        assert noted is not None and noted.rows == 4
        assert [json.loads(line)["rows"] for line in anchors.read_text().splitlines()] == [2]
        given = {"head_rows": noted.rows, "head_hash": noted.hash}
        verdict = client.get("/api/audit/verify", headers=auditor, params=given).json()
        assert verdict["ok"] and verdict["anchors_checked"] == 2
        with engine.begin() as conn:
            conn.execute(delete(audit_log).where(audit_log.c.id >= 4))
        verdict = client.get("/api/audit/verify", headers=auditor).json()
        assert verdict["ok"], "the anchor file's head (row 2) is still there"
        verdict = client.get("/api/audit/verify", headers=auditor, params=given).json()
        assert not verdict["ok"] and verdict["first_bad_row_id"] == 4
        assert "log truncated" in verdict["reason"]
        with engine.begin() as conn:
            conn.execute(delete(audit_log))
        verdict = client.get("/api/audit/verify", headers=auditor).json()
        assert not verdict["ok"] and verdict["first_bad_row_id"] == 2
        half = client.get("/api/audit/verify", headers=auditor, params={"head_rows": 3})
        assert half.status_code == 400 and half.json()["error"]["field"] == "head_hash"

"""The auditor's audit-log page (issue 24): filtered by user, person, purpose, action and date;
a verify button that shows whether the chain holds and its head; reading the log is logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from threadline.guard.audit import read_log, record
from web.conftest import NOW

ROWS = [  # user, role, action, records, purpose, days before NOW
    ("officer-a", "officer", "person.view", ["person:P0000042"], "call back on INC-1", 0),
    ("officer-b", "officer", "person.view", ["person:P0000077"], "Safeguarding visit", 0),
    ("officer-a", "officer", "incident.view", ["incident-ref:INC/1"], "research INC-1", 3),
    ("analyst-c", "analyst", "person.view", ["person:P0000042", "person:P_000042"], "chart", 9),
]


@pytest.fixture
def logged(store: Engine) -> Engine:
    for user, role, action, records, purpose, days in ROWS:
        with store.begin() as conn:
            record(conn, user, role, action, records, purpose, None, NOW - timedelta(days=days))
    return store


def _ids(page: str) -> list[str]:
    return [line.split('"')[1] for line in page.split("data-row=")[1:]]


def test_the_auditor_filters_the_log_by_person_user_purpose_and_date(
    logged: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    auditor = signed_in("auditor")
    assert 'href="/audit"' in auditor.get("/").text
    by_person = auditor.get("/audit", params={"person": "P0000042"}).text
    assert len(_ids(by_person)) == 2  # not P_000042: "_" is matched as itself
    by_user = auditor.get("/audit", params={"by": "officer-a"}).text
    assert len(_ids(by_user)) == 2
    by_purpose = auditor.get("/audit", params={"purpose": "inc-1"}).text
    assert len(_ids(by_purpose)) == 2
    day = (NOW - timedelta(days=3)).date().isoformat()
    one_day = auditor.get("/audit", params={"from": day, "to": day}).text
    assert 'href="/incidents/INC%2F1"' in one_day and len(_ids(one_day)) == 1
    assert auditor.get("/audit", params={"action": "incident.view"}).text.count("data-row=") == 1
    read = [r for r in read_log(logged, action="audit.read", limit=100)]
    assert {"person": "P0000042"}.items() <= read[-1].detail.items()
    assert signed_in("officer").get("/audit").status_code == 403


def test_the_verify_button_shows_the_head_and_catches_a_changed_row(
    logged: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    auditor = signed_in("auditor")
    page = auditor.get("/audit", params={"verify": "true"}).text
    assert 'data-verify="ok"' in page and "Chain verified: intact." in page
    rows = page.split("data-head-rows>")[1].split("<")[0]
    head_hash = page.split("data-head-hash>")[1].split("<")[0]
    assert int(rows) >= len(ROWS) and len(head_hash) == 64
    noted = {"verify": "true", "head_rows": rows, "head_hash": head_hash}
    assert 'data-verify="ok"' in auditor.get("/audit", params=noted).text
    with logged.begin() as conn:
        conn.execute(text("update audit_log set purpose = 'nothing to see' where id = 2"))
    broken = auditor.get("/audit", params=noted).text
    assert 'data-verify="failed"' in broken and "First row that does not fit: 2." in broken


def test_the_forms_as_a_browser_sends_them_with_empty_fields_work(
    logged: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    """A browser sends every field of a form, empty ones as ``name=``: an empty date or an
    empty noted head is no filter, not a refused form."""
    auditor = signed_in("auditor")
    empty = "/audit?by=officer-a&person=&purpose=&action=&from=&to="
    page = auditor.get(empty)
    assert page.status_code == 200 and len(_ids(page.text)) == 2
    verified = auditor.get("/audit?verify=true&head_rows=&head_hash=")
    assert verified.status_code == 200 and 'data-verify="ok"' in verified.text
    assert auditor.get("/audit?from=31/12/2025").status_code == 422
    assert auditor.get("/audit?verify=true&head_rows=12&head_hash=nothex").status_code == 422

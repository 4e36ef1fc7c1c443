"""Find a person on a page (issue 24: "a person search by name, in the web"): the same search as
the API, the purpose asked first and logged, namesakes told apart, a victim's area withheld."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from threadline.guard import UserRole, create_user, read_log
from web.conftest import HTML, NOW, PASSWORD, make_app

WHY = "call back on INC-7"


@pytest.fixture
def victim(small_force: Path) -> dict[str, Any]:
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return dict(truth["people"][series["victims"][0]])


@pytest.fixture
def browse(resolved_store: Any, hasher: PasswordHasher) -> Callable[[str], TestClient]:
    engine, model = resolved_store
    app = make_app(engine, hasher, linkage_model=model)
    for role in UserRole:
        create_user(engine, role.value, role.value, role, PASSWORD, NOW, hasher=hasher)

    def client(role: str) -> TestClient:
        browser = TestClient(app, headers=HTML)
        signed = browser.post("/api/login", json={"username": role, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        return browser

    client.engine = engine  # type: ignore[attr-defined]
    return client


def test_the_search_asks_why_first_then_finds_and_logs_the_search(
    browse: Callable[[str], TestClient], victim: dict[str, Any]
) -> None:
    handler = browse("call_handler")
    home = handler.get("/")
    assert 'href="/search"' in home.text
    query = {"forenames": victim["forenames"], "surname": victim["surname"]}
    unasked = handler.get("/search", params=query)
    assert unasked.status_code == 400 and "Say why you are searching" in unasked.text
    engine = browse.engine  # type: ignore[attr-defined]
    assert not [r for r in read_log(engine) if r.action == "person.search"]

    page = handler.get("/search", params={**query, "dob": victim["dob"], "purpose": WHY})
    assert page.status_code == 200
    assert "very likely the same person" in page.text and victim["dob"] in page.text
    row = [r for r in read_log(engine) if r.action == "person.search"][-1]
    assert row.purpose == WHY and row.detail["query"]["surname"] == victim["surname"]
    first = row.records[0].removeprefix("person:")
    assert f'href="/people/{first}?purpose=' in page.text


def test_the_search_page_withholds_a_victims_area_from_an_analyst(
    browse: Callable[[str], TestClient], victim: dict[str, Any]
) -> None:
    query = {"forenames": victim["forenames"], "surname": victim["surname"],
             "dob": victim["dob"], "purpose": WHY}  # fmt: skip
    district = victim["postcode"].split()[0]
    officer = browse("officer").get("/search", params=query).text
    analyst = browse("analyst").get("/search", params=query).text
    assert f"<td>{district}</td>" in officer
    assert f"<td>{district}</td>" not in analyst and "withheld" in analyst
    assert browse("auditor").get("/search", params=query).status_code == 403

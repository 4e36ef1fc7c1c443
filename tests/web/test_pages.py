"""Every page needs sign-in and the policy's permission; a person opens only with a purpose."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.routing import Mount, Route

from threadline.api.deps import get_current_user
from threadline.guard import UserRole, read_log
from threadline.guard.policy import allowed
from threadline.web.pages.login import safe_next

HTML = {"Accept": "text/html,application/xhtml+xml"}

PERSON = "P0000042"
#: (method, path, the action the page needs; None: any signed-in user).
PAGES: list[tuple[str, str, str | None]] = [
    ("GET", "/", None),
    ("GET", "/incidents/new", "incident.submit"),
    ("POST", "/incidents", "incident.submit"),
    ("GET", "/incidents/INC-404", "incident.view"),
    ("POST", "/incidents/INC-404/research", "incident.view"),
    ("GET", f"/people/{PERSON}", "person.view"),
    ("GET", "/search", "person.search"),
    ("GET", "/audit", "audit.read"),
    ("GET", "/connect", "network.view"),
    ("POST", f"/people/{PERSON}/split", "review.judge"),
    ("GET", f"/people/{PERSON}/network", "network.view"),
    ("GET", f"/people/{PERSON}/communications", "communications.view"),
    ("GET", "/dashboard", "dashboard.view"),
    ("POST", "/review", "review.judge"),
    ("GET", "/stats", "stats.view"),
    ("GET", "/incidents/INC-404/assessments/new", "assessment.submit"),
    ("POST", "/incidents/INC-404/assessments", "assessment.submit"),
    ("GET", "/assessments/INC-404", "person.view"),
    ("GET", "/marac", "marac.view"),
    ("GET", "/stats.csv", "stats.view"),
    ("GET", "/accountability", "dashboard.view"),
    ("POST", "/alert-actions/assign", "incident.view"),
    ("GET", f"/people/{PERSON}/marac", "marac.referrals"),
    ("POST", "/marac-referrals/refer", "marac.referrals"),
    ("GET", "/cases/7", "case.view"),
    ("POST", "/cases/7/assign", "case.view"),
    ("GET", "/notifications", "notifications.view"),
]


def _calls(dependant: object) -> list[object]:
    found = [getattr(dependant, "call", None)]
    for sub in getattr(dependant, "dependencies", []):
        found += _calls(sub)
    return found


def test_every_page_is_signed_in_only_except_the_login_form_and_static_files(
    web_app: FastAPI,
) -> None:
    contexts = list(fastapi.routing.iter_route_contexts(web_app.routes))
    pages = [c for c in contexts if getattr(c, "dependant", None) is not None]
    pages = [c for c in pages if not (c.path or "").startswith("/api/")]
    expected = {
        (
            m,
            p.replace(PERSON, "{entity_id}")
            .replace("INC-404", "{ref}")
            .replace("/assign", "/{step}")
            .replace("/refer", "/{step}")
            .replace("/cases/7", "/cases/{case_id}"),
        )
        for m, p, _ in PAGES
    }
    assert {(m, c.path) for c in pages for m in (c.methods or ())} == expected
    for context in pages:
        assert get_current_user in _calls(context.dependant), context.path
    plain = {
        c.path
        for c in contexts
        if getattr(c, "dependant", None) is None and isinstance(c.original_route, Route)
    }
    assert plain - {"/openapi.json", "/docs", "/docs/oauth2-redirect"} == {"/login"}
    mounts = [c.path for c in contexts if isinstance(c.original_route, Mount)]
    assert mounts == ["/static/swagger-ui", "/static"]


@pytest.mark.parametrize(("method", "path", "action"), PAGES)
def test_a_browser_that_is_not_signed_in_is_sent_to_sign_in_and_back(
    web_app: FastAPI, method: str, path: str, action: str | None
) -> None:
    browser = TestClient(web_app, headers=HTML, follow_redirects=False)
    response = browser.request(method, path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + path.replace("/", "%2F")
    script = TestClient(web_app).request(method, path)  # an API client gets the API's answer
    assert script.status_code == 401
    assert script.json()["error"]["message"]


def test_each_role_opens_only_the_pages_the_policy_allows(
    signed_in: Callable[[str], TestClient], known_person: str
) -> None:
    refused = 0
    for role in UserRole:
        browser = signed_in(role.value)
        for method, path, action in PAGES:
            response = browser.request(method, path)
            if action is None or allowed(role, action):
                assert response.status_code not in (401, 403), (role, path, response.text[:300])
            else:
                assert response.status_code == 403, (role, path)
                assert "may not" in response.text and "<html" in response.text
                refused += 1
    assert refused >= 30


def test_the_person_page_asks_why_before_showing_anything_and_audits_the_reason(
    signed_in: Callable[[str], TestClient], store: Engine, known_person: str
) -> None:
    officer = signed_in("officer")
    prompt = officer.get(f"/people/{known_person}?from=INC-7")
    assert prompt.status_code == 200
    assert "Why are you opening this record?" in prompt.text
    assert 'value="Dealing with incident INC-7"' in prompt.text  # a suggestion, not a purpose
    assert "Alys Penhallow" not in prompt.text
    assert read_log(store, action="person.view") == []

    too_short = officer.get(f"/people/{known_person}", params={"purpose": "x"})
    assert too_short.status_code == 400 and "state why" in too_short.text
    assert read_log(store, action="person.view") == []

    page = officer.get(f"/people/{known_person}", params={"purpose": "Dealing with INC-7"})
    assert page.status_code == 200
    assert "Alys Penhallow" in page.text and "Timeline of every linked record" in page.text
    (row,) = read_log(store, action="person.view")
    assert (row.user, row.purpose) == ("officer", "Dealing with INC-7")
    assert f"person:{known_person}" in row.records


def test_the_link_chart_also_needs_a_purpose_and_audits_it(
    signed_in: Callable[[str], TestClient], store: Engine, known_person: str
) -> None:
    analyst = signed_in("analyst")
    assert "Why are you opening" in analyst.get(f"/people/{known_person}/network").text
    page = analyst.get(
        f"/people/{known_person}/network", params={"purpose": "Series review 12", "depth": 1}
    )
    assert page.status_code == 200 and "<svg" in page.text
    (row,) = read_log(store, action="network.view")
    assert row.purpose == "Series review 12"


def test_an_unknown_person_is_not_found_and_the_attempt_is_audited(
    signed_in: Callable[[str], TestClient], store: Engine
) -> None:
    response = signed_in("supervisor").get("/people/P9999999", params={"purpose": "Checking"})
    assert response.status_code == 404 and "no person P9999999" in response.text
    (row,) = read_log(store, action="person.view")
    assert row.detail == {"found": False}


def test_a_wrong_form_comes_back_with_each_problem_beside_its_input(
    signed_in: Callable[[str], TestClient],
) -> None:
    form = {
        "ref": "WEB-T-1",
        "reported_at": "2026-03-01T10:00",
        "channel": "999",
        "category": "",
        "people-0-role": "victim",
        "people-0-surname": "Penhallow",
        "people-0-dob": "31/02/1990",
    }
    response = signed_in("call_handler").post("/incidents", data=form)
    assert response.status_code == 422
    assert 'id="category" name="category" required aria-invalid="true"' in response.text
    assert 'name="people-0-dob" type="text" value="31/02/1990"' in response.text
    assert 'id="people-0-dob-error"' in response.text


def test_a_valid_form_without_a_linkage_model_says_what_to_do(
    signed_in: Callable[[str], TestClient],
) -> None:
    form = {
        "ref": "WEB-T-2",
        "reported_at": "2026-03-01T10:00",
        "channel": "999",
        "category": "harassment",
        "people-0-role": "victim",
        "people-0-surname": "Penhallow",
    }
    response = signed_in("call_handler").post("/incidents", data=form)
    assert response.status_code == 503 and "threadline train" in response.text


def test_the_form_offers_every_channel_category_and_a_person_row_template(
    signed_in: Callable[[str], TestClient],
) -> None:
    page = signed_in("call_handler").get("/incidents/new").text
    assert '<option value="breach_of_order">breach of order</option>' in page
    assert 'name="people-__i__-surname"' in page  # the row the script clones
    assert 'for="people-0-surname"' in page  # every input has a label
    assert '<script src="/static/incident.js" defer></script>' in page


def test_statistics_download_as_csv(signed_in: Callable[[str], TestClient]) -> None:
    response = signed_in("auditor").get("/stats.csv", params={"period": "year"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "threadline-by-year.csv" in response.headers["content-disposition"]
    assert response.text.splitlines()[0].startswith("year,Stalking crimes")


def test_the_sign_in_form_returns_only_to_this_site(web_app: FastAPI) -> None:
    page = TestClient(web_app).get("/login", params={"next": "/dashboard"})
    assert page.status_code == 200 and 'data-next="/dashboard"' in page.text
    assert 'for="username"' in page.text and 'for="password"' in page.text
    assert [safe_next(t) for t in ("//evil.example", "https://evil.example", "/stats", None)] == [
        "/",
        "/",
        "/stats",
        "/",
    ]


def test_pages_load_nothing_from_other_sites() -> None:
    package = Path(__file__).parents[2] / "src" / "threadline" / "web"
    for path in [*package.glob("templates/*.html"), *package.glob("static/*")]:
        text = path.read_text()
        urls = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text)
        assert urls == [], f"{path.name} refers to {urls}"
    assert (package / "static" / "threadline.css").is_file()

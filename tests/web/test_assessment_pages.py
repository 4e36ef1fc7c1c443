"""The DASH and S-DASH pages, the result page and the MARAC referral list, through TestClient.

A small linkage model is trained once per session (shared with tests/api/test_assessments.py
through pytest's session folder); each test has a fresh store with one domestic incident.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from factories import incident
from threadline.crossref import submit
from threadline.guard import read_log
from threadline.model import parse_record
from threadline.resolve.linkage import LinkageModel
from threadline.risk import load_checklist
from threadline.store import tables as t
from web.conftest import make_app

REF = "INC-W1"
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PASSWORD = "granite harbour lantern"  # the web conftest's staff password
SignedIn = Callable[[str], TestClient]


@pytest.fixture(scope="session")
def model(small_model: LinkageModel) -> LinkageModel:
    return small_model


@pytest.fixture
def web_app(store: Engine, hasher: PasswordHasher, model: LinkageModel) -> FastAPI:
    """The app with a linkage model (overrides the web conftest's, which has none)."""
    return make_app(store, hasher, linkage_model=model)


@pytest.fixture
def domestic(store: Engine, model: LinkageModel) -> str:
    """A domestic incident submitted through the live path (it raises "no DASH")."""
    record = parse_record(
        incident(
            REF,
            reported_at="2026-03-01T08:00:00Z",
            category="domestic",
            narrative="Her ex-partner pushed her and smashed her phone.",
            officer="PC 4471",
        )
    )
    submission = submit(store, model, record, datetime(2026, 3, 1, 8, 5, tzinfo=UTC))
    assert "gap_domestic_no_dash" in {c.alert.rule_id for c in submission.changes}
    return REF


def answers(checklist: str, yes: int) -> dict[str, str]:
    ids = load_checklist(checklist).question_ids
    return {f"answers-{q}": "yes" if n < yes else "no" for n, q in enumerate(ids)}


def dash_form(page: str, **fields: str) -> dict[str, str]:
    """The form's hidden and pre-filled values, as a browser would send them, plus ``fields``."""
    ref = re.search(r'name="ref" value="([^"]+)"', page)
    at = re.search(r'name="assessed_at" type="datetime-local" value="([^"]+)"', page)
    subject = re.search(r'name="subject" value="(\d+)" checked', page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert ref and at and subject and token
    return {
        "csrf_token": token.group(1),
        "checklist": "dash",
        "ref": ref.group(1),
        "assessed_at": at.group(1),
        "officer": "PC 4471",
        "subject": subject.group(1),
        **fields,
    }


@pytest.mark.parametrize(("checklist", "questions"), [("dash", 27), ("sdash", 11)])
def test_the_form_draws_every_question_from_the_checklist(
    signed_in: SignedIn, domestic: str, checklist: str, questions: int
) -> None:
    page = signed_in("officer").get(
        f"/incidents/{domestic}/assessments/new", params={"checklist": checklist}
    )
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count('class="question"') == questions
    for question in load_checklist(checklist).questions:
        for value in ("yes", "no", "not_known"):
            assert f'name="answers-{question.id}" value="{value}"' in html
        assert f'name="notes-{question.id}"' in html
    assert html.count("> Not known</label>") == questions
    assert 'name="judgement_grade"' in html and 'name="judgement_reason"' in html
    assert 'name="safety_plan"' in html
    assert "Alys Penhallow" in html and 'value="0" checked' in html, "the victim is chosen"


def test_submitting_shows_the_score_and_grade_and_clears_the_missing_dash_alert(
    signed_in: SignedIn, domestic: str, store: Engine
) -> None:
    browser = signed_in("officer")
    page = browser.get(f"/incidents/{domestic}/assessments/new").text
    form = dash_form(page, **answers("dash", 15), safety_plan="yes")
    form["notes-dash.02"] = "She says she is terrified."
    sent = browser.post(f"/incidents/{domestic}/assessments", data=form, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith(f"/assessments/{form['ref']}?purpose=recording")
    result = browser.get(sent.headers["location"])
    assert result.status_code == 200
    assert "15 of 27 yes, 12 no, 0 not known" in result.text
    assert 'data-grade="high"' in result.text
    assert "visible high risk: 15 yes answers" in result.text
    assert "She says she is terrified." in result.text
    with store.connect() as conn:
        stored = conn.execute(select(t.risk_assessments)).one()
        status = conn.execute(
            select(t.alerts.c.status).where(t.alerts.c.rule_id == "gap_domestic_no_dash")
        ).scalar_one()
    assert stored.source == "web" and stored.incident_ref == domestic and stored.safety_plan
    assert status == "cleared"
    [row] = read_log(store, action="assessment.submit")
    assert row.user == "officer" and any(r.startswith("person:") for r in row.records)


def test_problems_are_shown_beside_their_questions(signed_in: SignedIn, domestic: str) -> None:
    browser = signed_in("supervisor")
    page = browser.get(f"/incidents/{domestic}/assessments/new").text
    form = dash_form(page, **answers("dash", 3))
    form["answers-dash.05"] = "maybe"
    response = browser.post(f"/incidents/{domestic}/assessments", data=form)
    assert response.status_code == 422
    assert 'id="answers-dash.05-error"' in response.text and "maybe" in response.text
    assert 'name="answers-dash.01" value="yes" checked' in response.text, "answers are kept"
    summary = response.text.split('<div class="errors" role="alert">', 1)[1].split("</div>", 1)[0]
    assert "Please check the form" in summary and '<a href="#answers-dash.05">' in summary
    raised = dash_form(page, **answers("dash", 3), judgement_grade="high")
    response = browser.post(f"/incidents/{domestic}/assessments", data=raised)
    assert response.status_code == 422
    assert 'id="judgement_reason-error"' in response.text and "no reason" in response.text
    assert '<option value="high" selected>' in response.text


def test_without_a_model_the_submission_says_what_to_do(
    store: Engine, hasher: PasswordHasher, staff: Any, domestic: str
) -> None:
    browser = TestClient(make_app(store, hasher), headers={"Accept": "text/html"})
    signed = browser.post("/api/login", json={"username": "officer", "password": PASSWORD})
    assert signed.status_code == 200
    page = browser.get(f"/incidents/{domestic}/assessments/new").text
    response = browser.post(f"/incidents/{domestic}/assessments", data=dash_form(page))
    assert response.status_code == 503 and "threadline train" in response.text


def test_the_marac_list_shows_a_high_risk_victim_with_reasons_and_a_csv_link(
    signed_in: SignedIn, domestic: str, store: Engine
) -> None:
    officer = signed_in("officer")
    page = officer.get(f"/incidents/{domestic}/assessments/new").text
    assert officer.post(
        f"/incidents/{domestic}/assessments", data=dash_form(page, **answers("dash", 16))
    ).status_code == 200  # fmt: skip
    supervisor = signed_in("supervisor")
    listing = supervisor.get("/marac")
    assert listing.status_code == 200
    assert "Alys Penhallow" in listing.text
    assert "16 yes answers on the DASH, at or above the threshold of 14" in listing.text
    assert 'href="/api/marac/referrals.csv"' in listing.text
    assert 'href="/marac"' in supervisor.get("/dashboard", params={"purpose": "shift check"}).text
    csv_text = supervisor.get("/api/marac/referrals.csv").text
    assert csv_text.splitlines()[0].startswith('"victim","incident_ref"')
    assert signed_in("analyst").get("/marac").status_code == 200
    assert officer.get("/marac").status_code == 403
    assert [r.user for r in read_log(store, action="marac.view")][-1] == "supervisor"


def test_a_domestic_incident_picture_links_to_the_dash_for_those_who_complete_it(
    signed_in: SignedIn, domestic: str
) -> None:
    link = f'href="/incidents/{domestic}/assessments/new?checklist=dash"'
    purpose = {"purpose": "checking the DASH"}
    assert link in signed_in("officer").get(f"/incidents/{domestic}", params=purpose).text
    assert link not in signed_in("analyst").get(f"/incidents/{domestic}", params=purpose).text
    assert signed_in("analyst").get(f"/incidents/{domestic}/assessments/new").status_code == 403


def test_the_dashboard_links_an_owed_dash_to_its_form(
    signed_in: SignedIn, store: Engine, model: LinkageModel
) -> None:
    old = parse_record(incident("INC-W0", reported_at="2026-02-25T08:00:00Z", category="domestic"))
    submit(store, model, old, datetime(2026, 2, 25, 8, 5, tzinfo=UTC))
    page = signed_in("supervisor").get("/dashboard", params={"purpose": "shift check"}).text
    assert 'href="/incidents/INC-W0/assessments/new?checklist=dash">Complete DASH</a>' in page
    assert (
        "Complete DASH"
        not in signed_in("analyst").get("/dashboard", params={"purpose": "shift check"}).text
    )


def test_a_form_submission_whose_audit_row_fails_is_not_stored(
    signed_in: SignedIn, domestic: str, store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DASH and its audit row commit together, as through the API."""
    from threadline.guard import audit

    browser = signed_in("officer")
    page = browser.get(f"/incidents/{domestic}/assessments/new").text
    real = audit.record

    def failing(conn: Any, user: str, role: str, action: str, *args: Any, **kw: Any) -> Any:
        if action == "assessment.submit":
            raise OSError("the audit row could not be written")
        return real(conn, user, role, action, *args, **kw)

    monkeypatch.setattr(audit, "record", failing)
    form = dash_form(page, **answers("dash", 3))
    with pytest.raises(OSError):
        browser.post(f"/incidents/{domestic}/assessments", data=form)
    with store.connect() as conn:
        assert conn.execute(select(t.risk_assessments)).first() is None
    assert read_log(store, action="assessment.submit") == []


def test_the_dashboard_pages_the_owed_list_and_shows_an_officers_own(
    signed_in: SignedIn, store: Engine, model: LinkageModel
) -> None:
    for n in range(28):
        officer = "PC 4471" if n % 2 else "PC 9120"
        day = f"2026-02-{n % 27 + 1:02d}T08:00:00Z"
        record = incident(f"INC-P{n:02d}", reported_at=day, category="domestic", officer=officer)
        submit(store, model, parse_record(record), datetime(2026, 3, 1, tzinfo=UTC))
    browser = signed_in("supervisor")

    def owed_section(params: dict[str, object]) -> str:
        page = browser.get("/dashboard", params={"purpose": "shift check", **params}).text
        start = page.index('id="owed-h"')
        return page[start : page.index("</section>", start)]

    def rows(section: str) -> list[str]:
        """Each owed row as its incident and what is owed: ``INC-P03 dash``."""
        found = re.findall(r'<tr><td><a href="/incidents/([^"]+)">.*?</td><td>(\w+)', section)
        return [f"{ref} {'sdash' if first == '28' else 'dash'}" for ref, first in found]

    first = owed_section({})
    assert "Page 1 of 2, newest due first." in first
    assert rows(first).index("INC-P26 dash") < rows(first).index("INC-P25 dash")  # 27 Feb first
    second = owed_section({"owed_page": 2})
    assert "Page 2 of 2" in second
    assert "INC-P00 dash" in rows(second) and not set(rows(first)) & set(rows(second))
    assert len(rows(first)) + len(rows(second)) == 29  # 28 DASH and the course's S-DASH
    mine = owed_section({"owed_officer": "pc 4471"})
    assert "Page 1 of 1" in mine
    assert rows(mine) and all(int(r[5:7]) % 2 == 1 for r in rows(mine))  # PC 4471's alone

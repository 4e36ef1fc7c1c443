"""The alert boxes' forms (``POST /alert-actions/{step}``): the same use case as the API, the same
refusals, each step audited, a CSRF token needed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.crossref.alerts import save_changes
from threadline.guard import read_log
from threadline.recognise import Alert, AlertChange
from threadline.store import writing

KEY = "order_breach:NMO-1:INC-7"
RATIONALE = "He had gone; no s24(5) ground made arrest necessary. IDVA referral made tonight."


def raised(store: Engine) -> None:
    found = Alert("order_breach", KEY, "INC-7", ("P-S", "P-V"), "breach", ("INC-7",), "high", "a")
    with writing(store) as conn:
        save_changes(conn, [AlertChange("raised", found)], datetime.now(UTC))


def post(client: TestClient, step: str, **fields: str) -> Any:
    form = {"alert_key": KEY, "purpose": "breach INC-7", "back": "INC-7", **fields}
    return client.post(f"/alert-actions/{step}", data=form, follow_redirects=False)


def test_an_officer_decides_through_the_form_and_a_supervisor_signs_off(
    store: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    raised(store)
    officer, supervisor = signed_in("officer"), signed_in("supervisor")
    taken = post(officer, "assign")
    assert taken.status_code == 303
    assert taken.headers["location"] == "/incidents/INC-7?purpose=breach+INC-7"
    assert post(officer, "acknowledge").status_code == 303
    short = post(officer, "decide", arrested="no", rationale="went home")
    assert short.status_code == 422 and "rationale" in short.text
    assert post(officer, "decide", arrested="no", rationale=RATIONALE).status_code == 303
    early = post(officer, "close", outcome="safeguarding_in_place", reason="IDVA engaged tonight")
    assert early.status_code == 409 and "sign-off" in early.text
    assert post(officer, "signoff", approve="yes").status_code == 403
    signed = post(supervisor, "signoff", approve="yes", back="accountability")
    assert signed.status_code == 303
    assert signed.headers["location"].startswith("/accountability?purpose=")
    closed = post(officer, "close", outcome="safeguarding_in_place", reason="IDVA engaged tonight")
    assert closed.status_code == 303
    steps = [r.action for r in reversed(read_log(store)) if r.action.startswith("alert.")]
    assert steps == ["alert.assign", "alert.acknowledge", "alert.decide", "alert.signoff",
                     "alert.close"]  # fmt: skip
    assert all(r.purpose == "breach INC-7" for r in read_log(store) if r.action == "alert.decide")


def test_a_form_without_its_csrf_token_or_for_no_alert_is_refused(
    store: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    raised(store)
    officer = signed_in("officer")
    assert post(officer, "unknown-step").status_code in (404, 422)
    assert post(officer, "assign", alert_key="order_breach:none").status_code == 404
    del officer.headers["X-CSRF-Token"]
    assert post(officer, "assign").status_code == 403
    assert [r for r in read_log(store) if r.action.startswith("alert.")] == []

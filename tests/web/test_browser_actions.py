"""Issue 23's walk in a real browser: a breach of an order, from the call handler's picture to
the supervisor's sign-off, on a small synthetic force with an ex-partner campaign of our own.

The call handler's picture at the 1st breach shows the PACE s24(5) prompt; the officer takes the
alert on and records "not arrested" with a rationale (through the alert box's forms); closing is
refused while it waits for sign-off; the supervisor sees it unsigned on /accountability and signs
it off; only then does it close. The next breach raises the 2nd breach with a decision owed;
every step is in the audit log and ``threadline audit verify`` passes. Screenshots in
``test-artifacts/actions-*.png``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from factories import incident, order, person
from web import browser
from web.browser import ARTIFACTS, chromium_path, served

pytestmark = [pytest.mark.browser]

SUSPECT = dict(forenames="Bartholomew", surname="Quennell", dob="1979-02-11")
VICTIM = dict(forenames="Morwenna", surname="Trevithick", dob="1988-06-30")
RATIONALE = (
    "He had left before officers arrived and could not be found; no s24(5) ground made arrest "
    "necessary tonight. Positive action: victim safety plan, IDVA referral, circulated on PNC."
)


def breach(ref: str, day: str) -> dict[str, Any]:
    return incident(
        ref,
        reported_at=f"2026-05-{day}T21:10:00Z",
        category="breach_of_order",
        officer="PC 4411 Hendra",
        narrative="Her ex-partner came to her door again tonight, against the order.",
        people=[
            person("victim", **VICTIM, phones=["07700 900986"]),
            person(
                "suspect",
                **SUSPECT,
                phones=["07700 900987"],
                relationship_to_victim="former_partner",
            ),
        ],  # fmt: skip
    )


@dataclass
class Walk:
    base_url: str
    passwords: dict[str, str]
    url: str
    engine: Any
    model: Any


def _submit(walk_engine: Any, model: Any, raw: dict[str, Any]) -> None:
    from threadline.crossref import submit
    from threadline.model import parse_record
    from threadline.store.records import record_time

    record = parse_record(raw)
    submit(walk_engine, model, record, record_time(record))


@pytest.fixture(scope="module")
def walk(resolved_force: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    chromium_path()
    from threadline.app import create_app
    from threadline.settings import Settings
    from threadline.store import open_store
    from threadline.web import create_demo_users

    source, model = resolved_force
    folder = tmp_path_factory.mktemp("walk")
    shutil.copy(source, folder / "store.db")
    url = f"sqlite:///{folder}/store.db"
    engine = open_store(url)
    # a report before the order: with the 1st breach, conduct on two occasions (PHA 1997
    # s7(3)), so a case is open from the 1st breach
    _submit(
        engine,
        model,
        incident(
            "PRE-1",
            reported_at="2026-03-20T20:00:00Z",
            category="harassment",
            officer="PC 4411 Hendra",
            narrative="Her ex-partner keeps texting her and waiting outside her work.",
            people=[
                person("victim", **VICTIM, phones=["07700 900986"]),
                person("suspect", **SUSPECT, relationship_to_victim="former_partner"),
            ],
        ),
    )
    # a non-molestation order made on notice binds at once (FLA 1996 s42A(2)); the 1st breach
    _submit(
        engine,
        model,
        order(
            "NMO-23",
            respondent=person("suspect", **SUSPECT),
            protected=[person("victim", **VICTIM)],
            starts="2026-04-01",
            on_notice=True,
        ),
    )
    _submit(engine, model, breach("BR-1", "02"))
    users = create_demo_users(engine, datetime.now(UTC))
    settings = Settings(database_url=url, model_path=folder / "none.json", secure_cookies=False)
    app = create_app(settings, engine, linkage_model=model)
    with served(app) as base_url:
        yield Walk(
            base_url,
            {role: password for _n, role, password in users},
            url,
            engine,
            model,
        )
    engine.dispose()


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"actions-{name}.png"), full_page=True)


def sign_in(page: Any, walk: Walk, role: str, path: str) -> None:
    browser.sign_in(page, walk.base_url, walk.passwords, role, path)


def picture(page: Any, walk: Walk, ref: str) -> Any:
    page.goto(f"{walk.base_url}/incidents/{ref}?purpose=breach+of+order+{ref}")
    return page.locator("section[aria-labelledby='alerts-h']")


def test_a_not_arrested_decision_is_signed_off_before_the_breach_alert_closes(
    walk: Walk, page: Any
) -> None:
    from playwright.sync_api import expect

    from threadline.cli import app
    from threadline.store import tables as t

    # the call handler's picture at the 1st breach: the s24(5) prompt, a decision owed
    sign_in(page, walk, "call_handler", "/incidents/BR-1?purpose=call+BR-1")
    alerts = picture(page, walk, "BR-1")
    card = alerts.locator("article[data-rule='order_breach']")
    expect(card).to_contain_text("1st reported breach")
    expect(card).to_contain_text("PACE s24(5)")
    expect(card.locator(".owed")).to_contain_text("Arrest decision owed")
    shoot(page, "01-call-handler-picture")
    key = alerts.locator(".alert-actions").first.get_attribute("data-alert")
    breach_box = alerts.locator(f".alert-actions[data-alert='{key}']")
    assert key is not None and key.startswith("order_breach:NMO-23:BR-1")

    # the officer takes it on, acknowledges and records "not arrested" with the rationale
    sign_in(page, walk, "officer", "/incidents/BR-1?purpose=breach+of+order+BR-1")
    alerts = picture(page, walk, "BR-1")
    breach_box.get_by_role("button", name="Take it on (assign to me)").click()
    breach_box.get_by_role("button", name="Acknowledge").click()
    expect(breach_box).to_have_attribute("data-action-status", "acknowledged")
    breach_box.get_by_label(re.compile("Rationale")).fill(RATIONALE)
    breach_box.get_by_role("button", name="Record the arrest decision").click()
    expect(breach_box.locator(".awaiting")).to_contain_text("waiting for a supervisor")
    shoot(page, "02-officer-not-arrested")
    # closing now is refused: the decision is not signed off
    breach_box.get_by_label("Reason for closing").fill("Safeguarding in place, IDVA engaged.")
    breach_box.get_by_role("button", name="Close the alert").click()
    expect(page.locator("main")).to_contain_text("waiting for a supervisor's sign-off")
    shoot(page, "03-close-refused")

    # the supervisor sees it unsigned on the accountability page and signs it off
    sign_in(page, walk, "supervisor", "/accountability?purpose=shift+review&days=3660")
    unsigned = page.locator("[data-section='unsigned']")
    row = unsigned.locator(f"tr[data-alert='{key}']")
    expect(row).to_be_visible()
    shoot(page, "04-accountability-unsigned")
    row.get_by_role("button", name="Sign off").click()
    expect(page.locator(f"[data-section='unsigned'] tr[data-alert='{key}']")).to_have_count(0)
    shoot(page, "05-accountability-signed")

    # only now does the officer close it
    sign_in(page, walk, "officer", "/incidents/BR-1?purpose=breach+of+order+BR-1")
    alerts = picture(page, walk, "BR-1")
    box = alerts.locator(f".alert-actions[data-alert='{key}']")
    box.get_by_label("Reason for closing").fill("Safeguarding in place, IDVA engaged.")
    box.get_by_role("button", name="Close the alert").click()
    expect(alerts.locator(f".alert-actions[data-alert='{key}']")).to_have_count(0)
    shoot(page, "06-closed")

    # with no breach owed a decision, the supervisor closes the case the 1st breach is in
    with walk.engine.connect() as conn:
        held = select(t.case_incidents.c.case_id).where(t.case_incidents.c.incident_ref == "BR-1")
        [first_case] = conn.execute(select(t.cases).where(t.cases.c.id.in_(held))).all()
    assert first_case.status == "open"
    sign_in(page, walk, "supervisor", f"/cases/{first_case.id}?purpose=review+the+case")
    page.get_by_label("Why it is closed").fill("Breach dealt with; safety plan in place.")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("main")).to_contain_text("closed")
    with walk.engine.connect() as conn:
        status = conn.execute(
            select(t.cases.c.status).where(t.cases.c.id == first_case.id)
        ).scalar_one()
    assert status == "closed"
    shoot(page, "06b-case-closed")

    # the next breach: the 2nd, with its own arrest decision owed; it reopens the case
    _submit(walk.engine, walk.model, breach("BR-2", "09"))
    with walk.engine.connect() as conn:
        reopened = conn.execute(select(t.cases).where(t.cases.c.id == first_case.id)).one()
        steps = (
            conn.execute(select(t.case_steps.c.step).where(t.case_steps.c.case_id == first_case.id))
            .scalars()
            .all()
        )
    assert reopened.status == "open" and steps[-2:] == ["reopen", "join"]
    sign_in(page, walk, "officer", "/incidents/BR-2?purpose=breach+of+order+BR-2")
    alerts = picture(page, walk, "BR-2")
    second = alerts.locator("article[data-rule='order_breach']")
    expect(second).to_contain_text("2nd reported breach")
    expect(second.locator(".owed")).to_contain_text("Arrest decision owed")
    shoot(page, "07-second-breach")

    # one case for the course of conduct (PHA 1997 s7(3): 2 occasions), held by the officer who
    # took its first report; a supervisor hands it to the officer, who is told and opens it
    with walk.engine.connect() as conn:
        held = select(t.case_incidents.c.case_id).where(t.case_incidents.c.incident_ref == "BR-2")
        [case] = conn.execute(select(t.cases).where(t.cases.c.id.in_(held))).all()
    assert (case.officer, case.status) == ("PC 4411 Hendra", "open")
    sign_in(page, walk, "supervisor", f"/cases/{case.id}?purpose=allocate+the+case")
    expect(page.locator("[data-incident='BR-1']")).to_be_visible()
    expect(page.locator("[data-incident='BR-2']")).to_be_visible()
    expect(page.locator("[data-breach]")).to_have_count(2)
    page.get_by_label("Officer in the case").fill("demo-officer")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("[data-officer]")).to_have_text("demo-officer")
    shoot(page, "08-case-assigned")
    sign_in(page, walk, "officer", "/notifications")
    told = page.locator("[data-kind='assigned']")
    expect(told).to_contain_text(f"officer in case {case.id}")
    told.get_by_role("link", name=f"Case {case.id}").click()
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("h1")).to_contain_text(f"Case {case.id}")
    expect(page.locator("[data-step='assign']")).to_contain_text("demo-officer")
    shoot(page, "09-officer-case-page")

    # each step is in the audit chain, and the chain verifies
    with walk.engine.connect() as conn:
        rows = conn.execute(
            select(t.audit_log.c.action, t.audit_log.c.records).where(
                t.audit_log.c.action.like("alert.%")
            )
        ).all()
    # (the force's own breach reports carry their officers' arrest outcomes, audited as cad's)
    assert [r.action for r in rows if f"alert:{key}" in r.records] == [
        "alert.assign", "alert.acknowledge", "alert.decide", "alert.signoff", "alert.close",
    ]  # fmt: skip
    with walk.engine.connect() as conn:
        logged = conn.execute(
            select(t.audit_log.c.action).where(t.audit_log.c.action.like("case.%"))
        ).scalars()
        assert "case.assign" in set(logged)
    result = CliRunner().invoke(app, ["audit", "verify", "--db", walk.url])
    assert result.exit_code == 0, result.output

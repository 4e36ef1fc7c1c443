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

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from factories import incident, order, person
from web import breach_walk
from web.breach_walk import sign_in
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


def test_a_not_arrested_decision_is_signed_off_before_the_breach_alert_closes(
    walk: Walk, page: Any
) -> None:
    from playwright.sync_api import expect

    # the call handler's picture at the 1st breach: the s24(5) prompt, a decision owed
    sign_in(page, walk, "call_handler", "/incidents/BR-1?purpose=call+BR-1")
    key = breach_walk.breach_on_screen(page, walk, "BR-1", "1st", "NMO-23")
    shoot(page, "01-call-handler-picture")
    breach_walk.not_arrested(page, walk, "BR-1", key, RATIONALE, shoot)
    breach_walk.signed_off(page, walk, key, RATIONALE, shoot)
    breach_walk.closed(page, walk, "BR-1", key, shoot)
    first_case = breach_walk.case_closed(page, walk, "BR-1", shoot)

    # the next breach: the 2nd, with its own arrest decision owed; it reopens the case
    _submit(walk.engine, walk.model, breach("BR-2", "09"))
    breach_walk.reopened_by_the_next(walk, first_case)
    sign_in(page, walk, "officer", "/incidents/BR-2?purpose=breach+of+order+BR-2")
    breach_walk.breach_on_screen(page, walk, "BR-2", "2nd", "NMO-23")
    shoot(page, "07-second-breach")

    # one case for the course of conduct (PHA 1997 s7(3): 2 occasions), held by the officer who
    # took its first report; a supervisor hands it to the officer, who is told and opens it
    case = breach_walk.case_of(walk, "BR-2")
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
    assert "case.assign" in breach_walk.audited(walk, key)

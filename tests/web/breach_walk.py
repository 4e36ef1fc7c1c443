"""Issue 23's breach walk, step by step in the browser, shared by the walk on a small force of
our own (``test_browser_actions.py``) and the walk on the demo force (``test_browser_demo_walk``).

Each function is one person's part: the call handler sees the breach with the PACE s24(5) prompt;
the officer records "not arrested" with the rationale (closing is refused until it is signed
off); the supervisor signs it off on the accountability page; the officer closes the alert; the
supervisor closes the case; the next breach reopens it and counts 2nd; every step is audited and
the chain verifies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sqlalchemy import select
from typer.testing import CliRunner

from web import browser

Shoot = Callable[[Any, str], None]


class Served(Protocol):
    """A store served for a walk: where, the demo users' passwords, its URL and engine."""

    base_url: str
    passwords: Mapping[str, str]
    url: str
    engine: Any


def sign_in(page: Any, walk: Served, role: str, path: str) -> None:
    browser.sign_in(page, walk.base_url, walk.passwords, role, path)


def alerts_of(page: Any, walk: Served, ref: str) -> Any:
    """The alert boxes of the picture of incident ``ref``."""
    page.goto(f"{walk.base_url}/incidents/{ref}?purpose=breach+of+order+{ref}")
    return page.locator("section[aria-labelledby='alerts-h']")


def breach_on_screen(page: Any, walk: Served, ref: str, ordinal: str, order_ref: str) -> str:
    """The picture of ``ref`` shows its breach (the ``ordinal``) of ``order_ref`` with the
    PACE s24(5) prompt and the decision owed; the breach alert's key."""
    from playwright.sync_api import expect

    alerts = alerts_of(page, walk, ref)
    card = alerts.locator("article[data-rule='order_breach']")
    expect(card).to_contain_text(f"{ordinal} reported breach")
    expect(card).to_contain_text(order_ref)
    expect(card).to_contain_text("PACE s24(5)")
    expect(card.locator(".owed")).to_contain_text("Arrest decision owed")
    prefix = f"order_breach:{order_ref}:{ref}"
    key = alerts.locator(f".alert-actions[data-alert^='{prefix}']").get_attribute("data-alert")
    assert key is not None
    return key


def not_arrested(page: Any, walk: Served, ref: str, key: str, rationale: str, shoot: Shoot) -> None:
    """The officer takes the breach alert on and records "not arrested" with ``rationale``;
    closing it then is refused, the decision waiting for a supervisor's sign-off."""
    from playwright.sync_api import expect

    sign_in(page, walk, "officer", f"/incidents/{ref}?purpose=breach+of+order+{ref}")
    box = alerts_of(page, walk, ref).locator(f".alert-actions[data-alert='{key}']")
    box.get_by_role("button", name="Take it on (assign to me)").click()
    box.get_by_role("button", name="Acknowledge").click()
    expect(box).to_have_attribute("data-action-status", "acknowledged")
    box.get_by_label(re.compile("Rationale")).fill(rationale)
    box.get_by_role("button", name="Record the arrest decision").click()
    expect(box.locator(".awaiting")).to_contain_text("waiting for a supervisor")
    shoot(page, "02-officer-not-arrested")
    box.get_by_label("Reason for closing").fill("Safeguarding in place, IDVA engaged.")
    box.get_by_role("button", name="Close the alert").click()
    expect(page.locator("main")).to_contain_text("waiting for a supervisor's sign-off")
    shoot(page, "03-close-refused")


def signed_off(page: Any, walk: Served, key: str, rationale: str, shoot: Shoot) -> None:
    """The supervisor finds the decision unsigned on the accountability page, with its
    rationale, and signs it off."""
    from playwright.sync_api import expect

    sign_in(page, walk, "supervisor", "/accountability?purpose=shift+review&days=3660")
    row = page.locator(f"[data-section='unsigned'] tr[data-alert='{key}']")
    expect(row).to_be_visible()
    expect(row.locator("[data-rationale]")).to_contain_text(rationale[:40])
    shoot(page, "04-accountability-unsigned")
    row.get_by_role("button", name="Sign off").click()
    expect(page.locator(f"[data-section='unsigned'] tr[data-alert='{key}']")).to_have_count(0)
    shoot(page, "05-accountability-signed")


def closed(page: Any, walk: Served, ref: str, key: str, shoot: Shoot) -> None:
    """Only now does the officer close the breach alert."""
    from playwright.sync_api import expect

    sign_in(page, walk, "officer", f"/incidents/{ref}?purpose=breach+of+order+{ref}")
    box = alerts_of(page, walk, ref).locator(f".alert-actions[data-alert='{key}']")
    box.get_by_label("Reason for closing").fill("Safeguarding in place, IDVA engaged.")
    box.get_by_role("button", name="Close the alert").click()
    expect(page.locator(f".alert-actions[data-alert='{key}']")).to_have_count(0)
    shoot(page, "06-closed")


def case_of(walk: Served, ref: str) -> Any:
    """The one case incident ``ref`` is in."""
    from threadline.store import tables as t

    with walk.engine.connect() as conn:
        held = select(t.case_incidents.c.case_id).where(t.case_incidents.c.incident_ref == ref)
        [case] = conn.execute(select(t.cases).where(t.cases.c.id.in_(held))).all()
    return case


def case_closed(page: Any, walk: Served, ref: str, shoot: Shoot) -> int:
    """With every breach in it settled, the supervisor closes the case ``ref`` is in; its id."""
    from playwright.sync_api import expect

    case = case_of(walk, ref)
    assert case.status == "open"
    sign_in(page, walk, "supervisor", f"/cases/{case.id}?purpose=review+the+case")
    page.get_by_label("Why it is closed").fill("Breach dealt with; safety plan in place.")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("main")).to_contain_text("closed")
    assert case_of(walk, ref).status == "closed"
    shoot(page, "06b-case-closed")
    return int(case.id)


def reopened_by_the_next(walk: Served, case_id: int) -> None:
    """The case is open again, its last steps a reopening and the next breach joining it."""
    from threadline.store import tables as t

    with walk.engine.connect() as conn:
        status = conn.execute(select(t.cases.c.status).where(t.cases.c.id == case_id)).scalar()
        steps = conn.execute(
            select(t.case_steps.c.step)
            .where(t.case_steps.c.case_id == case_id)
            .order_by(t.case_steps.c.id)
        ).scalars()
        assert status == "open" and list(steps)[-2:] == ["reopen", "join"]


def audited(walk: Served, key: str) -> set[str]:
    """The alert's steps are in the audit chain in the order taken, and the chain verifies;
    the case steps audited (the force's own breach reports carry their officers' arrest
    outcomes, audited as the source's, on other alerts)."""
    from threadline.cli import app
    from threadline.store import tables as t

    log = t.audit_log
    with walk.engine.connect() as conn:
        rows = conn.execute(
            select(log.c.action, log.c.records)
            .where(log.c.action.like("alert.%") | log.c.action.like("case.%"))
            .order_by(log.c.id)
        ).all()
    assert [r.action for r in rows if f"alert:{key}" in r.records] == [
        "alert.assign", "alert.acknowledge", "alert.decide", "alert.signoff", "alert.close",
    ]  # fmt: skip
    result = CliRunner().invoke(app, ["audit", "verify", "--db", walk.url])
    assert result.exit_code == 0, result.output
    return {r.action for r in rows if r.action.startswith("case.")}

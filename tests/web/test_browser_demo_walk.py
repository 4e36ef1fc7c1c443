"""Issue 23's walk on the demo force itself: its current ex-partner campaign, at its 1st breach.

The force is built as ``make demo`` builds it (the size and seed read from the ``Makefile``, the
period ending today, the story current), except that the campaign's reports from its 1st breach
on are held back. The store is imported, trained, resolved and swept; then the 1st breach comes
in through the API as a call handler's submission, as command and control would send it (the
result of the incident, its arrest outcome, is not known at call time, so it is left off).

The call handler's picture shows the 1st breach with the PACE s24(5) prompt; the officer records
"not arrested" with a rationale; the supervisor sees it unsigned on the accountability page and
signs it off; the alert closes only then; the supervisor closes the case; the campaign's next
breach reopens it and counts 2nd; every step is in the audit chain and ``threadline audit
verify`` passes. Screenshots in ``test-artifacts/demo-walk-*.png``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from web import breach_walk
from web.breach_walk import sign_in
from web.browser import ARTIFACTS, chromium_path, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAKEFILE = Path(__file__).parents[2] / "Makefile"
RATIONALE = (
    "He had gone before officers arrived and was not found at his address; no s24(5) ground "
    "made arrest necessary tonight. Positive action: safety plan, IDVA referral, circulated."
)
FILES = ("orders.jsonl", "incidents.jsonl", "crimes.jsonl", "assessments.jsonl")


def makefile_value(name: str) -> int:
    """``NAME ?= value`` from the Makefile: the demo force is the one ``make demo`` builds."""
    found = re.search(rf"^{name}\s*\?=\s*(\d+)\s*$", MAKEFILE.read_text(), re.MULTILINE)
    assert found, f"{name} is not set in the Makefile"
    return int(found[1])


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class Story:
    """The demo force's current ex-partner campaign, as its truth tells it."""

    order_ref: str
    breaches: list[dict[str, Any]]  # its breach incidents, in the order reported
    held: set[str]  # refs of the records held back (the campaign from its 1st breach on)


def current_story(folder: Path) -> Story:
    truth = json.loads((folder / "truth.json").read_text())
    incidents = {r["ref"]: r for r in read_lines(folder / "incidents.jsonl")}
    series = [s for s in truth["series"] if s["kind"] == "ex_partner_stalking"]
    # the current story is the campaign whose last report is the latest (it ends two days
    # before the period does: make demo's --current-story)
    latest = max(series, key=lambda s: max(incidents[r]["reported_at"] for r in s["incident_refs"]))
    order = next(o for o in truth["orders"] if o["series"] == latest["id"])
    breaches = sorted((incidents[r] for r in order["breach_refs"]), key=lambda r: r["reported_at"])
    first = breaches[0]["reported_at"]
    held = {r for r in latest["incident_refs"] if incidents[r]["reported_at"] >= first}
    return Story(order["ref"], breaches, held)


def hold_back(folder: Path, story: Story, into: Path) -> list[Path]:
    """The force's files without the held-back records (and crimes and assessments of them)."""
    into.mkdir()
    kept = []
    for name in FILES:
        rows = read_lines(folder / name)
        rows = [
            r
            for r in rows
            if r.get("ref") not in story.held
            and r.get("incident_ref") not in story.held
            and not set(r.get("incident_refs") or ()) & story.held
        ]
        path = into / name
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        kept.append(path)
    return kept


@dataclass
class DemoWalk:
    base_url: str
    passwords: dict[str, str]
    url: str
    engine: Any
    story: Story


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWalk]:
    chromium_path()
    from threadline.app import create_app
    from threadline.crossref.replay import sweep
    from threadline.ingest import import_files
    from threadline.model import FORCE_TIMEZONE
    from threadline.resolve.batch import resolve_store, train_store_model
    from threadline.settings import Settings
    from threadline.store import open_store
    from threadline.synth import SynthConfig, ending_on, generate_force
    from threadline.web import create_demo_users

    folder = tmp_path_factory.mktemp("demo-force")
    today = datetime.now(FORCE_TIMEZONE).date()
    config = replace(ending_on(SynthConfig(), today), current_story=True)
    generate_force(folder, makefile_value("DEMO_INCIDENTS"), makefile_value("DEMO_SEED"), config)
    story = current_story(folder)
    assert len(story.breaches) >= 2
    url = f"sqlite:///{folder}/store.db"
    engine = open_store(url)
    import_files(engine, hold_back(folder, story, folder / "held"))
    trained = datetime(2026, 1, 1, tzinfo=UTC)
    model = train_store_model(engine, trained_at=trained)
    resolve_store(engine, model, now=trained)
    sweep(engine)
    users = create_demo_users(engine, datetime.now(UTC))
    settings = Settings(database_url=url, model_path=folder / "none.json", secure_cookies=False)
    app = create_app(settings, engine, linkage_model=model)
    passwords = {role: password for _n, role, password in users}
    with served(app) as base_url:
        yield DemoWalk(base_url, passwords, url, engine, story)
    engine.dispose()


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"demo-walk-{name}.png"), full_page=True)


def call_in(page: Any, walk: DemoWalk, record: dict[str, Any]) -> None:
    """Submit ``record`` through the API with the signed-in call handler's session, as the
    incident form does; the incident's result (its arrest outcome) is not known at call time."""
    call = {k: v for k, v in record.items() if k != "arrest"}
    token = page.locator("meta[name='csrf-token']").get_attribute("content")
    answer = page.request.post(
        f"{walk.base_url}/api/incidents",
        data=json.dumps(call),
        headers={"Content-Type": "application/json", "X-CSRF-Token": token},
    )
    assert answer.status in (200, 201), answer.text()


def test_the_demo_forces_campaign_from_its_first_breach_to_the_second(
    walk: DemoWalk, page: Any
) -> None:
    one, two = walk.story.breaches[0]["ref"], walk.story.breaches[1]["ref"]
    order_ref = walk.story.order_ref

    # the 1st breach comes in from the call handler; their picture shows the s24(5) prompt
    sign_in(page, walk, "call_handler", "/")
    call_in(page, walk, walk.story.breaches[0])
    key = breach_walk.breach_on_screen(page, walk, one, "1st", order_ref)
    shoot(page, "01-call-handler-first-breach")
    breach_walk.not_arrested(page, walk, one, key, RATIONALE, shoot)
    breach_walk.signed_off(page, walk, key, RATIONALE, shoot)
    breach_walk.closed(page, walk, one, key, shoot)
    case_id = breach_walk.case_closed(page, walk, one, shoot)

    # the campaign's next breach comes in: it reopens the case and counts 2nd
    sign_in(page, walk, "call_handler", "/")
    call_in(page, walk, walk.story.breaches[1])
    breach_walk.reopened_by_the_next(walk, case_id)
    breach_walk.breach_on_screen(page, walk, two, "2nd", order_ref)
    shoot(page, "07-second-breach")
    assert "case.close" in breach_walk.audited(walk, key)

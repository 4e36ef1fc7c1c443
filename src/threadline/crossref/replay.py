"""Replaying a force's records in the order they were reported, to see when alerts would fire.

:func:`replay` feeds records one at a time through :func:`~threadline.crossref.pipeline.submit`,
the same path a live incident takes, with the clock set to each record's own time.
:func:`sweep` re-runs recognition over a store that was bulk-imported and batch-resolved, in
reported order, each record seeing only what was known at its time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select, union_all

from threadline.crossref.actions import states_of
from threadline.crossref.outcomes import record_stored_arrest_outcome
from threadline.crossref.pipeline import (
    CallTimeSettings,
    Submission,
    recognise_and_gather,
    submit,
)
from threadline.ingest.importer import Rejection, rejections_of
from threadline.ingest.readers import read_file
from threadline.model import Record, RecordError, parse_record
from threadline.recognise import AlertChange
from threadline.recognise.ownership import OwnershipLedger
from threadline.resolve.linkage import LinkageModel
from threadline.store import tables as t
from threadline.store.cases import incidents_of_case, list_cases
from threadline.store.database import analyse, writing
from threadline.store.records import record_time


@dataclass
class ReplayReport:
    submitted: int = 0
    changes: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


def read_records(paths: Iterable[Path], rejections: list[Rejection]) -> list[Record]:
    """Every valid record in ``paths``, in the order they happened (reported, recorded, ...)."""
    records: list[Record] = []
    for path in paths:
        for raw in read_file(path):
            if raw.error is not None:
                rejections.extend(rejections_of(raw, raw.error))
                continue
            try:
                records.append(parse_record(raw.data))
            except RecordError as error:
                rejections.extend(rejections_of(raw, error))
    order = {"order": 0, "association": 1, "incident": 2, "crime": 3, "risk_assessment": 4}
    records.sort(key=lambda r: (record_time(r), order[r.kind], r.ref))
    return records


def replay(
    engine: Engine,
    model: LinkageModel,
    paths: Iterable[Path],
    settings: CallTimeSettings | None = None,
    on_submission: Callable[[Submission], None] | None = None,
    ledger: OwnershipLedger | None = None,
) -> ReplayReport:
    """Submit every record in ``paths`` one at a time, in time order, through the live path;
    each report's alert changes are also fed to ``ledger`` (who owes what, from which report)."""
    report = ReplayReport()
    for record in read_records(paths, report.rejections):
        submission = submit(engine, model, record, record_time(record), settings)
        if ledger is not None:
            ledger.observe(submission.ref, getattr(record, "officer", None), submission.changes)
        report.submitted += 1
        report.changes += len(submission.changes)
        report.latencies_ms.append(submission.timings_ms["total"])
        if on_submission is not None:
            on_submission(submission)
    return report


def ownership_report(engine: Engine, ledger: OwnershipLedger) -> dict[str, Any]:
    """:meth:`OwnershipLedger.report` with, for each breach alert, whether the store holds an
    arrest decision on it (the actions taken so far, :mod:`threadline.crossref.actions`)."""
    alerts = [
        {"alert_key": line.alert_key, "rule_id": line.rule_id}
        for campaign in ledger.campaigns.values()
        for line in campaign.alerts.values()
    ]
    with engine.connect() as conn:
        states = states_of(conn, alerts)
        stored_cases = [
            {**case, "refs": [i["incident_ref"] for i in incidents_of_case(conn, case["id"])]}
            for case in list_cases(conn, limit=1_000_000)
        ]
    report = ledger.report({key: state.decision is not None for key, state in states.items()})
    awaiting = 0
    for campaign in report["campaigns"]:
        for alert in campaign["alerts"]:
            decision = states[alert["alert_key"]].decision if alert["decided"] else None
            if decision is not None:
                alert["decision"] = {
                    "arrested": decision.arrested,
                    "by": decision.by,
                    "signed_off_by": decision.signed_off_by,
                }
                awaiting += decision.needs_signoff
    report["not_arrested_awaiting_signoff"] = awaiting
    return with_cases(report, stored_cases)


def with_cases(report: dict[str, Any], cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The ownership ``report`` with, for each campaign, the case its course of conduct was
    gathered into (:mod:`threadline.crossref.cases`): its number, the report it opened at (and
    that report's number in the campaign), the officer in the case (or its team), its status and
    size; each breach alert's arrest decision is owed by the officer in the case. Then the count
    of campaigns with a course of conduct and no case, and of breach alerts with no decision
    and nobody who owes one (both 0, by the policy: there to be checked)."""
    no_case = 0
    nobody_owes = 0
    for campaign in report["campaigns"]:
        people = set(campaign["people"])
        refs = campaign["reports"]
        mine = [
            c for c in cases if {c["suspect"], c["victim"]} <= people and set(c["refs"]) & set(refs)
        ]
        mine.sort(key=lambda c: (-len(set(c["refs"]) & set(refs)), c["id"]))
        case = mine[0] if mine else None
        course = any(a["rule"] == "course_of_conduct" for a in campaign["alerts"])
        if case is None:
            campaign["case"] = None
            no_case += course
        else:
            opened = case["opened_on"]
            campaign["case"] = {
                "id": case["id"],
                "opened_at": opened,
                "opened_report": refs.index(opened) + 1 if opened in refs else None,
                "officer": case["officer"],
                "team": case["team"],
                "status": case["status"],
                "incidents": len(case["refs"]),
            }
        holder = (case["officer"] or case["team"]) if case else campaign["owner"]
        for alert in campaign["alerts"]:
            if alert["decided"] is False:
                alert["decision_owed_by"] = holder
                nobody_owes += not holder
    report["courses_of_conduct_without_case"] = no_case
    report["breach_alerts_without_decision_or_owner"] = nobody_owes
    return report


def stored_in_time_order(engine: Engine) -> Iterator[tuple[datetime, str]]:
    """(time, record key) of every incident, crime and risk assessment, oldest first."""
    i, c, a = t.incidents, t.crimes, t.risk_assessments
    query = union_all(
        select(i.c.reported_at.label("at"), i.c.record_key.label("key")),
        select(c.c.recorded_at.label("at"), c.c.record_key.label("key")),
        select(a.c.assessed_at.label("at"), a.c.record_key.label("key")),
    ).order_by("at", "key")
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    for row in rows:
        at = row.at
        if isinstance(at, str):  # SQLite may hand back a compound select's times as text
            at = datetime.fromisoformat(at)
        yield (at if at.tzinfo else at.replace(tzinfo=UTC)), row.key


def sweep(
    engine: Engine,
    settings: CallTimeSettings | None = None,
    on_changes: Callable[[str, list[AlertChange]], None] | None = None,
    batch: int = 500,
) -> int:
    """Rebuild every alert by recognising each stored record in time order; return the count.

    Each ``batch`` of records is one transaction in the writers' turn
    (:func:`threadline.store.writing`), as the alerts are cleared: it writes alerts and each
    incident's stalking signs and kept parties, which a submission beside it writes too."""
    settings = settings or CallTimeSettings()
    with writing(engine) as conn:
        for table in (t.alert_links, t.alert_events, t.alerts):
            conn.execute(delete(table))
    items = list(stored_in_time_order(engine))
    total = 0
    for start in range(0, len(items), batch):
        with writing(engine) as conn:
            for at, key in items[start : start + batch]:
                target: str | None = key
                if key.startswith("risk_assessment:"):
                    ref = conn.execute(
                        select(t.risk_assessments.c.incident_ref).where(
                            t.risk_assessments.c.record_key == key
                        )
                    ).scalar_one()
                    target = conn.execute(
                        select(t.incidents.c.record_key).where(t.incidents.c.ref == ref)
                    ).scalar()
                if target is None:
                    continue
                changes, _cases = recognise_and_gather(
                    conn, target, settings, at, until=at, tell=False
                )
                if key.startswith("incident:"):
                    record_stored_arrest_outcome(conn, key, at)
                total += len(changes)
                if on_changes is not None and changes:
                    on_changes(key, changes)
            analyse(conn, t.alerts, t.alert_links, t.alert_events)  # they grow as it goes
    return total

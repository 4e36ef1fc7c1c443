"""Incidents: the picture a call handler sees, the research check, and what a submission did.

The API (``/api/incidents/...``) and the pages (``/incidents/...``) both call these, so the
audit row, the purpose and what the user's role may be shown are decided once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref import build_picture, mark_history_viewed
from threadline.crossref.alerts import jsonable
from threadline.crossref.history import viewed_incidents
from threadline.crossref.picture import NotFound as NoIncident
from threadline.crossref.pipeline import Submission
from threadline.guard.disclosure import disclose_evidence, disclose_picture
from threadline.guard.policy import UserRole
from threadline.recognise import AlertChange
from threadline.store import reading
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound


@dataclass(frozen=True)
class PictureView:
    """An incident's picture as the user's role may see it (``picture``: the picture's JSON),
    whether its research check is recorded and whether it has linked history at all."""

    picture: dict[str, Any]
    checked: bool
    has_history: bool


def view_picture(engine: Engine, auditor: Auditor, ref: str, purpose: str) -> PictureView:
    """Everything linked to incident ``ref``, disclosed for the user's role; the view is
    audited (``incident.view``) with ``purpose``, found or not (:class:`NotFound` if not)."""
    with engine.connect() as conn:
        try:
            picture = build_picture(conn, ref)
        except NoIncident:
            auditor("incident.view", [f"incident-ref:{ref}"], purpose, detail={"found": False})
            raise NotFound(f"no incident {ref}", field="ref") from None
        checked = ref in viewed_incidents(conn, [ref])
    data = picture.to_dict()
    auditor(
        "incident.view",
        picture.audit_records,
        purpose,
        detail={"found": True, "linked_records": len(picture.linked_record_keys)},
    )
    return PictureView(
        disclose_picture(data, auditor.user.role), checked, bool(picture.linked_record_keys)
    )


def record_research_check(
    engine: Engine, auditor: Auditor, ref: str, now: datetime
) -> list[AlertChange]:
    """Record that the user looked at the linked history of ``ref`` (the research check); the
    alerts it puts right are cleared and returned. Audited; :class:`NotFound` for no incident."""
    try:
        changes = mark_history_viewed(engine, ref, auditor.user.username, now)
    except LookupError:
        raise NotFound(f"no incident {ref}", field="ref") from None
    auditor(
        "incident.view",
        [f"incident-ref:{ref}"],
        detail={
            "research_check": True,
            "alerts": [f"{c.change}:{c.alert.rule_id}" for c in changes],
        },
    )
    return changes


def change_dict(change: AlertChange) -> dict[str, Any]:
    """An alert change as JSON: raised, updated or cleared, and the alert."""
    alert = jsonable({f.name: getattr(change.alert, f.name) for f in fields(change.alert)})
    return {"change": change.change, **alert}


def submission_records(submission: Submission) -> list[str]:
    """What an audit row of a submission names: the record, each person it was joined to and
    each case it opened, joined or reopened."""
    people = sorted({f"person:{d.entity_id}" for d in submission.decisions if d.entity_id})
    cases = [f"case:{c.case_id}" for c in submission.cases]
    return [submission.record_key, *people, *cases]


def audit_submission(
    auditor: Auditor, action: str, conn: Connection, submission: Submission, **detail: Any
) -> None:
    """Audit ``submission`` as ``action`` in the transaction that stores it: the record and each
    person it was joined to (:func:`submission_records`), its outcome and ``detail``."""
    records = submission_records(submission)
    if submission.cases:  # the combination of records into a case (DPA 2018 s62), at call time
        detail["cases"] = [
            {"case": c.case_id, "change": c.change, "incidents": list(c.incident_refs)}
            for c in submission.cases
        ]
    auditor.within(conn, action, records, detail={"outcome": submission.outcome, **detail})


def submission_result(submission: Submission, role: UserRole) -> dict[str, Any]:
    """What :func:`threadline.crossref.submit` did, as JSON, the evidence disclosed for ``role``."""
    decisions = []
    for decision in submission.decisions:
        item = jsonable(asdict(decision))
        item["evidence"] = disclose_evidence(decision.evidence, role)
        decisions.append(item)
    return {
        "record_key": submission.record_key,
        "ref": submission.ref,
        "kind": submission.kind,
        "outcome": submission.outcome,
        "decisions": decisions,
        "alerts": [change_dict(c) for c in submission.changes],
        "timings_ms": {k: round(v, 1) for k, v in submission.timings_ms.items()},
        "committed_with": submission.committed_with,
        "cases": [
            {
                "case_id": c.case_id,
                "change": c.change,
                "incident_refs": list(c.incident_refs),
                "officer": c.officer,
                "team": c.team,
            }
            for c in submission.cases
        ],
    }


def submitted_incident(
    engine: Engine, submission: Submission, source: str, role: UserRole
) -> dict[str, Any]:
    """:func:`submission_result` with the picture of the incident submitted, for ``role``."""
    with reading(engine) as conn:
        picture = build_picture(conn, submission.ref, source=source).to_dict()
    result = submission_result(submission, role)
    result["picture"] = disclose_picture(picture, role)
    return result

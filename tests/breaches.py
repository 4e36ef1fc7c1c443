"""The ex-partner stalking series of the small synthetic force, and a new breach of its order:
a submission that joins known people, raises alerts and joins a case (the live path's tests)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from factories import incident, person
from threadline.model import Incident, parse_record
from threadline.store import tables as t


def ex_partner_case(folder: Path) -> dict[str, Any]:
    """The truth of the force's ex-partner stalking series: victim, suspect, order, breaches."""
    truth = json.loads((folder / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    order = next(o for o in truth["orders"] if o["series"] == series["id"])
    people = truth["people"]
    return {
        "series": series,
        "order": order,
        "victim": people[series["victims"][0]],
        "suspect": people[series["suspects"][0]],
    }


def breach_record(
    case: dict[str, Any],
    ref: str,
    reported_at: str,
    narrative: str,
    location: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A breach of the case's order reported at ``reported_at``: her, with her phone and
    address, and her ex by name (a record as a force's system sends it)."""
    victim, suspect = case["victim"], case["suspect"]
    fields: dict[str, Any] = {"location": location} if location else {}
    return incident(
        ref,
        reported_at=reported_at,
        category="breach_of_order",
        narrative=narrative,
        **fields,
        people=[
            person(
                "victim",
                forenames=victim["forenames"],
                surname=victim["surname"],
                dob=victim["dob"],
                phones=victim["phones"][:1],
                address={"text": victim["address"], "postcode": victim["postcode"]},
            ),
            person(
                "suspect",
                forenames=suspect["forenames"],
                surname=suspect["surname"],
                dob=suspect["dob"],
                relationship_to_victim="former_partner",
            ),
        ],
    )


def new_breach(case: dict[str, Any], ref: str, when: datetime) -> Incident:
    narrative = (
        "Her ex turned up at her house again and was banging on the door, "
        "despite the order; he has been following her to work."
    )
    record = parse_record(breach_record(case, ref, when.isoformat(), narrative))
    assert isinstance(record, Incident)
    return record


def next_breach_time(engine: Any, case: dict[str, Any]) -> datetime:
    """A day after the series' last incident, and while the order is in force."""
    last = case["series"]["incident_refs"][-1]
    with engine.connect() as conn:
        last_time = conn.execute(
            select(t.incidents.c.reported_at).where(t.incidents.c.ref == last)
        ).scalar_one()
    starts = datetime.fromisoformat(case["order"]["starts"] + "T12:00:00+00:00")
    return max(last_time + timedelta(days=1), starts)

"""One-line builders of raw import records for tests (fictional people, drama-range phones)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any


def person(role: str = "victim", **fields: Any) -> dict[str, Any]:
    return {"role": role, **fields}


def incident(ref: str = "INC-1", **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "incident",
        "ref": ref,
        "reported_at": "2026-03-01T10:00:00Z",
        "channel": "999",
        "category": "harassment",
        "narrative": "Caller reports repeated unwanted messages.",
        "people": [
            person(
                "victim",
                forenames="Alys",
                surname="Penhallow",
                dob="1991-04-12",
                phones=["07700 900123"],
            ),
            person(
                "suspect",
                forenames="Gareth",
                surname="Tregothnan",
                relationship_to_victim="former_partner",
            ),
        ],
    }
    record.update(fields)
    return record


def assessment(
    ref: str, incident_ref: str, at: datetime, checklist: str = "dash", **fields: Any
) -> dict[str, Any]:
    """A risk assessment of ``incident_ref`` made at ``at``, its subject the victim."""
    record: dict[str, Any] = {
        "kind": "risk_assessment",
        "source": "ppu",
        "ref": ref,
        "checklist": checklist,
        "incident_ref": incident_ref,
        "assessed_at": at.isoformat(),
        "answers": {},
        "safety_plan": False,
        "subject": person("victim", forenames="Alys", surname="Penhallow", dob="1991-04-12"),
    }
    record.update(fields)
    return record


def order(ref: str = "NMO-1", **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "order",
        "ref": ref,
        "order_type": "non_molestation",
        "respondent": person("suspect", forenames="Gareth", surname="Tregothnan"),
        "protected": [person("victim", forenames="Alys", surname="Penhallow")],
        "starts": "2026-02-01",
        "ends": "2027-02-01",
        "conditions": "Not to contact the applicant directly or indirectly.",
    }
    record.update(fields)
    return record


FORCE_FILES = ("orders.jsonl", "incidents.jsonl", "crimes.jsonl", "assessments.jsonl")


def force_files(folder: Any) -> list[Any]:
    """The record files of a synthetic force, in import order (not its truth)."""
    return [folder / name for name in FORCE_FILES if (folder / name).exists()]


#: A father and son of one name at one address, sharing its phone and the family's e-mail,
#: their records told apart only by their dates of birth (the incident refs say whose).
FATHER_AND_SON = {"forenames": "Darren", "surname": "Harington", "sex": "male",
                  "address": {"text": "4 Park Crescent, Hednesford", "postcode": "WS12 0BH"},
                  "phones": ["07700 900461"], "emails": ["haringtons@example.com"]}  # fmt: skip
FATHER_AND_SON_BIRTHS = (("INC-F1", "1952-08-19"), ("INC-S1", "1981-05-23"))


def father_and_son_file(path: Path) -> Path:
    """:data:`FATHER_AND_SON`'s two incidents as JSON Lines at ``path``."""
    path.write_text(
        "".join(
            json.dumps(incident(ref, people=[person("victim", **FATHER_AND_SON, dob=dob)])) + "\n"
            for ref, dob in FATHER_AND_SON_BIRTHS
        )
    )
    return path

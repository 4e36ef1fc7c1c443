"""The call handler's incident form: what the browser sends, as an import record, and back.

Pure functions on plain values. The form names its inputs ``reported_at``, ``channel``,
``category``, ``qualifiers`` (repeated), ``location``, ``postcode``, ``narrative`` and, for each
person row ``i``, ``people-i-role``, ``people-i-forenames`` ... ``people-i-relationship``. Rows
the handler left blank are dropped; the rest keep their order, so problem ``people[1].dob`` from
:func:`threadline.model.parse_record` belongs to input ``people-1-dob`` of the re-rendered form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from threadline.model import FORCE_TIMEZONE

PERSON_FIELDS = (
    "role",
    "forenames",
    "surname",
    "dob",
    "phone",
    "address",
    "postcode",
    "relationship",
)
INCIDENT_FIELDS = ("ref", "reported_at", "channel", "category", "location", "postcode", "narrative")
_PERSON_INPUT = re.compile(r"^people-(\d{1,3})-([a-z_]+)$")
_PHONE_SPLIT = re.compile(r"[,;/]")


@dataclass
class IncidentForm:
    """What the form holds: incident values, ticked qualifiers, person rows in order."""

    values: dict[str, str] = field(default_factory=dict)
    qualifiers: list[str] = field(default_factory=list)
    people: list[dict[str, str]] = field(default_factory=list)


def blank_person(role: str = "") -> dict[str, str]:
    row = dict.fromkeys(PERSON_FIELDS, "")
    row["role"] = role
    return row


def new_form(ref: str, now: datetime) -> IncidentForm:
    """An empty form: reported now (to the minute, local time), a victim and a suspect row."""
    local = now.astimezone(FORCE_TIMEZONE).replace(second=0, microsecond=0, tzinfo=None)
    values = dict.fromkeys(INCIDENT_FIELDS, "")
    values.update(ref=ref, reported_at=local.isoformat(timespec="minutes"), channel="999")
    return IncidentForm(values, [], [blank_person("victim"), blank_person("suspect")])


def read_form(items: Iterable[tuple[str, str]]) -> IncidentForm:
    """The form from the browser's (name, value) pairs; unknown names are ignored."""
    form = IncidentForm(values=dict.fromkeys(INCIDENT_FIELDS, ""))
    rows: dict[int, dict[str, str]] = {}
    for name, value in items:
        text = value.strip()
        if name == "qualifiers":
            if text and text not in form.qualifiers:
                form.qualifiers.append(text)
            continue
        if name in INCIDENT_FIELDS:
            form.values[name] = text
            continue
        match = _PERSON_INPUT.match(name)
        if match and match.group(2) in PERSON_FIELDS:
            rows.setdefault(int(match.group(1)), blank_person())[match.group(2)] = text
    for index in sorted(rows):
        row = rows[index]
        if any(row[name] for name in PERSON_FIELDS if name != "role"):
            form.people.append(row)
    return form


def _person(row: dict[str, str]) -> dict[str, Any]:
    person: dict[str, Any] = {"role": row["role"] or None}
    for name in ("forenames", "surname", "dob"):
        if row[name]:
            person[name] = row[name]
    phones = [p.strip() for p in _PHONE_SPLIT.split(row["phone"]) if p.strip()]
    if phones:
        person["phones"] = phones
    if row["address"] or row["postcode"]:
        person["address"] = {"text": row["address"] or None, "postcode": row["postcode"] or None}
    if row["relationship"]:
        person["relationship_to_victim"] = row["relationship"]
    return person


def to_record(form: IncidentForm, source: str = "web") -> dict[str, Any]:
    """The form as a raw incident record for :func:`threadline.model.parse_record`."""
    v = form.values
    record: dict[str, Any] = {
        "kind": "incident",
        "source": source,
        "ref": v["ref"],
        "reported_at": v["reported_at"] or None,
        "channel": v["channel"] or None,
        "category": v["category"] or None,
        "qualifiers": list(form.qualifiers),
        "narrative": v["narrative"],
        "people": [_person(row) for row in form.people],
    }
    if v["location"] or v["postcode"]:
        record["location"] = {"text": v["location"] or None, "postcode": v["postcode"] or None}
    return record


def input_name(field_path: str) -> str:
    """The form input a record problem belongs to: ``people[1].phones[0]`` → ``people-1-phone``."""
    match = re.match(r"^people\[(\d+)\]\.?([a-z_]*)", field_path)
    if match:
        if field_path.endswith("address.postcode"):
            return f"people-{match.group(1)}-postcode"
        name = {
            "phones": "phone",
            "address": "address",
            "relationship_to_victim": "relationship",
        }.get(match.group(2), match.group(2))
        return f"people-{match.group(1)}-{name}" if name else f"people-{match.group(1)}-role"
    if field_path.startswith("location.postcode"):
        return "postcode"
    if field_path.startswith("location"):
        return "location"
    return field_path.split(".", 1)[0].split("[", 1)[0] or "form"

"""The person view: everything the force knows about one resolved person, and why it is one person.

:func:`person_profile` gathers, for one entity: every mention of them as written (with the
contact details the guard redacts per role), the timeline of every linked record, the orders
they are party to, their risk assessments with the trend, the open alerts that involve them, the
stored reason each mention was joined, and the entity's history of joins, merges and splits.
:func:`membership_evidence` re-scores each member against the member it was linked to, so the
screen can say in words why the records are one person even for members joined in a batch run
(whose stored evidence is only "linked to <mention>").

Disclosure to roles without contact-detail access
-------------------------------------------------
:func:`threadline.guard.policy.redact_person` blanks the structured contact fields of protected
mentions. Match evidence and the incident picture also carry contact details in text (``phone
+447700900123 in both``, an object link's value, an incident's location and narrative);
:func:`withhold_contact_evidence`, :func:`redact_profile` and :func:`redact_picture` withhold
those for roles that :func:`~threadline.guard.policy.sees_contact_details` says may not see them,
keeping the fact of the link and its weight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, select

from threadline.crossref.alerts import list_alerts
from threadline.crossref.history import records_of_entities
from threadline.crossref.picture import (
    NotFound,
    OrderView,
    TimelineEntry,
    _plain,
    orders_for,
    record_entries,
    roles_in,
)
from threadline.guard.policy import UserRole, redact_person, sees_contact_details
from threadline.model import RiskAssessment, parse_record
from threadline.resolve.candidates import feature_rows
from threadline.resolve.explain import ADDRESS_TEXTS, explain_pair
from threadline.resolve.linkage import LinkageModel, score_pairs
from threadline.resolve.review import entity_history
from threadline.risk import AssessmentFacts, assessment_trend, grade_assessment
from threadline.store import tables as t

__all__ = [
    "AssessmentPoint",
    "MemberEvidence",
    "PersonProfile",
    "load_person_profile",
    "membership_evidence",
    "person_profile",
    "redact_alerts",
    "redact_evidence",
    "redact_picture",
    "redact_profile",
    "withhold_contact_evidence",
]

_IDENTIFIER_FIELDS = {
    "phone": "phones",
    "email": "emails",
    "account": "accounts",
    "vehicle": "vehicles",
}
_LINKED_TO = re.compile(r"^linked to (?P<mention>\S+)$")
WITHHELD = "(withheld)"


@dataclass(frozen=True)
class AssessmentPoint:
    """One risk assessment of the person, graded, against the previous one on the same checklist."""

    ref: str
    checklist: str
    incident_ref: str
    assessed_at: Any
    yes_count: int
    grade: str | None
    judgement_grade: str | None
    safety_plan: bool
    score_change: str
    grade_change: str
    trend: str
    grading_problem: str | None = None


@dataclass(frozen=True)
class MemberEvidence:
    """Why one mention belongs to its entity: the member it is most surely linked to, with the
    model's probability for that pair and the evidence in words (the first line a summary)."""

    mention_key: str
    linked_to: str | None
    probability: float | None
    evidence: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PersonProfile:
    """One resolved person (see the module docstring). ``mentions`` keep contact details in the
    fields :data:`threadline.guard.policy.CONTACT_FIELDS` names, for the guard to redact."""

    entity_id: str
    kind: str
    label: str | None
    mentions: list[dict[str, Any]]
    timeline: list[TimelineEntry]
    orders: list[OrderView]
    assessments: list[AssessmentPoint]
    alerts: list[dict[str, Any]]
    history: list[dict[str, Any]]
    record_keys: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(asdict(self))
        return result


def _mentions(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    m, em = t.mentions, t.entity_members
    rows = conn.execute(
        select(m, em.c.match_probability, em.c.evidence, em.c.assigned_by, em.c.assigned_at)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(em.c.entity_id == entity_id)
        .order_by(m.c.event_time, m.c.mention_key)
    ).all()
    members: dict[str, dict[str, Any]] = {}
    for row in rows:
        r = row._mapping
        members[r["mention_key"]] = {
            "mention_key": r["mention_key"],
            "record_key": r["record_key"],
            "record_kind": r["record_kind"],
            "event_time": r["event_time"],
            "position": r["position"],
            "role": r["role"],
            "forenames": r["forenames"],
            "surname": r["surname"],
            "dob": r["dob"],
            "sex": r["sex"],
            "address_text": r["address_text"],
            "postcode": r["postcode"],
            "relationship_to_victim": r["relationship_to_victim"],
            "description": r["description"],
            "phones": [],
            "emails": [],
            "accounts": [],
            "vehicles": [],
            "match_probability": r["match_probability"],
            "evidence": list(r["evidence"] or []),
            "assigned_by": r["assigned_by"],
            "assigned_at": r["assigned_at"],
        }
    keys = sorted(members)
    for start in range(0, len(keys), 500):
        objects = conn.execute(
            select(t.identifiers.c.mention_key, t.identifiers.c.kind, t.identifiers.c.raw)
            .where(t.identifiers.c.mention_key.in_(keys[start : start + 500]))
            .order_by(t.identifiers.c.id)
        )
        for obj in objects:
            name = _IDENTIFIER_FIELDS.get(obj.kind)
            if name and obj.mention_key in members:
                members[obj.mention_key][name].append(obj.raw)
    return list(members.values())


def _assessments(conn: Connection, record_keys: set[str]) -> list[AssessmentPoint]:
    keys = sorted(k for k in record_keys if k.startswith("risk_assessment:"))
    if not keys:
        return []
    a = t.risk_assessments
    facts: list[AssessmentFacts] = []
    stored: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for row in conn.execute(select(a).where(a.c.record_key.in_(keys))):
        record = parse_record(row.document)
        assert isinstance(record, RiskAssessment)
        try:
            grade = grade_assessment(record).grade
        except ValueError as error:  # e.g. a judgement with no reason: shown ungraded, and why
            grade = None
            problems[row.ref] = str(error)
        yes = sum(1 for v in (row.answers or {}).values() if v == "yes")
        facts.append(
            AssessmentFacts(
                ref=row.ref,
                incident_ref=row.incident_ref,
                checklist=row.checklist,
                assessed_at=row.assessed_at,
                grade=grade,
                safety_plan=row.safety_plan,
                yes_count=yes,
            )
        )
        stored[row.ref] = row
    points = []
    for point in assessment_trend(facts):
        row = stored[point.ref]
        points.append(
            AssessmentPoint(
                ref=point.ref,
                checklist=point.checklist,
                incident_ref=row.incident_ref,
                assessed_at=point.assessed_at,
                yes_count=point.yes_count or 0,
                grade=point.grade.value if point.grade is not None else None,
                judgement_grade=row.judgement_grade,
                safety_plan=bool(row.safety_plan),
                score_change=point.score_change,
                grade_change=point.grade_change,
                trend=point.reason,
                grading_problem=problems.get(point.ref),
            )
        )
    return points


def person_profile(conn: Connection, entity_id: str, today: date | None = None) -> PersonProfile:
    """Everything known about entity ``entity_id``; :class:`NotFound` if there is no such entity.

    ``today`` decides which orders are active; it defaults to the day of the person's latest
    record (this function reads no clock).
    """
    entity = conn.execute(select(t.entities).where(t.entities.c.id == entity_id)).first()
    if entity is None:
        raise NotFound(f"no person {entity_id}")
    mentions = _mentions(conn, entity_id)
    keys: set[str] = set().union(*records_of_entities(conn, [entity_id]).values())
    entries = record_entries(conn, keys)
    roles = roles_in(conn, keys)
    timeline = sorted(
        (
            TimelineEntry(
                e.when,
                e.record_key,
                e.ref,
                e.kind,
                e.title,
                [f"{name} ({role})" for _entity, role, name in roles.get(k, [])],
            )
            for k, e in entries.items()
        ),
        key=lambda e: (e.when, e.record_key),
        reverse=True,
    )
    day = today or (timeline[0].when.date() if timeline else entity.updated_at.date())
    return PersonProfile(
        entity_id=entity.id,
        kind=entity.kind,
        label=entity.label,
        mentions=mentions,
        timeline=timeline,
        orders=orders_for(conn, entity_id, keys, day),
        assessments=_assessments(conn, keys),
        alerts=list_alerts(conn, status="open", entity_id=entity_id),
        history=entity_history(conn, entity_id),
        record_keys=sorted(keys),
    )


def load_person_profile(
    engine: Engine, entity_id: str, today: date | None = None
) -> dict[str, Any] | None:
    """:func:`person_profile` as a plain dict, or ``None`` for an unknown id: the API's
    profile loader (:data:`threadline.api.profiles.ProfileLoader`)."""
    with engine.connect() as conn:
        try:
            return person_profile(conn, entity_id, today).to_dict()
        except NotFound:
            return None


# -- why these records are one person ------------------------------------------------------------


def _best_pair(
    model: LinkageModel, row: Mapping[str, Any], others: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    if not others:
        return None
    scored = score_pairs(model, row, others)
    best: dict[str, Any] = scored.iloc[0].to_dict()
    return best


def membership_evidence(
    conn: Connection, model: LinkageModel, entity_id: str
) -> list[MemberEvidence]:
    """For each member mention of ``entity_id``: the member it is linked to, the model's
    probability for that pair and the evidence in words, scored now with ``model``.

    A member whose stored evidence names its partner (``linked to <mention>``, as batch
    resolution writes) is scored against that partner; any other member (joined at call time,
    moved by a reviewer) against every fellow member, keeping the strongest. Notes a reviewer
    left (``judged the same person as ...``, ``split from ...``) come after the model's lines.
    The only member of an entity has no partner and says so. :class:`NotFound` for an unknown id.
    """
    exists = conn.execute(select(t.entities.c.id).where(t.entities.c.id == entity_id)).first()
    if exists is None:
        raise NotFound(f"no person {entity_id}")
    em = t.entity_members
    members = conn.execute(
        select(em.c.mention_key, em.c.evidence)
        .where(em.c.entity_id == entity_id)
        .order_by(em.c.mention_key)
    ).all()
    features = {
        row["unique_id"]: row for row in feature_rows(conn, [m.mention_key for m in members])
    }
    result = []
    for member in members:
        stored = [str(line) for line in member.evidence or []]
        named = next((m.group("mention") for s in stored if (m := _LINKED_TO.match(s))), None)
        notes = [
            s for s in stored if not _LINKED_TO.match(s) and not s.startswith("match probability")
        ]
        row = features.get(member.mention_key)
        if named in features and named != member.mention_key:
            partners = [features[named]]
        else:
            partners = [f for key, f in features.items() if key != member.mention_key]
        best = _best_pair(model, row, partners) if row is not None else None
        if best is None:
            lines = notes or ["the only record of this person: nothing to link"]
            result.append(MemberEvidence(member.mention_key, None, None, lines))
            continue
        result.append(
            MemberEvidence(
                member.mention_key,
                str(best["unique_id_r"]),
                float(best["match_probability"]),
                explain_pair(model, best) + notes,
            )
        )
    return result


# -- disclosure to roles without contact-detail access -------------------------------------------

_WEIGHT = r"(?P<w>: [+-][\d.]+)?$"
_OBJECT = r"(phone|e-mail|account|vehicle)"


def _address_pattern(template: str) -> re.Pattern[str]:
    """An address evidence text of :data:`~threadline.resolve.explain.ADDRESS_TEXTS`, its
    values matched as anything."""
    text = re.escape(template).replace(r"\{a\}", ".+?").replace(r"\{b\}", ".+?")
    return re.compile(rf"^{text}{_WEIGHT}")


_CONTACT_EVIDENCE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_OBJECT} .+ in both{_WEIGHT}"), r"\1 in both"),
    (re.compile(rf"^no {_OBJECT} in common .*?{_WEIGHT}"), r"no \1 in common"),
    *((_address_pattern(text), withheld) for text, withheld in ADDRESS_TEXTS.values()),
)


def withhold_contact_evidence(lines: Sequence[str]) -> list[str]:
    """Evidence lines with phone numbers, e-mails, accounts, vehicles, addresses and postcodes
    replaced by ``(withheld)``; the kind of evidence and its weight stay.

    >>> withhold_contact_evidence(["phone +447700900123 in both: +9.8"])
    ['phone in both (withheld): +9.8']
    """
    result = []
    for line in lines:
        for pattern, replacement in _CONTACT_EVIDENCE:
            match = pattern.match(line)
            if match:
                weight = match.group("w") or ""
                line = f"{match.expand(replacement)} {WITHHELD}{weight}"
                break
        result.append(line)
    return result


def _replace_all(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, WITHHELD)
        return value
    if isinstance(value, list):
        return [_replace_all(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _replace_all(v, secrets) for k, v in value.items()}
    return value


def _withhold_alert_places(alerts: list[dict[str, Any]]) -> None:
    """Blank the location an alert is about (a repeat location's key is often a home address)
    wherever it appears: details, key, reason, action."""
    for alert in alerts:
        details = alert.get("details")
        if not isinstance(details, dict):
            continue
        secrets = sorted(
            {
                str(v)
                for k, v in details.items()
                if ("location" in k or "address" in k) and isinstance(v, str) and v
            },
            key=len,
            reverse=True,
        )
        if secrets:
            for key in list(alert):
                alert[key] = _replace_all(alert[key], secrets)


def _copy(value: Any) -> Any:
    """A copy of JSON-like data (dicts and lists copied, the rest shared: strings, numbers and
    None cannot change): what ``copy.deepcopy`` gives here, several times faster."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def redact_alerts(alerts: list[dict[str, Any]], role: str | UserRole) -> list[dict[str, Any]]:
    """A copy of alert rows fit for ``role``: for roles without contact-detail access, details
    naming a location or address (a repeat location's key is a home address) are withheld."""
    result: list[dict[str, Any]] = _copy(alerts)
    if not sees_contact_details(role):
        _withhold_alert_places(result)
    return result


def redact_profile(profile: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """A copy of a :meth:`PersonProfile.to_dict` fit for ``role``: protected mentions' contact
    fields blanked (:func:`~threadline.guard.policy.redact_person`), and, for roles without
    contact-detail access, contact details withheld from the evidence lines and alert details."""
    result = redact_person(profile, role)
    if sees_contact_details(role):
        return result
    for mention in result.get("mentions", []):
        if isinstance(mention, dict) and isinstance(mention.get("evidence"), list):
            mention["evidence"] = withhold_contact_evidence(mention["evidence"])
    _withhold_alert_places(result.get("alerts", []))
    return result


def redact_evidence(evidence: list[dict[str, Any]], role: str | UserRole) -> list[dict[str, Any]]:
    """:func:`membership_evidence` as dicts, with contact details withheld from the lines for
    roles without contact-detail access."""
    if sees_contact_details(role):
        return [dict(e) for e in evidence]
    return [{**e, "evidence": withhold_contact_evidence(e.get("evidence", []))} for e in evidence]


def redact_picture(picture: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """A copy of a :meth:`~threadline.crossref.picture.Picture.to_dict` fit for ``role``.

    For roles without contact-detail access: the incident's location, postcode and narrative
    (free text that may name where the victim lives) are withheld and listed under
    ``withheld``; the values of shared phones, e-mails, accounts, vehicles and locations are
    withheld while the linked records stay; evidence lines lose their contact details.
    """
    result: dict[str, Any] = _copy(picture)
    if sees_contact_details(role):
        return result
    incident = result.get("incident", {})
    withheld = []
    for name in ("location", "postcode", "narrative"):
        if incident.get(name):
            incident[name] = None
            withheld.append(name)
    if withheld:
        incident["withheld"] = withheld
    for person in result.get("people", []):
        person["evidence"] = withhold_contact_evidence(person.get("evidence", []))
    for link in result.get("linked_by_objects", []):
        link["value"] = WITHHELD
    _withhold_alert_places(result.get("alerts", []))
    return result

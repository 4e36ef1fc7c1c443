"""Scoring a store against a synthetic force's ground truth (``threadline eval``).

Reads ``truth.json`` and ``truth_mentions.jsonl`` written by :mod:`threadline.synth`, and the
store after import, resolution and recognition; returns the sections of the report: resolution
beside the baselines (exact name, exact name + date of birth, optionally stock Splink), then
recognition (when each kind of alert first fired in each series, breaches flagged, false
course-of-conduct alerts), then risk (domestic incidents without a DASH, MARAC escalation cases).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from threadline.crossref.history import records_of_entities
from threadline.evaluate.baselines import exact_name_clusters, exact_name_dob_clusters
from threadline.evaluate.ceiling import MentionId, evidence_ceiling, mention_id
from threadline.evaluate.metrics import (
    BreachScores,
    bcubed_scores,
    breach_recall,
    false_alert_rate,
    first_alert_positions,
    joined_by_either,
    pairwise_scores,
    share_at_or_before,
    trap_merges,
)
from threadline.evaluate.report import MetricValue, resolution_section
from threadline.model.kinds import PHONE
from threadline.store import tables as t

COURSE_OF_CONDUCT_KINDS = frozenset(
    {
        "ex_partner_stalking",
        "acquaintance_stalking",
        "stranger_stalking",
        "domestic_escalation",
        "neighbour_dispute",
    }
)
STALKING_KINDS = frozenset({"ex_partner_stalking", "acquaintance_stalking", "stranger_stalking"})
Say = Callable[[str], None]
#: The column of :func:`~threadline.evaluate.ceiling.evidence_ceiling`: the truth's people,
#: split where the records share nothing but a name that others in the force have too.
CEILING = "evidence ceiling"


@dataclass
class ForceTruth:
    """What really happened in a synthetic force."""

    person_of: dict[MentionId, str]
    #: mentions written with no name at all ("her ex"): nothing to resolve them by
    unnamed: set[MentionId]
    series: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    trap_pairs: list[tuple[str, str, str]]
    background_incidents: set[str]
    incidents: int
    meta: dict[str, Any] = field(default_factory=dict)


def load_truth(folder: Path) -> ForceTruth:
    truth = json.loads((folder / "truth.json").read_text())
    person_of: dict[MentionId, str] = {}
    unnamed: set[MentionId] = set()
    background: set[str] = set()
    with (folder / "truth_mentions.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            kind, ref = row["kind"], row["ref"]
            if kind == "incident" and row.get("series_kind") == "background":
                background.add(ref)
            for index, person in enumerate(row.get("people") or []):
                person_of[(kind, ref, str(index))] = person["person"]
                if "unnamed" in (person.get("noise") or ()):
                    unnamed.add((kind, ref, str(index)))
            if row.get("subject"):
                person_of[(kind, ref, "subject")] = row["subject"]["person"]
            if row.get("respondent"):
                person_of[(kind, ref, "respondent")] = row["respondent"]["person"]
            for index, person in enumerate(row.get("protected") or []):
                person_of[(kind, ref, f"protected{index}")] = person["person"]
    for order in truth.get("orders", []):
        person_of.setdefault(("order", order["ref"], "respondent"), order["respondent"])
        for index, person in enumerate(order.get("protected", [])):
            person_of.setdefault(("order", order["ref"], f"protected{index}"), person)
    traps: list[tuple[str, str, str]] = []
    for kind, groups in truth.get("traps", {}).items():
        for group in groups:
            people = group.get("people") or [group.get("stalker"), group.get("namesake")]
            people = [p for p in people if p]
            traps.extend((a, b, kind) for a, b in combinations(people, 2))
    return ForceTruth(
        person_of=person_of,
        unnamed=unnamed,
        series=truth.get("series", []),
        orders=truth.get("orders", []),
        trap_pairs=traps,
        background_incidents=background,
        incidents=int(truth.get("incidents", 0)),
        meta={"seed": truth.get("seed"), "summary": truth.get("summary")},
    )


def store_mentions(engine: Engine) -> list[dict[str, Any]]:
    m, em, mf = t.mentions, t.entity_members, t.mention_features
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                m.c.mention_key,
                m.c.record_key,
                m.c.position,
                m.c.forenames,
                m.c.surname,
                m.c.dob,
                m.c.postcode,
                mf.c.identifiers,
                em.c.entity_id,
            )
            .outerjoin(em, em.c.mention_key == m.c.mention_key)
            .outerjoin(mf, mf.c.mention_key == m.c.mention_key)
        ).all()
    found = []
    for r in rows:
        identity = mention_id(r.record_key, r.position)
        phones = list((r.identifiers or {}).get(PHONE.name) or [])
        found.append(
            {
                "id": identity,
                "key": r.mention_key,
                "forenames": r.forenames,
                "surname": r.surname,
                "dob": r.dob,
                "postcode": r.postcode,
                "phone": phones[0] if phones else None,
                "entity_id": r.entity_id,
            }
        )
    return found


def resolution(
    engine: Engine,
    truth: ForceTruth,
    *,
    stock_splink: bool = False,
    say: Say | None = None,
    named_only: bool = True,
) -> tuple[dict[str, dict[str, MetricValue]], dict[str, Any]]:
    """Resolution scores for Threadline and the baselines on the same mentions.

    ``named_only`` leaves out mentions written with no name at all ("her ex", "two lads"):
    nothing in them can say who they are, so they are scored separately.
    """
    say = say or (lambda _m: None)
    mentions = [
        m
        for m in store_mentions(engine)
        if m["id"] in truth.person_of and not (named_only and m["id"] in truth.unnamed)
    ]
    truth_map = {m["id"]: truth.person_of[m["id"]] for m in mentions}
    systems: dict[str, dict[Any, Any]] = {}
    resolved = {m["id"]: m["entity_id"] for m in mentions if m["entity_id"]}
    if resolved:
        systems["Threadline"] = resolved
    systems["exact name"] = exact_name_clusters(mentions)
    systems["exact name + DOB"] = exact_name_dob_clusters(mentions)
    systems[CEILING] = evidence_ceiling(engine, truth_map)
    if stock_splink:
        from threadline.evaluate.stock_splink import stock_splink_clusters

        say("running stock Splink on the raw mentions")
        raw = [{**m, "id": "|".join(m["id"])} for m in mentions]
        clusters = stock_splink_clusters(raw)
        systems["stock Splink"] = {tuple(k.split("|")): v for k, v in clusters.items()}
    pairwise = {name: pairwise_scores(truth_map, p) for name, p in systems.items()}
    bcubed = {name: bcubed_scores(truth_map, p) for name, p in systems.items()}
    traps = {name: trap_merges(p, truth.trap_pairs, truth_map) for name, p in systems.items()}
    details = {name: [m.reason for m in merged][:20] for name, merged in traps.items()}
    found: dict[str, Any] = {"trap_merges": details}
    if "Threadline" in systems:
        joined, true_pairs = joined_by_either(truth_map, systems["Threadline"], systems[CEILING])
        found["threadline_or_ceiling"] = {"joined": joined, "true_pairs": true_pairs}
    return resolution_section(pairwise, bcubed, traps), found


def _alert_rows(engine: Engine) -> list[dict[str, Any]]:
    a, e = t.alerts, t.alert_events
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                a.c.rule_id,
                a.c.alert_key,
                a.c.details,
                a.c.cited,
                e.c.incident_ref,
                e.c.change,
                e.c.id,
            )
            .join(e, e.c.alert_key == a.c.alert_key)
            .order_by(e.c.id)
        ).all()
    return [dict(r._mapping) for r in rows]


def _incident_roles(folder: Path, wanted: set[str]) -> dict[str, list[tuple[str, str]]]:
    """(position, role) of each person in the wanted incidents, as the force's file has them."""
    roles: dict[str, list[tuple[str, str]]] = {}
    with (folder / "incidents.jsonl").open() as handle:
        for line in handle:
            record = json.loads(line)
            if record["ref"] in wanted:
                roles[record["ref"]] = [
                    (str(i), p["role"]) for i, p in enumerate(record.get("people", []))
                ]
    return roles


def _true_pairs(truth: ForceTruth, ref: str, people: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The true (suspect, victim) pairs of one incident (the caller when no victim is named)."""
    who = {i: truth.person_of.get(("incident", ref, i), "") for i, _ in people}
    suspects = {who[i] for i, role in people if role == "suspect" and who[i]}
    victims = {who[i] for i, role in people if role == "victim" and who[i]}
    if not victims:
        victims = {who[i] for i, role in people if role == "caller" and who[i]}
    return {(s, v) for s in suspects for v in victims if s != v}


def earliest_lawful(truth: ForceTruth, folder: Path) -> dict[str, int]:
    """For each series, the position of the first incident at which the same suspect has
    targeted the same victim on two occasions: the earliest a course of conduct exists in law.

    A neighbour dispute whose first incidents alternate in direction has no course of conduct
    at its 2nd incident; the earliest lawful point is later.
    """
    wanted = {ref for s in truth.series for ref in s["incident_refs"]}
    roles = _incident_roles(folder, wanted)
    found: dict[str, int] = {}
    for series in truth.series:
        seen: Counter[tuple[str, str]] = Counter()
        for position, ref in enumerate(series["incident_refs"], start=1):
            for pair in _true_pairs(truth, ref, roles.get(ref, [])):
                seen[pair] += 1
            if any(count >= 2 for count in seen.values()):
                found[series["id"]] = position
                break
    return found


def unfounded_alerts(
    truth: ForceTruth, folder: Path, cited: Mapping[str, Sequence[str]]
) -> set[str]:
    """The course-of-conduct alerts (key -> cited incident refs) that the truth does not bear
    out: no one true suspect and victim in two or more of the incidents cited.

    A couple's two domestic incidents among the background are a course of conduct in law
    whether or not the generator scripted them as a series; a repeat victim of two strangers,
    or two namesakes joined by mistake, are not.
    """
    roles = _incident_roles(folder, {ref for refs in cited.values() for ref in refs})
    unfounded = set()
    for key, refs in cited.items():
        seen: Counter[tuple[str, str]] = Counter()
        for ref in set(refs):
            seen.update(_true_pairs(truth, ref, roles.get(ref, [])))
        if not any(count >= 2 for count in seen.values()):
            unfounded.add(key)
    return unfounded


def recognition(
    engine: Engine, truth: ForceTruth, folder: Path
) -> tuple[dict[str, dict[str, MetricValue]], dict[str, Any]]:
    """When each alert first fired in each series, breaches, false alerts, pictures."""
    rows = _alert_rows(engine)
    fired = [(r["rule_id"], r["incident_ref"]) for r in rows if r["change"] != "cleared"]
    series = {s["id"]: s["incident_refs"] for s in truth.series}
    kind_of = {s["id"]: s["kind"] for s in truth.series}
    positions = first_alert_positions(series, fired, rules=("course_of_conduct", "think_stalking"))
    table: dict[str, dict[str, MetricValue]] = {}

    def put(metric: str, value: MetricValue) -> None:
        table[metric] = {"Threadline": value}

    def share(kinds: Iterable[str], rule: str, k: int) -> float | None:
        chosen = {s: p for s, p in positions.items() if kind_of[s] in kinds}
        return share_at_or_before(chosen, rule, k) if chosen else None

    put(
        "course of conduct by 2nd incident (share of series)",
        share(COURSE_OF_CONDUCT_KINDS, "course_of_conduct", 2),
    )
    earliest = earliest_lawful(truth, folder)
    timely = [s for s in positions if kind_of[s] in COURSE_OF_CONDUCT_KINDS and s in earliest]
    on_time = [s for s in timely if (positions[s].get("course_of_conduct") or 10**9) <= earliest[s]]
    put(
        "course of conduct at the earliest lawful incident (share of series)",
        len(on_time) / len(timely) if timely else None,
    )
    put(
        "think stalking by 3rd incident (stalking series)",
        share(STALKING_KINDS, "think_stalking", 3),
    )
    disputes = [s for s in positions if kind_of[s] == "neighbour_dispute"]
    put(
        "neighbour disputes flagged as stalking",
        sum(1 for s in disputes if positions[s].get("think_stalking") is not None),
    )
    flagged = [
        (r["details"]["order_ref"], r["incident_ref"], int(r["details"]["breach_number"]))
        for r in rows
        if r["rule_id"] == "order_breach" and r["change"] == "raised"
    ]
    breaches: BreachScores = breach_recall(
        {o["ref"]: o.get("breach_refs", []) for o in truth.orders}, flagged
    )
    put("breaches flagged with right order and count", breaches.correct)
    put("breaches that happened", breaches.happened)
    put("breach recall", breaches.recall)
    in_series = {
        ref
        for s in truth.series
        if s["kind"] in COURSE_OF_CONDUCT_KINDS
        for ref in s["incident_refs"]
    }
    raised = {
        r["alert_key"]: [c for c in r["cited"] if c.startswith("INC-")]
        for r in rows
        if r["rule_id"] == "course_of_conduct" and r["change"] == "raised"
    }
    outside = {key for key, refs in raised.items() if not set(refs) & in_series}
    false_coc = unfounded_alerts(truth, folder, raised)
    background = len(truth.background_incidents)
    put("course-of-conduct alerts outside the scripted series", len(outside))
    put("false course-of-conduct alerts (no true suspect and victim twice)", len(false_coc))
    put(
        "false course-of-conduct alerts per 1,000 background incidents",
        false_alert_rate(len(false_coc), background) if background else None,
    )
    coverage = picture_coverage(engine, truth)
    put("ex-partner series incidents in the victim's picture", coverage)
    details = {
        "first_alert_positions": {s: dict(p) for s, p in positions.items()},
        "earliest_lawful_course_of_conduct": earliest,
        "series_kinds": kind_of,
        "breaches": breaches.summary,
        "alert_counts": dict(Counter(r["rule_id"] for r in rows if r["change"] == "raised")),
    }
    return table, details


def picture_coverage(engine: Engine, truth: ForceTruth) -> float | None:
    """Share of ex-partner stalking incidents shown in the picture of the series' last incident."""
    m, em = t.mentions, t.entity_members
    shown = total = 0
    with engine.connect() as conn:
        for s in truth.series:
            if s["kind"] != "ex_partner_stalking":
                continue
            last = s["incident_refs"][-1]
            entities = set(
                conn.execute(
                    select(em.c.entity_id)
                    .join(m, m.c.mention_key == em.c.mention_key)
                    .where(m.c.record_kind == "incident", m.c.record_key.like(f"%:{last}"))
                ).scalars()
            )
            keys = set().union(*records_of_entities(conn, entities).values()) if entities else set()
            refs = {k.split(":", 2)[2] for k in keys}
            refs.add(last)
            total += len(s["incident_refs"])
            shown += sum(1 for ref in s["incident_refs"] if ref in refs)
    return shown / total if total else None


def risk(engine: Engine) -> dict[str, dict[str, MetricValue]]:
    """Domestic incidents without a DASH; MARAC potential-escalation cases from the entities."""
    from threadline.crossref.risk import marac_escalation_cases

    i, a = t.incidents, t.risk_assessments
    with engine.connect() as conn:
        domestic = set(conn.execute(select(i.c.ref).where(i.c.domestic.is_(True))).scalars())
        assessed = set(
            conn.execute(select(a.c.incident_ref).where(a.c.checklist == "dash")).scalars()
        )
    cases = marac_escalation_cases(engine)
    return {
        "domestic incidents": {"Threadline": len(domestic)},
        "domestic incidents without a DASH": {"Threadline": len(domestic - assessed)},
        "MARAC potential-escalation referrals the data supports": {"Threadline": len(cases)},
    }


def evaluate_force(
    engine: Engine, folder: Path, *, stock_splink: bool = False, say: Say | None = None
) -> tuple[dict[str, dict[str, dict[str, MetricValue]]], dict[str, Any]]:
    """Every section of the report, and the details behind it."""
    truth = load_truth(folder)
    sections: dict[str, dict[str, dict[str, MetricValue]]] = {}
    details: dict[str, Any] = {"force": truth.meta}
    sections["Resolution of named person mentions"], details["resolution"] = resolution(
        engine, truth, stock_splink=stock_splink, say=say
    )
    sections["Resolution of all person mentions (incl. unnamed)"], _ = resolution(
        engine, truth, named_only=False
    )
    with engine.connect() as conn:
        has_alerts = conn.execute(select(t.alerts.c.id).limit(1)).first() is not None
    if has_alerts:
        sections["Recognition"], details["recognition"] = recognition(engine, truth, folder)
    sections["Risk assessment"] = risk(engine)
    return sections, details

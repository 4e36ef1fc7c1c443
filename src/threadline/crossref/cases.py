"""One case for one course of conduct: gathering its incidents, at call time and in batch.

When recognition finds a course of conduct (the ``course_of_conduct`` rule: one suspect, one
victim, conduct on at least 2 occasions, Protection from Harassment Act 1997 s7(3)),
:func:`gather` puts its incidents into one case: the case already holding them, or a new one.
The live path (:func:`threadline.crossref.pipeline.submit`) and the batch sweep
(:func:`threadline.crossref.replay.sweep`) both call it from
:func:`~threadline.crossref.pipeline.recognise_and_gather`, so the rule is written once. At call
time the officer in the case is told (a notification) when an incident joins; a sweep over
old records tells nobody.

**What a case is keyed on.** Not the entity ids of the suspect and victim: a re-run of
resolution (``threadline resolve``) may give the same people new ids, and a case keyed on them
would be lost and opened again, splitting one course of conduct into two investigations. A case
is keyed on the suspect's and the victim's *mentions* in the incident that founded it
(``incident:cad:INC-1#1``: a record's key and the person's position in it, which never change)
and holds its incidents by reference (which never change either). A course of conduct found later
joins the case that holds any of its incidents *and* whose two founding mentions are resolved,
now, to its suspect and its victim. So the case follows the people through any re-resolution
that keeps those two mentions with them, and two suspects of one victim (or one suspect of two
victims) are two cases even when an incident is in both. The entity ids are kept beside the
mentions as last seen, for look-ups, and refreshed whenever the case is gathered again.

The officer in the case when it opens is the owner the ownership policy names for the course
of conduct's first report (:func:`threadline.recognise.ownership.owner_of`: the officer who took
it, or the force's default team); a supervisor hands it on with an ``assign`` step.

Every step is a ``case_steps`` row. A member of staff's step is written in the same
transaction as its audit row (``case.<step>``). Threadline's own steps (``open``, ``join`` and
the ``reopen`` of a closed case that an incident joins) are signed as the user ``threadline``
with the role ``system`` (:data:`SYSTEM`), told apart from any member of staff; gathering records
into a case is a *combination* of personal data, which the Data Protection Act 2018 s62
requires to be logged, and at call time it is: in the audit row of the submission that caused
it, which names the member of staff who submitted it and the case
(:func:`threadline.usecases.incidents.audit_submission`). A sweep rebuilding the alerts and
cases from the stored records (an administrator's run) writes no audit row of its own, as for
the alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.actions import states_of
from threadline.export.plain import plain
from threadline.recognise import AlertChange
from threadline.recognise.actions import BREACH_RULES, SYSTEM_ROLE, Actor
from threadline.recognise.cases import (
    CaseState,
    CaseStep,
    fold,
    join_message,
    open_message,
    take,
)
from threadline.recognise.ownership import owner_of
from threadline.store import writing
from threadline.store.cases import (
    add_incidents,
    append_case_step,
    breach_alerts_of,
    case_row,
    cases_of_incidents,
    entities_of_mentions,
    incident_officer,
    incidents_of_case,
    insert_case,
    labels_of,
    mention_of_entity,
    notifications_of_case,
    notify,
    steps_of_case,
    update_case,
)

#: The rule whose findings are gathered into cases.
COURSE_RULE = "course_of_conduct"
#: Threadline itself, as it signs the steps it takes and their audit rows.
SYSTEM = Actor("threadline", SYSTEM_ROLE)

#: Writes the audit row of a staff step in the step's transaction: (conn, action, records,
#: detail).
AuditHook = Callable[[Connection, str, list[str], dict[str, Any]], object]


class CaseNotFound(LookupError):
    """No case with that id."""


@dataclass(frozen=True)
class CaseChange:
    """What gathering did to a case: ``opened``, ``joined`` (incidents added) or ``reopened``
    (closed, and an incident joined it)."""

    case_id: int
    change: str
    incident_refs: tuple[str, ...]
    officer: str | None
    team: str | None

    @property
    def holder(self) -> str | None:
        """Who is told: the officer in the case, or its team when it has no officer."""
        return self.officer or self.team


def series_key(suspect_mention: str, victim_mention: str) -> str:
    """The key of a case: its suspect's and victim's founding mentions."""
    return f"{suspect_mention}->{victim_mention}"


def audit_records(case: Mapping[str, Any], refs: Iterable[str] = ()) -> list[str]:
    """What an audit row of a case step names: the case, its two people and ``refs``."""
    people = sorted({str(case["suspect"]), str(case["victim"])})
    return [
        f"case:{case['id']}",
        *(f"person:{p}" for p in people),
        *(f"incident:{r}" for r in refs),
    ]


def _system_step(
    conn: Connection,
    case: Mapping[str, Any],
    state: CaseState,
    step: CaseStep,
    now: datetime,
    **given: Any,
) -> CaseState:
    record, after = take(state, step, SYSTEM, now, **given)
    append_case_step(conn, int(case["id"]), record)
    return after


def find_case(
    conn: Connection, suspect: str, victim: str, refs: Sequence[str]
) -> dict[str, Any] | None:
    """The case of the course of conduct of ``suspect`` against ``victim`` over ``refs``: one
    holding any of ``refs`` whose founding mentions resolve now to the two people (an open one
    first, then the oldest); ``None`` if there is none."""
    candidates = cases_of_incidents(conn, refs)
    anchors = entities_of_mentions(
        conn, [m for c in candidates for m in (c["suspect_mention"], c["victim_mention"])]
    )
    matching = [
        c
        for c in candidates
        if anchors.get(c["suspect_mention"]) == suspect
        and anchors.get(c["victim_mention"]) == victim
    ]
    matching.sort(key=lambda c: (c["status"] != "open", c["id"]))
    return matching[0] if matching else None


def _founding_mentions(
    conn: Connection, suspect: str, victim: str, refs: Sequence[str]
) -> tuple[str, str, str] | None:
    """(incident, suspect mention, victim mention) of the first of ``refs`` naming both."""
    for ref in refs:
        s = mention_of_entity(conn, ref, suspect)
        v = mention_of_entity(conn, ref, victim)
        if s and v:
            return ref, s, v
    return None


def _open(
    conn: Connection,
    suspect: str,
    victim: str,
    refs: Sequence[str],
    reported_on: str,
    now: datetime,
    default_team: str,
) -> CaseChange | None:
    founding = _founding_mentions(conn, suspect, victim, refs)
    if founding is None:
        return None
    first, suspect_mention, victim_mention = founding
    owner = owner_of(incident_officer(conn, refs[0]), default_team)
    officer = owner.name if owner.kind == "officer" else None
    team = owner.name if owner.kind == "team" else None
    values = {
        "series_key": series_key(suspect_mention, victim_mention),
        "suspect_mention": suspect_mention,
        "victim_mention": victim_mention,
        "suspect": suspect,
        "victim": victim,
        "officer": officer,
        "team": team,
        "status": "open",
        "opened_at": now,
        "opened_on": reported_on,
        "updated_at": now,
    }
    case_id = insert_case(conn, values)
    case = {"id": case_id, **values}
    add_incidents(conn, case_id, refs, reported_on, now)
    _system_step(
        conn,
        case,
        CaseState(),
        "open",
        now,
        officer=officer,
        team=team,
        incidents=list(refs),
        reason=f"a course of conduct recognised at {reported_on} (founded on {first})",
    )
    return CaseChange(case_id, "opened", tuple(refs), officer, team)


def _join(
    conn: Connection,
    case: dict[str, Any],
    suspect: str,
    victim: str,
    refs: Sequence[str],
    reported_on: str,
    now: datetime,
) -> CaseChange | None:
    case_id = int(case["id"])
    held = {row["incident_ref"] for row in incidents_of_case(conn, case_id)}
    new = [ref for ref in refs if ref not in held]
    update_case(conn, case_id, suspect=suspect, victim=victim, updated_at=now)
    case = {**case, "suspect": suspect, "victim": victim}
    if not new:
        return None
    state = fold(steps_of_case(conn, case_id))
    reopened = state.status == "closed"
    if reopened:
        state = _system_step(
            conn,
            case,
            state,
            "reopen",
            now,
            reason=f"the course of conduct continues: {', '.join(new)}",
            incident_ref=reported_on,
        )
        update_case(conn, case_id, status="open", closed_at=None)
    add_incidents(conn, case_id, new, reported_on, now)
    for ref in new:
        state = _system_step(
            conn,
            case,
            state,
            "join",
            now,
            incident_ref=ref,
            reason=f"the same course of conduct, recognised at {reported_on}",
        )
    return CaseChange(
        case_id, "reopened" if reopened else "joined", tuple(new), case["officer"], case["team"]
    )


def gather(
    conn: Connection,
    changes: Iterable[AlertChange],
    reported_on: str,
    now: datetime,
    *,
    default_team: str,
    tell: bool = True,
) -> list[CaseChange]:
    """Put each course of conduct among ``changes`` (recognised at the report ``reported_on``)
    into its case, opening one when there is none; with ``tell``, notify the officer in the
    case (or its team) of each case opened, joined or reopened. In the caller's transaction."""
    done: list[CaseChange] = []
    for change in changes:
        alert = change.alert
        if change.change == "cleared" or alert.rule_id != COURSE_RULE:
            continue
        details = alert.details or {}
        suspect, victim = details.get("suspect"), details.get("victim")
        listed = details.get("incidents")
        refs = [str(r) for r in (listed if isinstance(listed, list) else alert.cited)]
        if not isinstance(suspect, str) or not isinstance(victim, str) or not refs:
            continue
        case = find_case(conn, suspect, victim, refs)
        if case is None:
            made = _open(conn, suspect, victim, refs, reported_on, now, default_team)
        else:
            made = _join(conn, case, suspect, victim, refs, reported_on, now)
        if made is None:
            continue
        done.append(made)
        if tell and made.holder:
            message = (
                open_message(made.case_id, reported_on)
                if made.change == "opened"
                else join_message(made.case_id, reported_on, made.change == "reopened")
            )
            notify(conn, made.holder, made.case_id, reported_on, made.change, message, now)
    return done


# --- staff steps and the case as shown ----------------------------------------------------------


def owed_decisions(conn: Connection, refs: Iterable[str]) -> list[dict[str, Any]]:
    """The breach alerts fired at ``refs``, each with whether its arrest decision is recorded
    (``decided``) and settled: arrested, or "not arrested" signed off by a supervisor."""
    alerts = breach_alerts_of(conn, refs, BREACH_RULES)
    states = states_of(conn, alerts)
    out = []
    for a in alerts:
        state = states[a["alert_key"]]
        decision = state.decision
        out.append(
            {
                "alert_key": a["alert_key"],
                "incident_ref": a["incident_ref"],
                "decided": decision is not None,
                "settled": decision is not None and decision.settled,
                "status": state.status,
            }
        )
    return out


def take_case_step(
    engine: Engine,
    case_id: int,
    step: CaseStep,
    actor: Actor,
    now: datetime,
    audit_hook: AuditHook,
    **given: Any,
) -> dict[str, Any]:
    """``actor`` takes ``step`` on case ``case_id``: checked
    (:func:`threadline.recognise.cases.take`), stored with its audit row, and the case as it then
    stands. :class:`CaseNotFound` for an unknown case;
    :class:`~threadline.recognise.cases.CaseRefused` for a step that cannot be taken."""
    with writing(engine) as conn:
        case = case_row(conn, case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}")
        state = fold(steps_of_case(conn, case_id))
        refs = [row["incident_ref"] for row in incidents_of_case(conn, case_id)]
        owed = [d["alert_key"] for d in owed_decisions(conn, refs) if not d["settled"]]
        record, after = take(state, step, actor, now, owed_decisions=owed, **given)
        append_case_step(conn, case_id, record)
        update_case(
            conn,
            case_id,
            officer=after.officer,
            team=after.team,
            status=after.status,
            closed_at=after.closed_at,
            updated_at=now,
        )
        if step == "assign" and after.officer and after.officer != state.officer:
            notify(
                conn,
                after.officer,
                case_id,
                None,
                "assigned",
                f"You are the officer in case {case_id} (assigned by {actor.username}).",
                now,
            )
        audit_hook(conn, f"case.{step}", audit_records(case), {"case": case_id, **record.to_dict()})
    return show_case(engine, case_id)


def case_view(conn: Connection, case: Mapping[str, Any]) -> dict[str, Any]:
    """A case with its people's names, incidents, steps, notifications and the arrest
    decisions owed on its breaches (times as ISO 8601)."""
    case_id = int(case["id"])
    incidents = incidents_of_case(conn, case_id)
    refs = [row["incident_ref"] for row in incidents]
    labels = labels_of(conn, [case["suspect"], case["victim"]])
    columns = {k: plain(v) for k, v in case.items() if k != "count"}
    return {
        **columns,
        "suspect_label": labels.get(case["suspect"], case["suspect"]),
        "victim_label": labels.get(case["victim"], case["victim"]),
        "incidents": [{k: plain(v) for k, v in row.items()} for row in incidents],
        "steps": [r.to_dict() for r in steps_of_case(conn, case_id)],
        "notifications": [
            {k: plain(v) for k, v in n.items()} for n in notifications_of_case(conn, case_id)
        ],
        "breaches": owed_decisions(conn, refs),
    }


def show_case(engine: Engine, case_id: int) -> dict[str, Any]:
    """:func:`case_view` of a stored case; :class:`CaseNotFound` if there is none."""
    with engine.connect() as conn:
        case = case_row(conn, case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}")
        return case_view(conn, case)

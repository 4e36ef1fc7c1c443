"""The live path: one record arrives, is stored, its people resolved, and what it means recognised.

:func:`submit` is what the API, the web form and ``threadline replay`` all call for each incident
(or crime, order, assessment, association) as a command-and-control system would send it. It
commits the record, the entities and the alerts in one transaction (with the caller's audit row,
if it passes one), so a crash leaves either all of it or none. :func:`submit_group` does the same
for several records in one write turn and one commit, each in its own savepoint: what a server
does with the submissions that queue up under load (:mod:`threadline.api.turns`).
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update

from threadline.crossref.alerts import alert_reads, alerts_of_rows, previous_alerts, save_changes
from threadline.crossref.cases import CaseChange, gather
from threadline.crossref.history import event_of_record, load_history_with
from threadline.crossref.outcomes import record_arrest_outcome
from threadline.model import Incident, Record, RiskAssessment
from threadline.recognise import AlertChange, Event, Thresholds, recognise, shows_stalking
from threadline.recognise.named_people import with_named_suspects
from threadline.resolve.batch import MATCH_THRESHOLD, REVIEW_THRESHOLD
from threadline.resolve.calltime import Decision, resolve_record
from threadline.resolve.linkage import LinkageModel
from threadline.store import tables as t
from threadline.store.database import writing
from threadline.store.parties import keep_parties
from threadline.store.records import Prepared, prepare, write_prepared
from threadline.store.rows import Binder
from threadline.store.writers import binder_for


@dataclass(frozen=True)
class CallTimeSettings:
    match_threshold: float = MATCH_THRESHOLD
    review_threshold: float = REVIEW_THRESHOLD
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: who holds a case whose first report names no officer (threadline.recognise.ownership)
    default_team: str = "public protection unit"


@dataclass
class Submission:
    """What happened to one submitted record."""

    record_key: str
    ref: str
    kind: str
    outcome: str  # stored, updated, unchanged
    decisions: list[Decision]
    changes: list[AlertChange]
    timings_ms: dict[str, float]
    #: how many submissions shared its write turn and commit (itself included)
    committed_with: int = 1
    #: the cases it opened, joined or reopened (threadline.crossref.cases)
    cases: list[CaseChange] = field(default_factory=list)


def recognise_and_gather(
    conn: Connection,
    key: str,
    settings: CallTimeSettings,
    now: datetime,
    until: datetime | None = None,
    *,
    tell: bool = True,
    signs_kept: bool = False,
) -> tuple[list[AlertChange], list[CaseChange]]:
    """Run the rules for one stored incident or crime against its linked history; save the
    alerts; put each course of conduct into its case (telling the officer in the case, with
    ``tell``). The alert changes and the case changes. An incident's stalking signs are kept
    with it here, unless ``signs_kept`` (the live path wrote them with its row)."""
    event = event_of_record(conn, key)
    if event is None:
        return [], []
    entities = {p.entity_id for p in event.parties}
    window = timedelta(days=settings.thresholds.repeat_window_days)
    # the open alerts about the event read with its history (one round trip on PostgreSQL)
    links = _links(event)
    history, alert_rows = load_history_with(
        conn,
        entities,
        event.location_key,
        until,
        location_since=event.reported_at - window,
        also=alert_reads(links),
    )
    event, _named = with_named_suspects(event, history)  # "Mark was there again" (issue 21)
    previous = alerts_of_rows(alert_rows)
    if named_links := _links(event) - links:  # and those about the suspects the words name
        previous.update(previous_alerts(conn, named_links))
    changes = recognise(event, history, previous, thresholds=settings.thresholds)
    save_changes(conn, changes, now)
    if event.kind == "incident" and not signs_kept:
        keep_stalking_signs(conn, key, event)
    cases = gather(conn, changes, event.ref, now, default_team=settings.default_team, tell=tell)
    return changes, cases


def _links(event: Event) -> set[str]:
    """What the open alerts about ``event`` are linked to: its people, itself and its place."""
    entities = {p.entity_id for p in event.parties}
    return entities | {event.ref} | ({event.location_key} if event.location_key else set())


def keep_stalking_signs(conn: Connection, key: str, event: Event) -> None:
    """Keep with the incident whether it shows a stalking behaviour (its narrative's signs are
    already read by the rules), for the owed list (:func:`threadline.crossref.risk.owed`), and
    with its kept parties (:mod:`threadline.store.parties`)."""
    signs = shows_stalking(event.ref, event.category, event.closing_category, event.narrative)
    conn.execute(
        update(t.incidents).where(t.incidents.c.record_key == key).values(stalking_signs=signs)
    )
    keep_parties(conn, [key])


def _prepare(record: Record, binder: Binder | None) -> Prepared:
    """A submitted record's rows; an incident's with its stalking signs, read from the record
    alone as :func:`keep_stalking_signs` reads them, so no UPDATE follows in the write turn."""
    if not isinstance(record, Incident):
        return prepare(record, binder)
    closing = record.closing_category.value if record.closing_category else None
    signs = shows_stalking(record.ref, record.category.value, closing, record.narrative)
    return prepare(record, binder, known={"stalking_signs": signs})


def _incident_key(conn: Connection, ref: str) -> str | None:
    return conn.execute(
        select(t.incidents.c.record_key).where(t.incidents.c.ref == ref).order_by(t.incidents.c.id)
    ).scalar()


@dataclass(frozen=True)
class Pending:
    """One record waiting to be submitted: what :func:`submit_group` takes for each.

    ``audit(conn, submission)`` is called last in the submission's transaction, so its audit
    row is committed with it (and one commit, not two, waits for the disk).
    """

    record: Record
    now: datetime
    audit: Callable[[Connection, Submission], object] | None = None


def submit(
    engine: Engine,
    model: LinkageModel,
    record: Record,
    now: datetime,
    settings: CallTimeSettings | None = None,
    *,
    audit: Callable[[Connection, Submission], object] | None = None,
) -> Submission:
    """Store ``record``, resolve its people, recognise what it means; all in one transaction.

    ``audit(conn, submission)`` is called last in that transaction (see :class:`Pending`).
    """
    (outcome,) = submit_group(engine, model, [Pending(record, now, audit)], settings)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def submit_group(
    engine: Engine,
    model: LinkageModel,
    group: Sequence[Pending],
    settings: CallTimeSettings | None = None,
) -> list[Submission | Exception]:
    """Submit each of ``group`` in turn in one write transaction, and commit them together.

    Each runs in its own savepoint and sees what those before it wrote, exactly as if it had
    its own transaction after theirs; one that fails is rolled back to its savepoint and its
    exception is its outcome, in its place in the list, while the rest are committed. One
    commit, so one wait for the disk and one write turn, serves the whole group: under load a
    server submits what has queued up meanwhile as one group (:mod:`threadline.api.turns`).
    If the commit itself fails, nothing of the group is stored and the error is raised (a
    group of one, which needs no savepoint, returns it as its outcome instead).
    """
    settings = settings or CallTimeSettings()
    started = clock.perf_counter()
    binder = binder_for(engine.dialect)
    # Their rows need nothing from the store: made before the write turn, not while others wait.
    prepared: list[Prepared | Exception] = []
    for pending in group:
        try:
            prepared.append(_prepare(pending.record, binder))
        except Exception as error:  # noqa: BLE001 - the outcome of that submission alone
            prepared.append(error)
    ready = clock.perf_counter()
    outcomes: list[Submission | Exception] = []
    if len(group) == 1 and not isinstance(prepared[0], Exception):
        # Alone: no savepoint (two round trips fewer); a failure rolls back the transaction.
        timings = {"prepare": (ready - started) * 1000}
        try:
            with writing(engine) as conn:
                timings["wait"] = (clock.perf_counter() - ready) * 1000
                outcomes.append(_submit_in(conn, model, group[0], prepared[0], settings, timings))
                committing = clock.perf_counter()
        except Exception as error:  # noqa: BLE001 - its outcome; nothing of it is stored
            return [error]
    else:
        with writing(engine) as conn:
            for pending, rows in zip(group, prepared, strict=True):
                if isinstance(rows, Exception):
                    outcomes.append(rows)
                    continue
                # waiting: for the write turn, then for those ahead of it in the group
                waited = clock.perf_counter() - ready
                timings = {"prepare": (ready - started) * 1000 / len(group), "wait": waited * 1000}
                try:
                    with conn.begin_nested():
                        outcomes.append(_submit_in(conn, model, pending, rows, settings, timings))
                except Exception as error:  # noqa: BLE001 - rolled back to its savepoint
                    outcomes.append(error)
            committing = clock.perf_counter()
    done = clock.perf_counter()
    for outcome in outcomes:
        if isinstance(outcome, Submission):
            outcome.timings_ms["commit"] = (done - committing) * 1000
            outcome.timings_ms["total"] = (done - started) * 1000
            outcome.committed_with = len(group)
    return outcomes


def _submit_in(
    conn: Connection,
    model: LinkageModel,
    pending: Pending,
    prepared: Prepared,
    settings: CallTimeSettings,
    timings: dict[str, float],
) -> Submission:
    """One submission inside the group's transaction: store, resolve, recognise, audit."""
    last = clock.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        at = clock.perf_counter()
        timings[name] = (at - last) * 1000
        last = at

    record, now, key = pending.record, pending.now, prepared.key
    counts = write_prepared(conn, [prepared], now)
    outcome = "stored" if counts.stored else "updated" if counts.updated else "unchanged"
    lap("store")
    decisions: list[Decision] = []
    if outcome != "unchanged":
        if outcome == "updated":
            mentions = select(t.mentions.c.mention_key).where(t.mentions.c.record_key == key)
            conn.execute(
                delete(t.entity_members).where(t.entity_members.c.mention_key.in_(mentions))
            )
        decisions = resolve_record(
            conn,
            model,
            key,
            now,
            threshold=settings.match_threshold,
            review_threshold=settings.review_threshold,
        )
    lap("resolve")
    target = key
    if isinstance(record, RiskAssessment):
        target = _incident_key(conn, record.incident_ref) or key
    changes: list[AlertChange] = []
    cases: list[CaseChange] = []
    if outcome != "unchanged":
        signs_kept = isinstance(record, Incident)
        changes, cases = recognise_and_gather(conn, target, settings, now, signs_kept=signs_kept)
        if isinstance(record, Incident) and record.arrest is not None:
            record_arrest_outcome(conn, record.ref, record.source, record.arrest, now)
    lap("recognise")
    submission = Submission(
        key, record.ref, record.kind, outcome, decisions, changes, timings, cases=cases
    )
    if pending.audit is not None:
        pending.audit(conn, submission)
        lap("audit")
    return submission


def mark_history_viewed(
    engine: Engine,
    incident_ref: str,
    user: str,
    now: datetime,
    settings: CallTimeSettings | None = None,
) -> list[AlertChange]:
    """Record the research check on an incident (its linked history was looked at)."""
    settings = settings or CallTimeSettings()
    with writing(engine) as conn:
        key = _incident_key(conn, incident_ref)
        if key is None:
            raise LookupError(f"no incident {incident_ref}")
        conn.execute(
            insert(t.history_views).values(incident_ref=incident_ref, user=user, viewed_at=now)
        )
        alerts, _cases = recognise_and_gather(conn, key, settings, now)
        return alerts

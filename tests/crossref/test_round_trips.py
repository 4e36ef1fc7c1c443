"""The live path's budget of round trips: what one submission sends to the database.

On PostgreSQL each statement and commit waits for the server, unless statements go together in
one pipeline, and every other submission waits for the one in the write turn (issue 26: 38
round trips a submission held 20 clients to 33 a second). The count is the same on SQLite,
whose code path is the same (statements sent together are marked so on both,
:mod:`threadline.store.statements`), so it is counted there: a change that adds statements or
round trips to a submission fails here and has to raise the budget on purpose.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from breaches import ex_partner_case, new_breach, next_breach_time
from factories import incident, person
from threadline.crossref import submit
from threadline.guard import UserRole
from threadline.model import parse_record
from threadline.store.statements import counting_statements
from threadline.usecases.incidents import submitted_incident

#: A known victim's new breach of her order: store, resolve two people, recognise four
#: alerts, join the case. 64 statements and commits before issue 26's batching, 51 after; 53
#: once the incident's stalking signs are kept for the owed list (issue 24: one UPDATE after
#: recognition) and the batch-resolution merge of the same day (one more); 52 once the signs
#: are read from the record and written with the incident's row; 50 with the blocks of the
#: record's people counted in one statement and the people sharing a phone read with the blocks;
#: 52 with its victim and suspect kept for the S-DASH courses (issue 24: one DELETE and one
#: INSERT ... SELECT once the record's people are written, ``threadline.store.parties``); 53
#: with its first DASH kept for the DASH owed (one UPDATE once the record is written,
#: ``threadline.store.first_dash``).
BREACH_BUDGET = 53
#: The same submission's round trips (statements sent together in one pipeline counted once):
#: 36 with its inserts, its kept first DASH and its kept parties each sent together, and the
#: history's reads after the first, the record's people with the record, and the record's
#: mentions, features and highest entity id each in one; 34 with the kept parties sent with
#: the next read and the open alerts read with the history.
BREACH_ROUND_TRIPS = 34
#: Two people new to the store (one surname: the family alerts still run). 59 before, 46 after,
#: 47 with the kept stalking signs, 46 again with them written with the row, 45 with both
#: people's blocks counted in one statement, 47 with the incident's kept victim and suspect, 48
#: with its kept first DASH.
STRANGERS_BUDGET = 48
#: Their round trips: 32, then 30, as a breach's.
STRANGERS_ROUND_TRIPS = 30


def test_a_breach_submission_keeps_to_its_round_trip_budget(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    with counting_statements(engine) as count:
        submission = submit(engine, model, new_breach(case, "TRIPS-1", when), when)
    assert {c.alert.rule_id for c in submission.changes} >= {"order_breach", "course_of_conduct"}
    assert count.commits == 1
    assert count.statements + count.commits <= BREACH_BUDGET, count.most_sent(15)
    assert count.round_trips <= BREACH_ROUND_TRIPS, count.most_sent(15)


def test_a_submission_of_strangers_keeps_to_its_round_trip_budget(resolved_store: Any) -> None:
    engine, model = resolved_store
    record = parse_record(
        incident(
            "TRIPS-2",
            people=[
                person("victim", forenames="Quillon", surname="Ashgrove", dob="1991-02-03"),
                person("suspect", forenames="Brannock", surname="Ashgrove", dob="1988-07-09"),
            ],
        )
    )
    when = datetime(2026, 3, 1, 10, tzinfo=UTC)
    with counting_statements(engine) as count:
        submission = submit(engine, model, record, when)
    assert [d.outcome for d in submission.decisions] == ["new", "new"]
    assert count.statements + count.commits <= STRANGERS_BUDGET, count.most_sent(15)
    assert count.round_trips <= STRANGERS_ROUND_TRIPS, count.most_sent(15)


def test_the_counter_sees_reads_sent_straight_to_the_driver(resolved_store: Any) -> None:
    """The budget would be blind to most reads if :func:`threadline.store.queries.fetch`'s
    SQLite path did not fire the event."""
    engine, model = resolved_store
    with counting_statements(engine) as count:
        submit(engine, model, parse_record(incident("TRIPS-3")), datetime(2026, 3, 1, tzinfo=UTC))
    assert any(sql.startswith("SELECT mention_features") for sql in count.by_text)
    assert count.statements > 10


#: The picture a call handler is answered with after that breach (20 statements): 20 round
#: trips with the people's records, the records' entries by kind and the people's open alerts
#: read one statement at a time; 12 with the people's records read with their labels, and the
#: records' entries and people with each person's open alerts.
PICTURE_ROUND_TRIPS = 12


def test_the_picture_of_a_submission_keeps_to_its_round_trip_budget(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    record = new_breach(case, "TRIPS-4", when)
    submission = submit(engine, model, record, when)
    with counting_statements(engine) as count:
        picture = submitted_incident(engine, submission, record.source, UserRole.call_handler)
    assert len(picture["picture"]["people"]) == 2 and picture["alerts"]
    assert count.round_trips <= PICTURE_ROUND_TRIPS, count.most_sent(15)

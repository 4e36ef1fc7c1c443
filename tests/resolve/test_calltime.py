"""Call-time resolution of one new mention: join, review or new person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record
from threadline.resolve.batch import resolve_store
from threadline.store import open_store
from threadline.store import tables as t
from threadline.store.records import write_batch

HOME = {"text": "4 Park Crescent, Hednesford", "postcode": "WS12 0BH"}
DARREN = {"forenames": "Darren", "surname": "Harington", "sex": "male", "address": HOME}


def test_a_mention_that_fits_a_father_and_his_son_alike_joins_neither(
    engine: Any, small_model: Any
) -> None:
    """Darren Harington and his son Darren live at one address. A Darren Harington recorded
    there with no date of birth is either; the call handler is not told he is one of them."""
    now = datetime(2026, 3, 2, tzinfo=UTC)

    def go(ref: str, **fields: Any) -> Any:
        record = parse_record(incident(ref, people=[person("victim", **DARREN, **fields)]))
        return submit(engine, small_model, record, now).decisions[0]

    father = go("INC-F", dob="1952-08-19")
    son = go("INC-S", dob="1981-05-23")
    assert father.entity_id != son.entity_id
    again = go("INC-S2", dob="1981-05-23")  # the son's date of birth says which
    assert (again.outcome, again.entity_id) == ("joined", son.entity_id)

    either = go("INC-X")
    assert either.outcome == "review", either
    assert either.entity_id not in (father.entity_id, son.entity_id)
    assert any(
        "fits both" in line and father.entity_id in line and son.entity_id in line
        for line in either.evidence
    ), either.evidence


TWIN_HOME = {"text": "11 Tannery Row, Rugeley", "postcode": "WS15 2AB"}
FARRANT = {"surname": "Farrant", "dob": "1994-07-03", "sex": "male", "address": TWIN_HOME}


def test_a_twin_never_joins_the_person_of_his_brother(engine: Any, small_model: Any) -> None:
    """Jake Farrant is on record, and so is a Farrant with his date of birth, his address and his
    phone but no forename, who joined him. His twin Connor (same surname, date of birth and
    address) fits that forename-less record at the match threshold, but Jake's own record says
    Connor is somebody else: he must not join Jake's person (issue 21: call time merged twins)."""
    now = datetime(2026, 3, 2, tzinfo=UTC)

    def go(ref: str, **fields: Any) -> Any:
        record = parse_record(incident(ref, people=[person("victim", **FARRANT, **fields)]))
        return submit(engine, small_model, record, now).decisions[0]

    jake = go("INC-J", forenames="Jake", phones=["07700 900411"])
    nameless = go("INC-N", phones=["07700 900411"])
    assert (nameless.outcome, nameless.entity_id) == ("joined", jake.entity_id), nameless
    luke = go("INC-L", forenames="Connor")
    assert luke.entity_id != jake.entity_id, luke
    with engine.connect() as conn:
        members = conn.execute(
            select(t.entity_members.c.mention_key).where(
                t.entity_members.c.entity_id == jake.entity_id
            )
        ).scalars()
        assert luke.mention_key not in set(members)


SMITH = {"forenames": "John", "surname": "Smith", "sex": "male"}
#: What a call handler wrote of a man in the street: a first name as he was called, a surname.
JOHNNY = {**SMITH, "forenames": "Johnny"}
OTHER_HOME = {"text": "27 Sandy Lane, Cannock", "postcode": "WS11 1RF"}


def test_a_name_only_join_is_provisional_and_undone_when_a_namesake_arrives(
    engine: Any, small_model: Any
) -> None:
    """Arrival order (issue 21, part 3): John Smith, born 1985, is the one John Smith on record
    with a date of birth when a suspect recorded as "Johnny Smith", male, and nothing else
    arrives. Batch joins such a mention only if no namesake is identified by the end of the
    run; call time cannot know that one is not about to arrive, so it joins the name-only
    mention (the call handler sees the likely man) provisionally: the membership's
    ``assigned_by`` and the joined event say so. Then a John Smith born 1990 arrives: call time
    undoes the join, as batch, over every record, decides that the mention is neither man."""
    start = datetime(2026, 3, 2, tzinfo=UTC)

    def go(ref: str, n: int, name: dict[str, str] = SMITH, **fields: Any) -> Any:
        raw = incident(ref, people=[person("suspect", **name, **fields)])
        record = parse_record({**raw, "reported_at": f"2026-03-0{n}T10:00:00Z"})
        return submit(engine, small_model, record, start).decisions[0]

    first = go("INC-A1", 2, dob="1985-02-11", address=HOME, phones=["07700 900111"])
    name_only = go("INC-A2", 3, JOHNNY)
    assert name_only.rule == "only-dated-person-of-the-name", name_only
    assert (name_only.outcome, name_only.entity_id) == ("joined", first.entity_id), name_only
    assert name_only.provisional, name_only
    assert name_only.evidence[-1].startswith("provisional"), name_only.evidence
    em, ev = t.entity_members, t.entity_events
    with engine.connect() as conn:
        assigned = conn.execute(
            select(em.c.assigned_by).where(em.c.mention_key == name_only.mention_key)
        ).scalar_one()
        joined = conn.execute(
            select(ev.c.by).where(ev.c.entity_id == first.entity_id, ev.c.action == "joined")
        ).all()
    assert assigned == "call-time:provisional"
    assert [e.by for e in joined] == ["call-time:provisional"], joined
    namesake = go("INC-A3", 4, dob="1990-06-01", address=OTHER_HOME)
    assert namesake.entity_id != first.entity_id
    with engine.connect() as conn:
        people = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
        queued = conn.execute(
            select(
                t.review_queue.c.mention_a, t.review_queue.c.mention_b, t.review_queue.c.evidence
            )
        ).all()
        split = conn.execute(
            select(ev.c.mention_keys, ev.c.by, ev.c.note).where(
                ev.c.entity_id == first.entity_id, ev.c.action == "split"
            )
        ).all()
    assert people[name_only.mention_key] not in (
        people[first.mention_key],
        people[namesake.mention_key],
    )
    assert [(e.mention_keys, e.by) for e in split] == [([name_only.mention_key], "call-time")]
    assert "provisional join" in split[0].note and "undone" in split[0].note, split
    undone = [
        q
        for q in queued
        if {q.mention_a, q.mention_b} == {name_only.mention_key, namesake.mention_key}
    ]
    assert undone and "undone" in undone[0].evidence[0]["text"], queued

    # The nightly batch over the same store sees both men, and leaves the mention alone too.
    resolve_store(engine, small_model, now=start + timedelta(days=3))
    with engine.connect() as conn:
        after = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
    assert after[name_only.mention_key] not in (
        after[first.mention_key],
        after[namesake.mention_key],
    )


def test_the_nightly_batch_confirms_a_provisional_join(engine: Any, small_model: Any) -> None:
    """With no namesake by the nightly run, batch confirms the join call time made
    provisionally: the mention stays, nothing is reconciled, and the person's history reads
    created (call time), joined (call time, provisional)."""
    start = datetime(2026, 3, 2, tzinfo=UTC)

    def go(ref: str, n: int, name: dict[str, str] = SMITH, **fields: Any) -> Any:
        raw = incident(ref, people=[person("suspect", **name, **fields)])
        record = parse_record({**raw, "reported_at": f"2026-03-0{n}T10:00:00Z"})
        return submit(engine, small_model, record, start).decisions[0]

    first = go("INC-B1", 2, dob="1985-02-11", address=HOME, phones=["07700 900111"])
    name_only = go("INC-B2", 3, JOHNNY)
    assert (name_only.outcome, name_only.rule) == ("joined", "only-dated-person-of-the-name")
    assert name_only.provisional and name_only.entity_id == first.entity_id
    resolve_store(engine, small_model, now=start + timedelta(days=1))
    with engine.connect() as conn:
        after = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
        person_id = after[first.mention_key]
        history = conn.execute(
            select(t.entity_events.c.action, t.entity_events.c.by, t.entity_events.c.note)
            .where(t.entity_events.c.entity_id == person_id)
            .order_by(t.entity_events.c.id)
        ).all()
    assert after[name_only.mention_key] == person_id == first.entity_id
    assert [(e.action, e.by) for e in history] == [
        ("created", "call-time"),
        ("joined", "call-time:provisional"),
    ], history


NOWAK = {"forenames": "Pawel", "surname": "Nowak", "sex": "male"}
NOWAK_HOME = {"text": "6 Lavender Close, Stafford", "postcode": "ST17 7FA"}


def test_a_member_that_fits_two_people_is_taken_out_when_the_second_arrives(
    engine: Any, small_model: Any, tmp_path: Any
) -> None:
    """Pawel Nowak, born 1981, is on record; a Pawel Nowak recorded at 6 Lavender Close with no
    date of birth joins him on the name. Then a Pawel Nowak born 1990 is recorded at 6 Lavender
    Close: he cannot be the first (dates of birth differ), and the undated record fits him at
    least as well as it fits the first. Batch, seeing all three, does not leave the undated
    record with the first (fits-two-people: held apart, or the second's when it fits him far
    better); call time now decides the same when the second man arrives, and says so in the
    first man's history."""
    start = datetime(2026, 3, 2, tzinfo=UTC)
    records = []

    def go(ref: str, n: int, **fields: Any) -> Any:
        raw = incident(ref, people=[person("suspect", **NOWAK, **fields)])
        records.append(parse_record({**raw, "reported_at": f"2026-03-0{n}T10:00:00Z"}))
        return submit(engine, small_model, records[-1], start).decisions[0]

    first = go("INC-N1", 2, dob="1981-05-15")
    undated = go("INC-N2", 3, address=NOWAK_HOME)
    assert (undated.outcome, undated.entity_id) == ("joined", first.entity_id), undated
    second = go("INC-N3", 4, dob="1990-02-02", address=NOWAK_HOME)
    assert second.entity_id != first.entity_id
    assert [held[0] for held in second.held_apart] == [undated.mention_key], second
    [(_mention, _partner, why, *_rest)] = second.held_apart
    # the reviewer reads which records, as they know them, not the store's mention keys
    assert why.startswith("Pawel Nowak (suspect in INC-N2) fits"), why
    assert "Pawel Nowak (suspect in INC-N3)" in why and "incident:" not in why, why
    with engine.connect() as conn:
        live = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
        split = conn.execute(
            select(t.entity_events.c.mention_keys, t.entity_events.c.by).where(
                t.entity_events.c.entity_id == first.entity_id,
                t.entity_events.c.action == "split",
            )
        ).all()
    assert live[undated.mention_key] != live[first.mention_key]
    assert split == [([undated.mention_key], "call-time")], split

    batch = open_store(f"sqlite:///{tmp_path}/batch.db")
    with batch.begin() as conn:
        write_batch(conn, records, start)
    resolve_store(batch, small_model, now=start + timedelta(days=3))
    with batch.connect() as conn:
        after = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
    batch.dispose()
    for other in (first, second):
        pair = (undated.mention_key, other.mention_key)
        assert (live[pair[0]] == live[pair[1]]) == (after[pair[0]] == after[pair[1]]), other


def test_a_provisional_join_is_undone_when_an_undated_namesake_arrives_as_batch_decides(
    engine: Any, small_model: Any, tmp_path: Any
) -> None:
    """John Smith, born 1985, is on record; "Johnny Smith" with nothing but his name joins him
    provisionally. A "Jack Smith" (Jack: John's nickname) with nothing but his name arrives: he
    could be the first John Smith, or the same man as "Johnny", or neither. Batch, seeing all
    three, sees two name-only mentions each linked to the other as well as to the dated man
    (their only partners are not one person) and joins neither to him; call time now undoes
    the provisional join when the second arrives, and leaves every pair as batch does."""
    start = datetime(2026, 3, 2, tzinfo=UTC)
    records = []

    def go(ref: str, n: int, name: dict[str, str] = SMITH, **fields: Any) -> Any:
        raw = incident(ref, people=[person("suspect", **name, **fields)])
        records.append(parse_record({**raw, "reported_at": f"2026-03-0{n}T10:00:00Z"}))
        return submit(engine, small_model, records[-1], start).decisions[0]

    first = go("INC-U1", 2, dob="1985-02-11", address=HOME, phones=["07700 900111"])
    johnny = go("INC-U2", 3, JOHNNY)
    assert (johnny.entity_id, johnny.provisional) == (first.entity_id, True), johnny
    second = go("INC-U3", 4, {**SMITH, "forenames": "Jack"})
    with engine.connect() as conn:
        live = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
        split = conn.execute(
            select(t.entity_events.c.mention_keys).where(
                t.entity_events.c.entity_id == first.entity_id,
                t.entity_events.c.action == "split",
            )
        ).scalars()
        assert list(split) == [[johnny.mention_key]]
    assert live[johnny.mention_key] != live[first.mention_key]
    assert live[second.mention_key] != live[first.mention_key]

    batch = open_store(f"sqlite:///{tmp_path}/batch.db")
    with batch.begin() as conn:
        write_batch(conn, records, start)
    resolve_store(batch, small_model, now=start + timedelta(days=3))
    with batch.connect() as conn:
        after = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
    batch.dispose()
    keys = [first.mention_key, johnny.mention_key, second.mention_key]
    for a, b in ((0, 1), (0, 2), (1, 2)):
        same_live = live[keys[a]] == live[keys[b]]
        assert same_live == (after[keys[a]] == after[keys[b]]), (keys[a], keys[b])

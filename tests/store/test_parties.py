"""Each incident's kept victim and suspect (``incident_parties``) are those its mentions and
memberships give when read from scratch (:func:`threadline.crossref.risk.people_by_role` and
:func:`~threadline.crossref.risk.victim_and_suspect`, what the owed rules read before they were
kept): after batch resolution, after call-time submissions (new people, known people, an
incident sent again changed), after a reviewer's merge and split, after a batch import that
changes an incident's people, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import Engine, select, update

from factories import incident, person
from threadline.crossref import submit
from threadline.crossref.replay import sweep
from threadline.crossref.risk import people_by_role, victim_and_suspect
from threadline.ingest import import_records
from threadline.ingest.readers import RawRecord
from threadline.model import parse_record
from threadline.resolve.batch import resolve_store
from threadline.resolve.review import Judgement, record_judgement
from threadline.store import migrate, open_store
from threadline.store import tables as t
from threadline.store.database import alembic_config
from threadline.store.parties import rebuild_parties

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
ADDRESS = {"text": "12 Gull Lane, Porthleven", "postcode": "TR13 9JX"}
HER = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12",
       "phones": ["07700 900123"], "address": ADDRESS}  # fmt: skip
HIM = {"forenames": "Gareth", "surname": "Tregothnan", "relationship_to_victim": "former_partner"}


Parties = dict[str, tuple[str | None, str | None]]


def kept(engine: Engine, signs: bool = False) -> dict[str, Any]:
    p = t.incident_parties
    with engine.connect() as conn:
        rows = conn.execute(select(p.c.record_key, p.c.victim_entity, p.c.suspect_entity,
                                   p.c.maybe_stalking))  # fmt: skip
        if signs:
            return {r.record_key: r.maybe_stalking for r in rows}
        return {r.record_key: (r.victim_entity, r.suspect_entity) for r in rows}


def from_scratch(engine: Engine) -> Parties:
    with engine.connect() as conn:
        people = people_by_role(conn)
    found = {key: victim_and_suspect(roles) for key, roles in people.items()}
    return {key: pair for key, pair in found.items() if pair != (None, None)}


def assert_kept(engine: Engine) -> Parties:
    """The kept parties are those read from scratch, and beside each the incident's kept
    stalking signs (true where not yet read)."""
    found = kept(engine)
    assert found == from_scratch(engine)
    i = t.incidents
    with engine.connect() as conn:
        signs = dict(conn.execute(select(i.c.record_key, i.c.stalking_signs)).all())
    assert kept(engine, signs=True) == {k: signs[k] is not False for k in found}
    return found


def course(day: int, ref: str | None = None, **changes: Any) -> dict[str, Any]:
    return incident(
        ref or f"PARTY-{day}",
        reported_at=(START + timedelta(days=3 * day)).isoformat(),
        category="harassment",
        narrative="He turned up at her house again and kept calling her phone.",
        location=ADDRESS,
        people=changes.pop("people", [person("victim", **HER), person("suspect", **HIM)]),
        **changes,
    )


def key(ref: str) -> str:
    return f"incident:cad:{ref}"


def members(engine: Engine) -> dict[str, str]:
    em = t.entity_members
    with engine.connect() as conn:
        return dict(conn.execute(select(em.c.mention_key, em.c.entity_id)).all())


def mention_of(engine: Engine, ref: str, role: str) -> str:
    m = t.mentions
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(m.c.mention_key).where(m.c.record_key == key(ref), m.c.role == role)
            ).scalar_one()
        )


def test_kept_after_batch_resolution_and_the_sweep(resolved_store: Any) -> None:
    engine, _model = resolved_store
    found = assert_kept(engine)
    assert len(found) > 1000 and sum(1 for _v, s in found.values() if s) > 500
    assert {True, False} == set(kept(engine, signs=True).values())
    with engine.begin() as conn:  # rebuilt whole (a batch resolution), the same rows
        conn.execute(t.incident_parties.delete())
        rebuild_parties(conn)
    assert kept(engine) == found
    command.downgrade(alembic_config(engine), "0018")  # and migration 0019's own fill
    migrate(engine)
    assert kept(engine) == found
    # as imported and resolved before any sweep: every sign unread, then read by the sweep
    with engine.begin() as conn:
        conn.execute(update(t.incidents).values(stalking_signs=None))
        rebuild_parties(conn)
    assert set(kept(engine, signs=True).values()) == {True}
    sweep(engine)
    assert {True, False} == set(kept(engine, signs=True).values())
    assert assert_kept(engine) == found


def test_kept_through_call_time_review_and_batch_on_each_store(
    store_url: str, small_model: Any
) -> None:
    engine = open_store(store_url)
    try:
        for day in range(4):  # call time: new people, then the same two again
            submit(engine, small_model, parse_record(course(day)), START + timedelta(days=30))
        found = assert_kept(engine)
        assert len(found) == 4 and len(set(found.values())) == 1
        ((victim, suspect),) = set(found.values())
        assert victim and suspect and victim != suspect
        # sent again with the people swapped: the incident's people are written again
        swapped = course(3, people=[person("victim", **HIM), person("suspect", **HER)])
        assert submit(engine, small_model, parse_record(swapped), START).outcome == "updated"
        assert assert_kept(engine)[key("PARTY-3")] != (victim, suspect)
        # a reviewer splits the first incident's victim off hers, then joins them again
        her = mention_of(engine, "PARTY-0", "victim")
        other = mention_of(engine, "PARTY-1", "victim")
        with engine.begin() as conn:
            split = record_judgement(conn, Judgement(other, her, "different", "rev", START))
        assert assert_kept(engine)[key("PARTY-0")][0] == split["entity"] != victim
        with engine.begin() as conn:
            record_judgement(conn, Judgement(her, other, "same", "rev", START))
        assert assert_kept(engine)[key("PARTY-0")][0] == members(engine)[her]
        # a batch import changes an incident's people; a batch resolution rewrites them all
        raws = [RawRecord("bulk.jsonl", 1, course(1, people=[person("caller", **HER)]))]
        import_records(engine, raws, files=["bulk.jsonl"])
        assert assert_kept(engine)[key("PARTY-1")][1] is None
        resolve_store(engine, small_model, now=START + timedelta(days=31))
        assert len(assert_kept(engine)) == 4
    finally:
        engine.dispose()

"""The sweep (:func:`threadline.crossref.replay.sweep`), which rebuilds every alert over a
bulk-imported store, writes in the writers' turn like every other writer."""

from __future__ import annotations

from sqlalchemy import Engine, select

from factories import incident, person
from links_factory import resolve_by_name, store
from threadline.crossref.replay import sweep
from threadline.store import tables as t
from writer_turn import another_writer, first_writes, parties_kept_and_afresh, rewrite_inc1_parties

HER = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
HIM = {"forenames": "Gareth", "surname": "Tregothnan"}


def test_the_sweep_waits_for_a_submission_part_way_through(engine: Engine) -> None:
    """A submission part way through (rewriting INC-1's kept parties) when the sweep starts:
    the sweep writes nothing until it has committed, and the kept parties (which the sweep
    rewrites with each incident's stalking signs) equal those read afresh. Before, the sweep
    wrote outside the writers' turn: on PostgreSQL both inserted INC-1's parties
    (UniqueViolation on pk_incident_parties)."""
    store(engine, *(incident(ref, category="harassment", narrative="He kept calling her phone.",
                             people=[person("victim", **HER), person("suspect", **HIM)])
                    for ref in ("INC-1", "INC-2")))  # fmt: skip
    resolve_by_name(engine, {"P-1": "Alys Penhallow", "P-2": "Gareth Tregothnan"})
    with another_writer(engine, rewrite_inc1_parties) as submission, first_writes(engine) as swept:
        sweep(engine)
    assert submission.committing_at is not None and swept.first_at is not None
    assert swept.first_at >= submission.committing_at
    with engine.connect() as conn:
        kept, afresh = parties_kept_and_afresh(conn)
        signs = conn.execute(select(t.incidents.c.stalking_signs)).scalars().all()
    assert kept == afresh and len(kept) == 2
    assert signs == [True, True]  # the sweep read them

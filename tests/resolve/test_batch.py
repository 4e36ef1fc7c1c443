"""Batch resolution over the store: stable ids, call time agreeing with batch, human judgements."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from factories import incident, person
from threadline.ingest import import_files
from threadline.resolve.batch import (
    MATCH_THRESHOLD,
    REVIEW_THRESHOLD,
    FramePairs,
    entity_labels,
    labelled_apart,
    load_features,
    pair_places,
    resolve_store,
    train_store_model,
)
from threadline.resolve.calltime import score_candidates
from threadline.resolve.candidates import candidate_keys, feature_rows
from threadline.resolve.entities import load_memberships, stable_ids
from threadline.resolve.explain import read_evidence
from threadline.resolve.linkage import predict_pairs
from threadline.resolve.review import Judgement, entity_history, record_judgement, split_entity
from threadline.store import tables as t

NOW = datetime(2026, 2, 1, tzinfo=UTC)


def test_stable_ids_follow_the_majority_and_never_reuse_an_id_twice() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2"}
    # a, b and c now form one cluster; d and e another; f is new
    clusters = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"}
    ids = stable_ids(clusters, previous, first_new=3)
    assert ids["x"] == "P1"  # two of its three members were P1
    assert ids["y"] == "P2"
    assert ids["z"] == "P0000003"  # a new person gets a new id


def test_resolving_again_keeps_every_id(resolved_store: Any) -> None:
    engine, model = resolved_store
    with engine.connect() as conn:
        before = load_memberships(conn)
    report = resolve_store(engine, model, now=NOW)
    with engine.connect() as conn:
        after = load_memberships(conn)
    assert after == before
    assert (report.created, report.moved, report.retired) == (0, 0, 0)
    # the pairs the first run queued are not queued again, and are still there to review
    assert report.queued_for_review == 0
    with engine.connect() as conn:
        waiting = conn.execute(
            select(func.count())
            .select_from(t.review_queue)
            .where(t.review_queue.c.status == "open")
        ).scalar_one()
    assert report.awaiting_review == waiting > 0


def test_call_time_finds_and_weighs_the_same_pairs_as_batch(resolved_store: Any) -> None:
    engine, model = resolved_store
    with engine.connect() as conn:
        features = load_features(conn)
        batch = predict_pairs(model, features, threshold_match_probability=REVIEW_THRESHOLD)
        sample = list(features["unique_id"][:: max(1, len(features) // 60)])
        compared = 0
        for mention in sample:
            record = mention.split("#")[0]
            mine = batch[(batch.unique_id_l == mention) | (batch.unique_id_r == mention)]
            expected = {}
            for row in mine.itertuples():
                other = row.unique_id_r if row.unique_id_l == mention else row.unique_id_l
                if not other.startswith(record + "#"):
                    expected[other] = row.match_weight
            [own] = feature_rows(conn, [mention])
            keys = candidate_keys(conn, own, exclude_record=record)
            scored = score_candidates(model, own, feature_rows(conn, keys))
            found = {
                row["unique_id_r"]: row["match_weight"]
                for row in scored
                if row["match_probability"] >= REVIEW_THRESHOLD
            }
            assert found.keys() == expected.keys(), mention
            for other, weight in expected.items():
                assert found[other] == pytest.approx(weight, abs=1e-9)
            compared += len(expected)
    assert compared > 20  # the sample really compared pairs


def _entity_with_members(engine: Any, at_least: int = 3) -> tuple[str, list[str]]:
    with engine.connect() as conn:
        members = load_memberships(conn)
    counts = Counter(members.values())
    entity = next(e for e, n in counts.most_common() if n >= at_least)
    return entity, sorted(m for m, e in members.items() if e == entity)


def test_a_different_judgement_holds_after_retraining(resolved_store: Any) -> None:
    engine, _model = resolved_store
    entity, mentions = _entity_with_members(engine)
    a, b = mentions[0], mentions[1]
    with engine.begin() as conn:
        outcome = record_judgement(
            conn, Judgement(a, b, "different", "rev.smith", NOW, "not the same man")
        )
    assert outcome["entity"] != entity  # b was split off at once
    retrained = train_store_model(engine, trained_at=NOW)
    resolve_store(engine, retrained, now=NOW)
    with engine.connect() as conn:
        members = load_memberships(conn)
    assert members[a] != members[b]


def test_splitting_a_wrong_merge_is_kept_in_the_history(resolved_store: Any) -> None:
    engine, _model = resolved_store
    entity, mentions = _entity_with_members(engine)
    moving = mentions[-1:]
    with engine.begin() as conn:
        new_id = split_entity(conn, entity, moving, "sup.patel", NOW, "different date of birth")
        history = entity_history(conn, entity)
        moved = conn.execute(
            select(t.entity_members.c.entity_id).where(t.entity_members.c.mention_key == moving[0])
        ).scalar_one()
    assert moved == new_id
    split = [e for e in history if e["action"] == "split"]
    assert split and split[-1]["mention_keys"] == moving and split[-1]["by"] == "reviewer:sup.patel"
    assert "different date of birth" in split[-1]["note"]


def test_same_judgements_are_training_labels(resolved_store: Any) -> None:
    engine, _model = resolved_store
    with engine.connect() as conn:
        members = load_memberships(conn)
    by_entity: dict[str, list[str]] = {}
    for mention, entity in sorted(members.items()):
        by_entity.setdefault(entity, []).append(mention)
    singles = [ms[0] for ms in by_entity.values() if len(ms) == 1][:2]
    with engine.begin() as conn:
        outcome = record_judgement(
            conn, Judgement(singles[0], singles[1], "same", "rev.smith", NOW)
        )
    assert len(outcome["entities"]) == 2 and outcome["entity"] in outcome["entities"]
    retrained = train_store_model(engine, trained_at=NOW)
    assert retrained.metadata["labelled_pairs"] == 1
    resolve_store(engine, retrained, now=NOW)
    with engine.connect() as conn:
        after = load_memberships(conn)
    assert after[singles[0]] == after[singles[1]]  # a "same" judgement binds like a certain link


def test_a_mention_held_apart_from_a_father_and_his_son_goes_to_a_reviewer(
    engine: Any, small_model: Any, tmp_path: Any
) -> None:
    """Batch resolution holds a dateless Darren Harington at the home of two Darren Haringtons,
    father and son, apart from both. A reviewer is asked, told why, and shown the evidence."""
    home = {"text": "4 Park Crescent, Hednesford", "postcode": "WS12 0BH"}
    darren = {"forenames": "Darren", "surname": "Harington", "sex": "male", "address": home}
    births = {"INC-F1": "1952-08-19", "INC-F2": "1952-08-19", "INC-S1": "1981-05-23",
              "INC-S2": "1981-05-23", "INC-X": None}  # fmt: skip
    path = tmp_path / "incidents.jsonl"
    path.write_text(
        "".join(
            json.dumps(incident(ref, people=[person("victim", **darren, dob=dob)])) + "\n"
            for ref, dob in births.items()
        )
    )
    import_files(engine, [path])
    resolve_store(engine, small_model, now=NOW)

    with engine.connect() as conn:
        entity = {
            row.record_key.rsplit(":", 1)[-1]: row.entity_id
            for row in conn.execute(
                select(t.mentions.c.record_key, t.entity_members.c.entity_id).join(
                    t.entity_members, t.entity_members.c.mention_key == t.mentions.c.mention_key
                )
            )
        }
        queued = conn.execute(select(t.review_queue)).all()
    father, son, either = entity["INC-F1"], entity["INC-S1"], entity["INC-X"]
    assert len({father, son, either}) == 3 and entity["INC-F2"] == father

    dateless = next(key for key in _mention_keys(engine) if "INC-X" in key)
    asked = [row for row in queued if dateless in (row.mention_a, row.mention_b)]
    assert asked, "the dateless mention was held apart without asking anyone"
    for row in asked:
        said = read_evidence(row.evidence)
        assert row.status == "open" and row.match_probability >= MATCH_THRESHOLD
        assert "fits both" in said[0] and "held apart" in said[0], said
        assert f" is {father}" in said[0] and f" is {son}" in said[0]
        # a reviewer reads the records as they know them, not the store's mention keys
        assert "Darren Harington (victim in INC-X) fits both" in said[0], said
        assert "Darren Harington (victim in INC-F" in said[0]
        assert "incident:" not in said[0] and "#" not in said[0], said
        assert any("match probability" in line for line in said[1:]), said
    other = {(row.mention_b if row.mention_a == dateless else row.mention_a) for row in asked}
    assert {entity[key.split("#")[0].rsplit(":", 1)[-1]] for key in other} <= {father, son}


def _mention_keys(engine: Any) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(t.mentions.c.mention_key)).scalars())


def test_batch_reconciles_a_live_decision_it_disagrees_with_in_both_histories(
    engine: Any, small_model: Any
) -> None:
    """The nightly batch run may undo what call time decided: here a record that an older call
    time put in Jake Farrant's person though it names his twin Connor (forename differs, same
    date of birth and address). Batch keeps Jake's id, moves Connor's record out, and both
    people's histories say so, with the reason and the other person's id."""
    from threadline.crossref import submit
    from threadline.crossref.person import person_profile
    from threadline.model import parse_record
    from threadline.resolve.calltime import apply_memberships_for
    from threadline.resolve.entities import RECONCILED, Membership

    home = {"text": "11 Tannery Row, Rugeley", "postcode": "WS15 2AB"}
    twin = {"surname": "Farrant", "dob": "1994-07-03", "sex": "male", "address": home}

    def go(ref: str, **fields: Any) -> Any:
        record = parse_record(incident(ref, people=[person("victim", **twin, **fields)]))
        return submit(engine, small_model, record, NOW).decisions[0]

    jake = go("INC-J", forenames="Jake", phones=["07700 900411"])
    again = go("INC-J2", forenames="Jake", phones=["07700 900411"])
    assert again.entity_id == jake.entity_id
    connor = go("INC-C", forenames="Connor")
    assert connor.entity_id != jake.entity_id
    with engine.begin() as conn:  # what call time did before it checked every member
        apply_memberships_for(conn, {connor.mention_key: Membership(jake.entity_id)}, {}, NOW)
    resolve_store(engine, small_model, now=NOW)
    with engine.connect() as conn:
        members = load_memberships(conn)
        kept, left = (
            entity_history(conn, jake.entity_id),
            entity_history(conn, members[connor.mention_key]),
        )
    assert members[jake.mention_key] == members[again.mention_key] == jake.entity_id
    assert members[connor.mention_key] != jake.entity_id
    out = [e for e in kept if e["action"] == RECONCILED]
    assert out and out[-1]["mention_keys"] == [connor.mention_key]
    assert out[-1]["by"].startswith("model:")
    assert f"to {members[connor.mention_key]}" in out[-1]["note"]
    arrived = [e for e in left if e["action"] == RECONCILED]
    assert arrived and f"from {jake.entity_id}" in arrived[-1]["note"]
    with engine.connect() as conn:  # what the person page shows
        shown = person_profile(conn, jake.entity_id).history
    assert [e["action"] for e in shown][-1] == RECONCILED


def test_resolution_writes_its_people_in_the_writers_turn(
    engine: Any, small_model: Any, tmp_path: Any
) -> None:
    """A submission part way through (rewriting INC-1's kept parties) when batch resolution
    comes to write its people: resolution writes nothing until the submission has committed,
    and the kept parties equal those read afresh. Before, it wrote outside the writers' turn:
    on PostgreSQL its rebuild of every incident's parties met the submission's row
    (UniqueViolation on pk_incident_parties)."""
    from contextlib import ExitStack

    from links_factory import resolve_by_name, store
    from writer_turn import (
        another_writer,
        first_writes,
        parties_kept_and_afresh,
        rewrite_inc1_parties,
    )

    her = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
    him = {"forenames": "Gareth", "surname": "Tregothnan"}
    store(engine, *(incident(ref, people=[person("victim", **her), person("suspect", **him)])
                    for ref in ("INC-1", "INC-2")))  # fmt: skip
    resolve_by_name(engine, {"P-1": "Alys Penhallow", "P-2": "Gareth Tregothnan"})
    held = ExitStack()

    def progress(step: str) -> None:  # the submission arrives once resolution has scored
        if step == "people recorded by name only":
            holders.append(held.enter_context(another_writer(engine, rewrite_inc1_parties)))

    holders: list[Any] = []
    people = ("entities", "entity_members", "entity_events", "incident_parties", "review_queue")
    with held, first_writes(engine, *people) as batch:
        resolve_store(engine, small_model, now=NOW, progress=progress)
    (submission,) = holders
    assert submission.committing_at is not None and batch.first_at is not None
    assert batch.first_at >= submission.committing_at
    with engine.connect() as conn:
        kept, afresh = parties_kept_and_afresh(conn)
    assert kept == afresh and len(kept) == 2


@pytest.mark.postgres
def test_resolution_analyses_its_tables_after_leaving_the_writers_turn(
    postgres_schema_url: str, small_model: Any
) -> None:
    """Batch resolution refreshes PostgreSQL's statistics of what it wrote (``ANALYZE``: the
    entity tables count their rows afterwards) once it has left the writers' turn: ANALYZE reads
    every table of the store, and inside the turn every submission waited for it."""
    from sqlalchemy import event, text

    from links_factory import resolve_by_name, store
    from threadline.store import open_store
    from threadline.store.database import WRITER_LOCK_KEY

    engine = open_store(postgres_schema_url)
    her = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
    store(engine, *(incident(ref, people=[person("victim", **her)]) for ref in ("INC-1", "INC-2")))
    resolve_by_name(engine, {"P-1": "Alys Penhallow"})
    held_at_analyse: list[int] = []
    lock = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
        "AND ((classid::bigint << 32) | objid::bigint) = %s"
    )

    def before(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("ANALYZE"):
            with cursor.connection.cursor() as probe:
                probe.execute(lock, (WRITER_LOCK_KEY,))
                held_at_analyse.append(probe.fetchone()[0])

    event.listen(engine, "before_cursor_execute", before)
    try:
        resolve_store(engine, small_model, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    with engine.connect() as conn:
        counted = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'entity_members'::regclass")
        ).scalar_one()
        members = conn.execute(text("SELECT count(*) FROM entity_members")).scalar_one()
    engine.dispose()
    assert held_at_analyse == [0], held_at_analyse
    assert counted == members > 0


def test_pairs_are_labelled_apart_on_arrays_as_pair_by_pair() -> None:
    """pair_places and labelled_apart give, for each pair, what the rule read a pair at a time
    said: the two mentions' labels differ, a mention with no label apart from every other."""
    labels = {"m1": "a", "m2": "a", "m3": "b", "m4": "c", "m5": "b"}
    pairs = [("m1", "m2"), ("m2", "m3"), ("m3", "m5"), ("m4", "m1"), ("m9", "m1"), ("m5", "m4")]
    keys = sorted(labels)
    left, right = pair_places([a for a, _ in pairs], [b for _, b in pairs], keys)
    assert left.tolist() == [0, 1, 2, 3, -1, 4]
    apart = labelled_apart(left, right, keys, labels).tolist()
    assert apart == [labels.get(a, a) != labels.get(b, b) for a, b in pairs]
    assert apart == [False, True, False, True, True, True]


def test_frame_pairs_between_clusters_and_apart_keep_what_the_rules_keep() -> None:
    """The scored pairs' partners between clusters are every pair across two clusters from the
    review threshold up, and the pairs apart for review those across two people below the
    match threshold that no reviewer judged, the strongest per two people."""
    frame = pd.DataFrame(
        {
            "unique_id_l": ["a1", "a1", "a2", "b1", "a2", "c1"],
            "unique_id_r": ["a2", "b1", "b1", "c1", "c1", "b2"],
            "match_probability": [0.99, 0.97, 0.6, 0.7, 0.4, 0.8],
            "match_weight": [7.0, 5.0, 0.6, 1.2, -0.6, 2.0],
        }
    )
    pairs = FramePairs(frame)
    clusters = {"a1": "a1", "a2": "a1", "b1": "b1", "b2": "b1", "c1": "c1"}
    assert sorted(pairs.between_clusters(clusters, 0.5)) == [
        ("a1", "b1", 0.97), ("a2", "b1", 0.6), ("b1", "c1", 0.7), ("c1", "b2", 0.8),
    ]  # fmt: skip
    judged = {frozenset(("b1", "c1")): "different"}
    apart = pairs.apart(clusters, 0.95, judged)
    assert [(r["unique_id_l"], r["unique_id_r"]) for r in apart] == [
        ("c1", "b2"), ("a2", "b1"), ("a2", "c1"),
    ]  # fmt: skip


def test_an_entity_is_labelled_by_its_fullest_name_most_often_written() -> None:
    """Two words beat one however often the one is written; then the most written; then the
    later name in order; a mention with no name counts for nothing."""
    members = {f"m{i}": entity for i, entity in enumerate("AAAABBBCCD")}
    names = dict(zip(members, ["Smith", "Smith", "Jo Smith", "Joanne Smith", "Al Roy",
                               "Al Roy", "Alan Roy", "", "Bo", "Cy Dee"], strict=True))  # fmt: skip
    assert entity_labels(members, names) == {
        "A": "Joanne Smith", "B": "Al Roy", "C": "Bo", "D": "Cy Dee",
    }  # fmt: skip

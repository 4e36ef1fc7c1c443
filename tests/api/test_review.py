"""The review queue and judgements over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api_client import Api
from threadline.guard import read_log
from threadline.recognise.rules import RULES
from threadline.store import tables as t
from writer_turn import another_writer, first_writes, parties_kept_and_afresh, rewrite_inc1_parties

PURPOSE = {"purpose": "INC-T1 call-back"}


def test_the_queue_shows_both_mentions_and_reading_it_is_audited(api: Api) -> None:
    response = api.client.get("/api/review", params={"limit": 5}, headers=api.auth("analyst"))
    assert response.status_code == 200
    pairs = response.json()["pairs"]
    assert len(pairs) == 5
    first = pairs[0]
    assert first["mention_a"]["record_key"] and first["mention_b"]["entity_id"]
    # the evidence in words: the score first, or first why a link that strong was not followed
    summary = next(line for line in first["evidence"] if line.startswith("match probability"))
    assert first["evidence"].index(summary) == (1 if first["match_probability"] >= 0.95 else 0)
    assert [p["match_probability"] for p in pairs] == sorted(
        (p["match_probability"] for p in pairs), reverse=True
    )
    assert read_log(api.engine)[0].detail == {"queue_viewed": 5}
    assert api.client.get("/api/review", headers=api.auth("call_handler")).status_code == 403


def test_judging_a_pair_the_same_merges_their_people(api: Api) -> None:
    pairs = api.client.get("/api/review", headers=api.auth("supervisor")).json()["pairs"]
    pair = next(p for p in pairs if p["mention_a"]["entity_id"] != p["mention_b"]["entity_id"])
    a, b = pair["mention_a"]["mention_key"], pair["mention_b"]["mention_key"]
    body = {"mention_a": a, "mention_b": b, "judgement": "same", "note": "same DOB on PNC"}
    response = api.client.post("/api/review/judgements", json=body,
                               headers=api.auth("supervisor"))  # fmt: skip
    assert response.status_code == 201, response.text
    kept = response.json()["entity"]
    with api.engine.connect() as conn:
        entities = set(
            conn.execute(
                select(t.entity_members.c.entity_id).where(
                    t.entity_members.c.mention_key.in_([a, b])
                )
            ).scalars()
        )
        judged = conn.execute(select(t.judgements.c.user, t.judgements.c.note)).all()
    assert entities == {kept}
    assert [(j.user, j.note) for j in judged] == [("supervisor", "same DOB on PNC")]
    row = read_log(api.engine)[0]
    assert row.action == "review.judge" and row.records[:2] == [a, b]
    queue = api.client.get("/api/review", params={"limit": 500},
                           headers=api.auth("supervisor")).json()["pairs"]  # fmt: skip
    assert (a, b) not in {(p["mention_a"]["mention_key"], p["mention_b"]["mention_key"])
                          for p in queue}  # fmt: skip


def test_judgement_errors_name_the_field(api: Api) -> None:
    pairs = api.client.get("/api/review", headers=api.auth("analyst")).json()["pairs"]
    a = pairs[0]["mention_a"]["mention_key"]
    cases = [
        ({"mention_a": "incident:cad:NOPE#0", "mention_b": a, "judgement": "same"}, 404,
         "mention_a"),
        ({"mention_a": a, "mention_b": a, "judgement": "same"}, 422, "mention_b"),
        ({"mention_a": a, "mention_b": a, "judgement": "probably"}, 422, "judgement"),
        ({"mention_a": a, "mention_b": a, "judgement": "same", "extra": 1}, 422, "extra"),
    ]  # fmt: skip
    for body, status, field in cases:
        response = api.client.post("/api/review/judgements", json=body,
                                   headers=api.auth("analyst"))  # fmt: skip
        assert response.status_code == status, body
        assert response.json()["error"]["field"] == field


def test_the_queue_says_what_is_at_stake_and_puts_it_first(api: Api) -> None:
    pairs = api.client.get("/api/review", params={"limit": 500}, headers=api.auth("analyst"))
    staked = [bool(p["at_stake"]) for p in pairs.json()["pairs"]]
    assert any(staked) and staked == sorted(staked, reverse=True)
    first = pairs.json()["pairs"][0]
    titles = {rule.title for rule in RULES}
    for line in first["at_stake"]:
        person, alerts = line.split(" is in open alert", 1)
        assert person in (first["mention_a"]["entity_id"], first["mention_b"]["entity_id"])
        assert {title for title in titles if title in alerts}, line


# --- a judgement and a split beside a submission part way through (the writers' turn) ----------


#: What a judgement or a split writes (the audit row aside).
PEOPLE_TABLES = ("judgements", "entities", "entity_members", "entity_events", "incident_parties")


def _two_incidents_of_one_victim(engine: Engine) -> dict[str, str]:
    """INC-1 and INC-2, each with Alys Penhallow as victim and one suspect, she one person (P-1):
    each incident's victim mention by reference."""
    from factories import incident, person
    from links_factory import resolve_by_name, store

    her = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
    him = {"forenames": "Gareth", "surname": "Tregothnan"}
    store(engine, *(incident(ref, people=[person("victim", **her), person("suspect", **him)])
                    for ref in ("INC-1", "INC-2")))  # fmt: skip
    resolve_by_name(engine, {"P-1": "Alys Penhallow", "P-2": "Gareth Tregothnan"})
    m = t.mentions
    with engine.connect() as conn:
        rows = conn.execute(select(m.c.record_key, m.c.mention_key).where(m.c.role == "victim"))
        return {key.rsplit(":", 1)[-1]: mention for key, mention in rows}


def _kept_parties_are_read_afresh(engine: Engine) -> None:
    with engine.connect() as conn:
        kept, afresh = parties_kept_and_afresh(conn)
    assert kept == afresh


@pytest.mark.parametrize("change", ["judgement", "split"])
def test_a_judgement_or_split_waits_for_a_submission_part_way_through(
    engine: Engine, client: TestClient, auth: Callable[[str], dict[str, str]], change: str
) -> None:
    """A reviewer's "different" (or a split of the same mention) beside a submission that is
    rewriting the same incident's kept parties writes nothing until the submission has
    committed, and the parties kept are those read afresh. Before, the use cases wrote outside
    the writers' turn: on PostgreSQL both inserted INC-1's parties and the judgement failed
    (UniqueViolation on pk_incident_parties)."""
    victims = _two_incidents_of_one_victim(engine)
    with (
        another_writer(engine, rewrite_inc1_parties) as submission,
        first_writes(engine, *PEOPLE_TABLES) as review,
    ):
        if change == "judgement":
            body = {"mention_a": victims["INC-2"], "mention_b": victims["INC-1"],
                    "judgement": "different", "note": "another Alys"}  # fmt: skip
            answer = client.post("/api/review/judgements", json=body, headers=auth("supervisor"))
        else:
            body = {"mention_keys": [victims["INC-1"]], "reason": "another Alys"}
            answer = client.post("/api/people/P-1/split", json=body, headers=auth("supervisor"))
    assert answer.status_code in (200, 201), answer.text
    assert submission.committing_at is not None and review.first_at is not None
    assert review.first_at >= submission.committing_at
    with engine.connect() as conn:
        entities = dict(conn.execute(select(t.entity_members.c.mention_key,
                                            t.entity_members.c.entity_id)).all())  # fmt: skip
    assert entities[victims["INC-1"]] != entities[victims["INC-2"]]
    _kept_parties_are_read_afresh(engine)

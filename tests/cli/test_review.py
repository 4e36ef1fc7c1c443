"""``threadline review judge`` and ``review split``: the same use cases as the API's
(:mod:`threadline.usecases.review`, :mod:`threadline.usecases.people`), so a judgement from the
command line is made by a user of the store whose role may judge, audited, and written in the
writers' turn, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from click.testing import Result
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from factories import incident, person
from links_factory import resolve_by_name, store
from threadline.cli import app
from threadline.guard import UserRole, create_user, read_log
from threadline.store import tables as t
from writer_turn import another_writer, first_writes, parties_kept_and_afresh, rewrite_inc1_parties

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HER = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
HIM = {"forenames": "Gareth", "surname": "Tregothnan"}
PEOPLE_TABLES = ("judgements", "entities", "entity_members", "entity_events", "incident_parties")


def victims(engine: Engine) -> dict[str, str]:
    """INC-1 and INC-2 with one victim (P-1) and one suspect, and two users: each incident's
    victim mention by reference."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for name, role in (("ps-clarke", UserRole.supervisor), ("ch-patel", UserRole.call_handler)):
        create_user(engine, name, name, role, "granite harbour lantern", NOW, hasher=hasher)
    store(engine, *(incident(ref, people=[person("victim", **HER), person("suspect", **HIM)])
                    for ref in ("INC-1", "INC-2")))  # fmt: skip
    resolve_by_name(engine, {"P-1": "Alys Penhallow", "P-2": "Gareth Tregothnan"})
    m = t.mentions
    with engine.connect() as conn:
        rows = conn.execute(select(m.c.record_key, m.c.mention_key).where(m.c.role == "victim"))
        return {key.rsplit(":", 1)[-1]: mention for key, mention in rows}


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["review", *args, "--db", url])


def entity_of(engine: Engine, mention: str) -> str:
    em = t.entity_members
    with engine.connect() as conn:
        return str(
            conn.execute(select(em.c.entity_id).where(em.c.mention_key == mention)).scalar_one()
        )


def assert_parties_kept(engine: Engine) -> None:
    with engine.connect() as conn:
        kept, afresh = parties_kept_and_afresh(conn)
    assert kept == afresh


def test_a_split_and_a_judgement_from_the_command_line_go_through_the_use_cases(
    engine: Engine, store_url: str
) -> None:
    mention = victims(engine)
    refused = run(store_url, "split", "P-1", mention["INC-1"], "--user", "ch-patel",
                  "--reason", "another Alys")  # fmt: skip
    assert refused.exit_code == 1 and "may not judge" in refused.output
    unknown = run(store_url, "judge", mention["INC-1"], mention["INC-2"], "different",
                  "--user", "somebody")  # fmt: skip
    assert unknown.exit_code == 1 and "no active user" in unknown.output
    assert entity_of(engine, mention["INC-1"]) == "P-1"
    # both refusals are audited, as the API audits a 403 and a 401: who was named, what was asked
    refusals = [row for row in read_log(engine) if row.action == "access.refused"]
    assert [(row.user, row.role, (row.detail or {}).get("command")) for row in refusals] == [
        ("somebody", "", "review judge"),  # the log reads newest first
        ("ch-patel", "call_handler", "review split"),
    ]
    assert all((row.detail or {}).get("action") == "review.judge" for row in refusals)
    assert "may not judge" in (refusals[1].detail or {})["reason"]
    # the split beside a submission rewriting INC-1's parties waits for it (the writers' turn)
    with (
        another_writer(engine, rewrite_inc1_parties) as submission,
        first_writes(Engine, *PEOPLE_TABLES) as cli,
    ):
        split = run(store_url, "split", "P-1", mention["INC-1"], "--user", "ps-clarke",
                    "--reason", "another Alys")  # fmt: skip
    assert split.exit_code == 0, split.output
    assert submission.committing_at is not None and cli.first_at is not None
    assert cli.first_at >= submission.committing_at
    apart = entity_of(engine, mention["INC-1"])
    assert apart != "P-1" and f"moved from P-1 to {apart}" in split.output
    assert_parties_kept(engine)
    judged = run(store_url, "judge", mention["INC-2"], mention["INC-1"], "same",
                 "--user", "ps-clarke", "--note", "same DOB on PNC")  # fmt: skip
    assert judged.exit_code == 0, judged.output
    assert entity_of(engine, mention["INC-1"]) == entity_of(engine, mention["INC-2"])
    assert_parties_kept(engine)
    # audited as the API audits them, as the user named
    rows = [row for row in read_log(engine) if row.action == "review.judge"]
    assert [(row.user, (row.detail or {}).get("change")) for row in rows] == [
        ("ps-clarke", None),
        ("ps-clarke", "split"),
    ]

"""The facts kept beside the records that live rules derive (an incident's stalking signs, an
assessment's grade and "yes" count) are derived again when a store is opened by code whose
rules differ from those that kept them, in one transaction; a store from before migration 0017
has them derived when it is next opened; the same code opening the store again changes nothing."""

from __future__ import annotations

import importlib
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, event, select, update

from factories import assessment, incident, person
from links_factory import store
from threadline.model import parse_record
from threadline.recognise import shows_stalking
from threadline.store import open_store, writing
from threadline.store import tables as t
from threadline.store.database import alembic_config, derive_kept_facts
from threadline.store.derived import DERIVED, derive_again, due, fingerprint, graded_columns

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
HER = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
HIM = {"forenames": "Gareth", "surname": "Tregothnan"}


def records() -> list[dict[str, Any]]:
    """Incidents whose narratives show stalking or do not, and assessments graded high, standard
    and not at all (a professional judgement with no reason)."""
    people = [person("victim", **HER), person("suspect", **HIM)]
    yes = {f"dash.{n:02d}": "yes" for n in range(1, 16)}
    return [
        incident("INC-1", people=people, narrative="He has been following her to work and "
                 "waiting outside her house every night."),
        incident("INC-2", people=people, narrative="A dispute over a parking space; words only."),
        incident("INC-3", people=people, category="criminal_damage", closing_category=None),
        assessment("RA-1", "INC-1", datetime(2026, 3, 1, 11, tzinfo=UTC), answers=yes),
        assessment("RA-2", "INC-2", datetime(2026, 3, 1, 12, tzinfo=UTC),
                   answers={"dash.01": "yes", "dash.02": "no"}),
        assessment("RA-3", "INC-3", datetime(2026, 3, 1, 13, tzinfo=UTC),
                   judgement_grade="high"),
    ]  # fmt: skip


def kept(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    i, a = t.incidents.c, t.risk_assessments.c
    with engine.connect() as conn:
        signs = dict(conn.execute(select(i.ref, i.stalking_signs)).all())
        grades = {
            r.ref: (r.grade, r.yes_count) for r in conn.execute(select(a.ref, a.grade, a.yes_count))
        }
    return signs, grades


def derived_by_the_rules(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the rules running now make of each stored record, read from the record itself."""
    i, a = t.incidents.c, t.risk_assessments.c
    with engine.connect() as conn:
        signs = {
            r.ref: shows_stalking(r.ref, r.category, r.closing_category, r.narrative)
            for r in conn.execute(select(i.ref, i.category, i.closing_category, i.narrative))
        }
        grades = {}
        for r in conn.execute(select(a.ref, a.document)):
            columns = graded_columns(parse_record(r.document))  # type: ignore[arg-type]
            grades[r.ref] = (columns["grade"], columns["yes_count"])
    return signs, grades


def fingerprints(engine: Engine) -> dict[str, str]:
    d = t.derived_facts.c
    with engine.connect() as conn:
        return dict(conn.execute(select(d.name, d.fingerprint)).all())


def test_facts_kept_by_other_rules_are_derived_again_when_the_store_is_opened(
    store_url: str,
) -> None:
    engine = open_store(store_url)
    store(engine, *records())
    rules = derived_by_the_rules(engine)
    assert rules[0] == {"INC-1": True, "INC-2": False, "INC-3": True}  # "unwanted messages"
    assert rules[1]["RA-1"] == ("high", 15) and rules[1]["RA-2"][0] == "standard"
    # the facts as an older release kept them: other verdicts, and its fingerprints
    with writing(engine) as conn:
        conn.execute(update(t.incidents).values(stalking_signs=False))
        conn.execute(update(t.risk_assessments).values(grade="medium", yes_count=0))
        conn.execute(update(t.derived_facts).values(fingerprint="0" * 64))
    engine.dispose()
    writes: list[str] = []

    def noted(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            writes.append(statement)

    event.listen(Engine, "before_cursor_execute", noted)
    try:
        engine = open_store(store_url)
        again = derive_kept_facts(engine)
    finally:
        event.remove(Engine, "before_cursor_execute", noted)
    assert kept(engine) == rules
    assert fingerprints(engine) == {f.name: f.fingerprint for f in DERIVED}
    assert writes and again == {}  # derived once, when opened; opening again writes nothing
    engine.dispose()


def test_a_store_from_before_0017_has_the_facts_derived_when_next_opened(store_url: str) -> None:
    """Migration 0017 makes the columns and leaves them empty (a migration imports no live
    rules); opening the store derives them, as the live writers keep them."""
    engine = open_store(store_url)
    store(engine, *records())
    command.downgrade(alembic_config(engine), "0016")
    engine.dispose()
    engine = open_store(store_url)
    assert kept(engine) == derived_by_the_rules(engine)
    assert kept(engine)[1]["RA-3"] == (None, 0)  # a judgement with no reason: ungraded
    engine.dispose()


def test_deriving_again_is_one_transaction(engine: Engine) -> None:
    """Rules that fail part way leave every kept value and fingerprint as it was (a kill
    likewise): the next opening derives again from the start."""
    store(engine, *records())
    before, prints = kept(engine), fingerprints(engine)
    calls: list[int] = []

    def fails_on_the_third(row: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed")
        return {"grade": "low", "yes_count": 99}

    grades = next(f for f in DERIVED if f.name == "assessment_grades")
    failing = (replace(grades, derive=fails_on_the_third, packages=("json",)),)
    with pytest.raises(RuntimeError, match="killed"), writing(engine) as conn:
        assert due(conn, failing) == list(failing)
        derive_again(conn, NOW, failing)
    assert kept(engine) == before and fingerprints(engine) == prints


def test_the_fingerprint_is_every_file_of_the_packages(tmp_path: Path) -> None:
    """Code or data changed anywhere in a package changes its fingerprint; compiled files do not."""
    package = tmp_path / "fingerprint_probe"
    (package / "phrases").mkdir(parents=True)
    (package / "__init__.py").write_text("WORDS = 'follows'\n")
    (package / "phrases" / "stalking.csv").write_text("phrase\nwaiting outside\n")
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.import_module("fingerprint_probe")
        first = fingerprint.__wrapped__(("fingerprint_probe",))
        (package / "__pycache__").mkdir()
        (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
        assert fingerprint.__wrapped__(("fingerprint_probe",)) == first
        (package / "phrases" / "stalking.csv").write_text("phrase\nwaiting outside\nloitering\n")
        second = fingerprint.__wrapped__(("fingerprint_probe",))
        (package / "__init__.py").write_text("WORDS = 'follows her'\n")
        third = fingerprint.__wrapped__(("fingerprint_probe",))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fingerprint_probe", None)
    assert len({first, second, third}) == 3
    assert fingerprint(("threadline.recognise",)) != fingerprint(("threadline.risk",))
    # the libraries the rules run on count by their installed version
    assert fingerprint(("threadline.risk",), ("spacy",)) != fingerprint(("threadline.risk",))

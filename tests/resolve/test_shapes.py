"""Training, batch resolution and the live path on data shapes the synthetic force never has.

Hypothesis draws a small force: one to five people, each mentioned one to three times, with any
subset of the identifier fields left empty for everyone (phones, e-mails, accounts, vehicles,
address, date of birth, sex, forename), and names all different or all the same. Training,
batch resolution and call-time resolution of two new records must complete, and the evidence
the mentions do carry must be respected: two mentions whose dates of birth or forenames differ
are never one person, and mentions sharing a phone and the full name are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from factories import incident, person
from threadline.crossref import submit
from threadline.ingest.importer import import_records
from threadline.ingest.readers import RawRecord
from threadline.model import parse_record
from threadline.resolve import mention_features, train_model
from threadline.resolve.batch import resolve_store, train_store_model
from threadline.resolve.entities import load_memberships
from threadline.resolve.training import FieldCoverage, field_coverage, training_plan
from threadline.store import open_store

NOW = datetime(2026, 3, 1, tzinfo=UTC)
FIELDS = ("phones", "emails", "accounts", "vehicles", "address", "dob", "sex", "forenames")
FORENAMES = ["Alys", "Bronwen", "Gethin", "Tomasz", "Priya", "Oluwaseun"]
SURNAMES = ["Penhallow", "Tregothnan", "Okonkwo", "Lindqvist", "Braithwaite", "Castellane"]
SEXES = ["female", "female", "male", "male", "female", "male"]


@dataclass(frozen=True)
class Shape:
    """A force to generate: mentions per person, fields left empty, names shared or not."""

    mentions: tuple[int, ...]
    empty: frozenset[str]
    shared_names: bool


def _person(i: int, shape: Shape) -> dict[str, Any]:
    n = 0 if shape.shared_names else i
    fields: dict[str, Any] = {
        "forenames": FORENAMES[n],
        "surname": SURNAMES[n],
        "sex": SEXES[n],
        "dob": f"{1960 + 7 * i}-0{1 + i}-1{i}",
        "phones": [f"07700 9001{i:02d}"],
        "emails": [f"{FORENAMES[i].lower()}.{SURNAMES[i].lower()}{i}@example.com"],
        "accounts": [{"platform": "instagram", "handle": f"{FORENAMES[i].lower()}_{i}x"}],
        "vehicles": [{"registration": f"WX{61 + i} TYR"}],
        "address": {"text": f"{i + 1} Forge Lane, Stafford", "postcode": f"ST16 {i + 1}PE"},
    }
    return {k: v for k, v in fields.items() if k not in shape.empty}


def _records(shape: Shape) -> list[tuple[str, int, dict[str, Any]]]:
    """(ref, person number, incident record) for every mention of the shape."""
    out = []
    for i, count in enumerate(shape.mentions):
        for n in range(count):
            ref = f"INC-{i}-{n}"
            out.append((ref, i, incident(ref, people=[person("victim", **_person(i, shape))])))
    return out


shapes = st.builds(
    Shape,
    mentions=st.lists(st.integers(1, 3), min_size=1, max_size=5).map(tuple),
    empty=st.frozensets(st.sampled_from(FIELDS)),
    shared_names=st.booleans(),
)


@contextmanager
def _store() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{Path(folder) / 'store.db'}")
        try:
            yield engine
        finally:
            engine.dispose()


def _import(engine: Engine, records: list[dict[str, Any]]) -> None:
    raws = [RawRecord("shape.jsonl", n + 1, record) for n, record in enumerate(records)]
    report = import_records(engine, raws, files=["shape.jsonl"])
    assert not report.rejections, report.rejections


def _ref(mention_key: str) -> str:
    return mention_key.split(":", 2)[2].rsplit("#", 1)[0]


def _check_precision(shape: Shape, person_of: dict[str, int], entity_of: dict[str, str]) -> None:
    """No entity holds mentions whose dates of birth or forenames differ; mentions sharing a
    phone and the full name are one entity."""
    people_in: dict[str, set[int]] = {}
    for ref, entity in entity_of.items():
        people_in.setdefault(entity, set()).add(person_of[ref])
    for entity, people in people_in.items():
        if len(people) > 1:
            assert "dob" in shape.empty, (entity, people, "dates of birth differ")
            assert "forenames" in shape.empty or shape.shared_names, (entity, people)
    if not {"phones", "forenames"} & shape.empty:
        for i in range(len(shape.mentions)):
            assert len({entity_of[r] for r, p in person_of.items() if p == i}) == 1, i


def _train_resolve_and_submit(shape: Shape) -> None:
    records = _records(shape)
    person_of = {ref: i for ref, i, _ in records}
    with _store() as engine:
        _import(engine, [record for _, _, record in records])
        model = train_store_model(engine, trained_at=NOW, max_pairs=2e4)
        assert 0 < model.settings["probability_two_random_records_match"] <= 0.5
        resolve_store(engine, model, now=NOW)
        with engine.connect() as conn:
            entity_of = {_ref(k): e for k, e in load_memberships(conn).items()}
        assert set(entity_of) == set(person_of)
        _check_precision(shape, person_of, entity_of)

        # call time: the first person again, and a person never seen
        again = incident("INC-NEW-0", people=[person("victim", **_person(0, shape))])
        stranger_shape = Shape((1,) * 6, shape.empty, shared_names=False)
        stranger = incident("INC-NEW-5", people=[person("victim", **_person(5, stranger_shape))])
        decisions = [
            submit(engine, model, parse_record(record), NOW).decisions[0]
            for record in (again, stranger)
        ]
        with engine.connect() as conn:
            entity_of = {_ref(k): e for k, e in load_memberships(conn).items()}
        person_of |= {"INC-NEW-0": 0, "INC-NEW-5": 5}
        assert set(entity_of) == set(person_of), decisions
        _check_precision(shape, person_of, entity_of)


_BOUNDED = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@settings(_BOUNDED, max_examples=5)
@given(shape=shapes)
def test_train_resolve_and_the_live_path_complete_on_any_shape(shape: Shape) -> None:
    _train_resolve_and_submit(shape)


@pytest.mark.slow
@settings(_BOUNDED, max_examples=40)
@given(shape=shapes)
def test_train_resolve_and_the_live_path_complete_on_many_shapes(shape: Shape) -> None:
    _train_resolve_and_submit(shape)


def _frame(blank: tuple[str, ...], people: int = 36) -> pd.DataFrame:
    """Mention features of ``people`` people mentioned twice each, ``blank`` fields empty."""
    rows = []
    for i in range(people):
        forename, surname = FORENAMES[i % 6], SURNAMES[i // 6 % 6]
        for n in range(2):
            mention: dict[str, Any] = {
                "mention_id": f"m{i}-{n}",
                "forenames": forename,
                "surname": surname,
                "sex": SEXES[i % 6],
                "dob": f"{1950 + i}-0{1 + i % 9}-1{i % 9}",
                "phones": [f"07700 900{i:03d}"],
                "emails": [f"{forename}.{surname}{i}@example.com".lower()],
                "accounts": [("instagram", f"{forename}_{i}x".lower())],
                "vehicles": [f"WX{10 + i} TYR"],
                "address_text": f"{i + 1} Forge Lane",
                "postcode": f"ST16 {i % 9 + 1}PE",
            }
            for field in blank:
                mention[field] = None if field in ("dob", "address_text") else []
            rows.append(mention)
    return mention_features(rows)


def test_a_force_without_e_mails_trains_and_says_what_it_skipped() -> None:
    model = train_model(_frame(("emails",)), trained_at="2026-01-01", max_pairs=1e4)
    assert "same e-mail list" not in model.metadata["em_rules"]
    assert any("'same e-mail list'" in reason for reason in model.metadata["skipped"])
    assert model.metadata["field_coverage"]["emails"] == 0


def test_a_force_without_dates_of_birth_gets_a_prior_from_other_rules() -> None:
    model = train_model(_frame(("dob",)), trained_at="2026-01-01", max_pairs=1e4)
    prior = model.settings["probability_two_random_records_match"]
    assert prior > 0
    assert model.metadata["prior"].startswith("estimated from same full name and address")
    assert "same full name and address" in model.metadata["em_rules"]


def test_with_no_rule_finding_a_pair_the_prior_is_the_stated_fallback() -> None:
    coverage = FieldCoverage(mentions=100, filled={}, rule_pairs={})
    plan = training_plan(coverage)
    assert plan.prior_rules == () and plan.em_rules == ()
    assert plan.fallback_prior == pytest.approx(50 / (100 * 99 / 2))
    assert any(reason.startswith("prior estimate: no rule") for reason in plan.skipped)


def test_field_coverage_counts_filled_fields_and_rule_pairs() -> None:
    coverage = field_coverage(_frame(("phones",)))
    assert coverage.mentions == 72
    assert coverage.filled["phones"] == 0 and coverage.filled["emails"] == 72
    assert coverage.rule_pairs["same e-mail list"] == 36
    assert coverage.rule_pairs["same phone list"] == 0


def test_threadline_train_prints_what_it_skipped(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from threadline.cli import app

    shape = Shape((3, 2, 2, 1), frozenset({"emails", "dob"}), shared_names=False)
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    _import(engine, [record for _, _, record in _records(shape)])
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    model = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", "--db", url, "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert "Skipped EM rule 'same e-mail list': fewer than two mentions give emails" in (
        " ".join(result.output.split())
    )
    assert "Skipped prior rule 'same full name and date of birth'" in result.output

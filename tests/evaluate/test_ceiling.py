"""The evidence ceiling joins a true person's mentions only where the records connect them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from factories import incident, person
from threadline.evaluate.ceiling import evidence_ceiling
from threadline.model import parse_record
from threadline.store.records import write_batch


def test_only_shared_evidence_or_a_unique_name_joins(engine: Any) -> None:
    def one(ref: str, **fields: Any) -> Any:
        return parse_record(incident(ref, people=[person("victim", **fields)]))

    records = [
        one("INC-1", forenames="John", surname="Smith", phones=["07700 900111"]),
        one("INC-2", forenames="John", surname="Smith", phones=["07700900111"]),
        one("INC-3", forenames="John", surname="Smith"),  # name only; two people have it
        one("INC-4", forenames="John", surname="Smith"),  # the other John Smith
        one("INC-5", forenames="Aled", surname="Tregothnan"),
        one("INC-6", forenames="Aled", surname="Tregothnan"),  # a name nobody else has
    ]
    with engine.begin() as conn:
        write_batch(conn, records, datetime(2026, 3, 1, tzinfo=UTC))
    truth = {("incident", f"INC-{i}", "0"): p for i, p in
             [(1, "A"), (2, "A"), (3, "A"), (4, "B"), (5, "C"), (6, "C")]}  # fmt: skip
    ceiling = evidence_ceiling(engine, truth)

    def label(i: int) -> str:
        return ceiling[("incident", f"INC-{i}", "0")]

    assert label(1) == label(2)
    assert label(3) != label(1)
    assert label(4) not in {label(1), label(3)}
    assert label(5) == label(6)


def test_one_house_joins_whether_its_key_ends_with_the_postcode_or_the_town(engine: Any) -> None:
    def one(ref: str, address: dict[str, str]) -> Any:
        smith = person("victim", forenames="John", surname="Smith", address=address)
        return parse_record(incident(ref, people=[smith]))

    records = [
        one("INC-1", {"text": "4 Forge Lane", "postcode": "ST16 3PE"}),
        one("INC-2", {"text": "4 Forge Lane, Stafford"}),
        one("INC-3", {"text": "6 Forge Lane, Stafford"}),
        one("INC-4", {"text": "9 Mill Street, Leek"}),  # another John Smith
    ]
    with engine.begin() as conn:
        write_batch(conn, records, datetime(2026, 3, 1, tzinfo=UTC))
    truth = {("incident", f"INC-{i}", "0"): "A" for i in (1, 2, 3)}
    truth[("incident", "INC-4", "0")] = "B"
    ceiling = evidence_ceiling(engine, truth)
    labels = [ceiling[("incident", f"INC-{i}", "0")] for i in (1, 2, 3)]
    assert labels[0] == labels[1]  # one house written two ways
    assert labels[2] != labels[0]  # another house: nothing connects it but the shared name

"""Call-time candidate retrieval: a crowded block is narrowed to what else the mention shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from factories import incident, person
from threadline.model import parse_record
from threadline.resolve import features_of
from threadline.resolve.calltime import CROWDED_BLOCK, candidate_keys
from threadline.store.records import write_batch


def test_a_crowded_name_block_keeps_only_those_sharing_more_than_the_name(engine: Any) -> None:
    common = [
        parse_record(incident(f"INC-{i}", people=[person("victim", forenames="John",
                                                        surname="Smith")]))
        for i in range(CROWDED_BLOCK + 5)
    ]  # fmt: skip
    at_home = {"text": "4 Mill Lane, Leek"}
    known = parse_record(
        incident("INC-HOME", people=[person("victim", forenames="John", surname="Smith",
                                            address=at_home)])
    )  # fmt: skip
    smyth = parse_record(
        incident("INC-SMYTH", people=[person("victim", forenames="John", surname="Smyth")])
    )
    with engine.begin() as conn:
        write_batch(conn, [*common, known, smyth], datetime(2026, 3, 1, tzinfo=UTC))

    def candidates_of(surname: str) -> list[str]:
        features = features_of({"mention_id": "new", "forenames": "John", "surname": surname})
        with engine.connect() as conn:
            return candidate_keys(conn, features, exclude_record=None)

    def candidates(**fields: Any) -> list[str]:
        features = features_of({"mention_id": "new", "forenames": "John", "surname": "Smith",
                                **fields})  # fmt: skip
        with engine.connect() as conn:
            return candidate_keys(conn, features, exclude_record=None)

    assert candidates(address_text="4 Mill Lane, Leek") == ["incident:cad:INC-HOME#0"]
    assert candidates() == []  # the name alone, shared by hundreds, retrieves nobody
    # a rare spelling among its sound-alikes is still found by the name alone
    assert candidates_of("Smyth") == ["incident:cad:INC-SMYTH#0"]
    # a block that is not crowded is taken whole
    rare = parse_record(incident("INC-R", people=[person("victim", forenames="Aled",
                                                         surname="Tregothnan")]))  # fmt: skip
    with engine.begin() as conn:
        write_batch(conn, [rare], datetime(2026, 3, 1, tzinfo=UTC))
    features = features_of({"mention_id": "new", "forenames": "Aled", "surname": "Tregothnan"})
    with engine.connect() as conn:
        assert candidate_keys(conn, features, exclude_record=None) == ["incident:cad:INC-R#0"]

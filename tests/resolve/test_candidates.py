"""Call-time candidate retrieval: a crowded block is narrowed to what else the mention shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from factories import incident, person
from threadline.model import parse_record
from threadline.resolve import features_of
from threadline.resolve.candidates import candidate_keys
from threadline.resolve.comparisons import CROSSED_PAIRS, CROWDED_BLOCK, KEY_PAIRS
from threadline.store import tables as t
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


def _batch_blocked_pairs(conn: Any) -> set[frozenset[str]]:
    """The pairs of different records the batch blocking rules compare, run as DuckDB runs them."""
    from blocked_pairs import blocked_pairs
    from threadline.resolve.batch import load_features
    from threadline.resolve.comparisons import blocking_table

    pairs = blocked_pairs(blocking_table(load_features(conn)))
    return {p for p in pairs if len({k.split("#")[0] for k in p}) == 2}


def test_batch_blocking_compares_what_call_time_retrieves_in_a_crowded_block(engine: Any) -> None:
    """Hundreds of John Smiths: the crowd is compared within each house only, and so is a
    "Smith John" (forename and surname swapped) by the crossed key, in batch and at call time."""
    home = {"text": "4 Mill Lane, Leek"}
    records = [
        parse_record(incident(f"INC-{i}", people=[person("victim", forenames="John",
                                                        surname="Smith")]))
        for i in range(CROWDED_BLOCK + 5)
    ] + [
        parse_record(incident("INC-HOME", people=[person("victim", forenames="John",
                                                         surname="Smith", address=home)])),
        parse_record(incident("INC-HOME2", people=[person("suspect", forenames="Johnny",
                                                          surname="Smith", address=home)])),
        parse_record(incident("INC-SMYTH", people=[person("victim", forenames="John",
                                                          surname="Smyth")])),
        parse_record(incident("INC-SMYTH2", people=[person("witness", forenames="John",
                                                           surname="Smyth")])),
        parse_record(incident("INC-SWAP", people=[person("victim", forenames="Smith",
                                                         surname="John", address=home)])),
    ]  # fmt: skip
    batch, live = _written_and_compared(engine, records)
    assert batch == live
    # the crowd is not compared within itself; the house and the rare spelling are
    assert frozenset(("incident:cad:INC-HOME#0", "incident:cad:INC-HOME2#0")) in batch
    assert frozenset(("incident:cad:INC-SMYTH#0", "incident:cad:INC-SMYTH2#0")) in batch
    assert frozenset(("incident:cad:INC-0#0", "incident:cad:INC-1#0")) not in batch
    # the swapped name at the house is compared with the John Smith there, not with the crowd
    assert frozenset(("incident:cad:INC-HOME#0", "incident:cad:INC-SWAP#0")) in batch
    assert frozenset(("incident:cad:INC-0#0", "incident:cad:INC-SWAP#0")) not in batch


def features_rows(conn: Any) -> list[dict[str, Any]]:
    from threadline.resolve.candidates import feature_rows
    from threadline.store import tables as t

    keys = [k for (k,) in conn.execute(t.mention_features.select().with_only_columns(
        t.mention_features.c.mention_key))]  # fmt: skip
    return feature_rows(conn, keys)


def test_a_mistyped_name_at_the_same_address_is_compared_in_batch_and_at_call_time(
    engine: Any,
) -> None:
    """ "Aif Patel" with no date of birth at Asif Patel's address: no name or date key brings
    them together; the address with the surname (or the forename) does."""
    home = {"text": "20 Juniper Close", "postcode": "DE13 8RY"}
    records = [
        parse_record(incident("INC-A", people=[person("victim", forenames="Asif", surname="Patel",
                                                      dob="1971-04-02", address=home)])),
        parse_record(incident("INC-B", people=[person("victim", forenames="Aif", surname="Patel",
                                                      address=home)])),
        parse_record(incident("INC-C", people=[person("caller", forenames="Asif",
                                                      surname="Pateel", address=home)])),
        parse_record(incident("INC-D", people=[person("victim", forenames="Aif", surname="Patel",
                                                      address={"text": "21 Juniper Close",
                                                               "postcode": "DE13 8RY"})])),
    ]  # fmt: skip
    with engine.begin() as conn:
        write_batch(conn, records, datetime(2026, 3, 1, tzinfo=UTC))
    with engine.connect() as conn:
        batch = _batch_blocked_pairs(conn)
        new = features_of({"mention_id": "new", "forenames": "Aif", "surname": "Patel",
                           "address_text": "20 Juniper Close", "postcode": "DE13 8RY"})  # fmt: skip
        live = candidate_keys(conn, new, exclude_record=None)
    a, b, c, d = (f"incident:cad:INC-{x}#0" for x in "ABCD")
    assert frozenset((a, b)) in batch  # same address and surname, forename mistyped
    assert frozenset((a, c)) in batch  # same address and forename, surname mistyped
    assert a in live and b in live and d in live
    assert frozenset((a, d)) not in batch  # the house next door, another name


def test_the_broad_name_keys_compare_only_mentions_that_can_be_one_person(engine: Any) -> None:
    """A name with two different years of birth is two people, and a surname and a year with
    another initial and another birthday is too: neither batch nor call time compares them; a
    mention without a year, one born on the same day and month (a year mistyped) and one with
    the same initial are compared."""
    born = {"A": ("Gareth", "1980-03-01"), "B": ("Gareth", "1990-07-15"), "C": ("Gareth", None),
            "D": ("Gareth", "1991-03-01"), "E": ("Kate", "1982-02-07"),
            "F": ("Catherine", "1982-05-05"), "G": ("Kelly", "1982-11-11")}  # fmt: skip
    records = [
        parse_record(incident(f"INC-{ref}", people=[person("victim", forenames=forenames,
                                                           surname="Tregothnan", dob=dob)]))
        for ref, (forenames, dob) in born.items()
    ]  # fmt: skip
    with engine.begin() as conn:
        write_batch(conn, records, datetime(2026, 3, 1, tzinfo=UTC))
    with engine.connect() as conn:
        batch = _batch_blocked_pairs(conn)
        live = {
            frozenset((row["unique_id"], other))
            for row in features_rows(conn)
            for other in candidate_keys(conn, row, exclude_record=row["unique_id"].split("#")[0])
        }
    assert batch == live

    def pair(x: str, y: str) -> frozenset[str]:
        return frozenset((f"incident:cad:INC-{x}#0", f"incident:cad:INC-{y}#0"))

    assert pair("A", "B") not in batch  # born ten years apart
    assert pair("B", "D") not in batch  # a year apart, another day and month
    assert {pair("A", "C"), pair("B", "C"), pair("A", "D")} <= batch
    assert pair("E", "F") not in batch  # another initial, another birthday
    assert pair("E", "G") in batch  # the same initial and year


def test_every_index_on_the_mention_features_serves_a_blocking_key_or_the_record() -> None:
    """An index no key reads only costs each imported or submitted mention an entry (the
    postcode + forename index outlived its key until migration 0023)."""
    served = set(KEY_PAIRS) | set(CROSSED_PAIRS) | {("record_key",)}
    for index in t.mention_features.indexes:
        columns = tuple(column.name for column in index.columns)
        assert columns in served, f"{index.name} serves no key of comparisons.KEY_PAIRS"
    indexed = {
        tuple(column.name for column in index.columns) for index in t.mention_features.indexes
    }
    # and every key, the crossed ones too, is read through its own index
    assert set(KEY_PAIRS) | set(CROSSED_PAIRS) <= indexed


def _written_and_compared(
    engine: Any, records: list[Any]
) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """Write ``records``; then the pairs batch blocking compares and those call time does."""
    with engine.begin() as conn:
        write_batch(conn, records, datetime(2026, 3, 1, tzinfo=UTC))
    with engine.connect() as conn:
        return _batch_blocked_pairs(conn), _live_pairs(conn)


def _live_pairs(conn: Any) -> set[frozenset[str]]:
    """The pairs call time compares: each stored mention with the candidates it retrieves."""
    return {
        frozenset((row["unique_id"], other))
        for row in features_rows(conn)
        for other in candidate_keys(conn, row, exclude_record=row["unique_id"].split("#")[0])
    }


def test_a_forename_and_surname_swapped_are_compared_in_batch_and_at_call_time(
    engine: Any,
) -> None:
    """ "Thomas James" typed as forename James, surname Thomas (and "Whiite Harriet" for Harriet
    White): no straight key compares them, the crossed key does, in batch and at call time
    alike; a swapped name born in another year and on another day is two people (as for the
    straight name key)."""
    names = {"A": ("Thomas", "James", "1981-05-02"), "B": ("James", "Thomas", "1981-05-02"),
             "C": ("James", "Thomas", None), "D": ("James", "Thomas", "1990-11-23"),
             "E": ("Harriet", "White", "1969-03-30"),
             "F": ("Whiite", "Harriet", "1969-03-30")}  # fmt: skip
    records = [
        parse_record(incident(f"INC-{ref}", people=[person("victim", forenames=forenames,
                                                           surname=surname, dob=dob)]))
        for ref, (forenames, surname, dob) in names.items()
    ]  # fmt: skip
    batch, live = _written_and_compared(engine, records)
    new = features_of({"mention_id": "new", "forenames": "James", "surname": "Thomas"})
    with engine.connect() as conn:
        found = candidate_keys(conn, new, exclude_record=None)
    assert batch == live

    def pair(x: str, y: str) -> frozenset[str]:
        return frozenset((f"incident:cad:INC-{x}#0", f"incident:cad:INC-{y}#0"))

    assert {pair("A", "B"), pair("A", "C"), pair("E", "F")} <= batch
    assert pair("A", "D") not in batch  # born in another year, on another day and month
    assert "incident:cad:INC-A#0" in found  # a new "James Thomas" finds Thomas James

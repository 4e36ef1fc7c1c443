"""Mention features: awkward rows become comparison-ready values, in batch or one at a time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from threadline.features import feature_schema, features_table, list_columns, parse_partial_date
from threadline.resolve import feature_columns, features_of, mention_features


def mention(mention_id: str = "m1", **fields: object) -> dict[str, object]:
    return {"mention_id": mention_id, **fields}


def test_nickname_shares_the_canonical_forename_of_the_formal_name() -> None:
    jon = features_of(mention(forenames="Jon", surname="Pritchard"))
    jonathan = features_of(mention(forenames="JONATHAN Paul", surname="pritchard"))
    assert jon["forename"] == "jon"
    assert jonathan["forename"] == "jonathan"
    assert jon["forename_canonical"] == jonathan["forename_canonical"]
    assert "jonathan" in jon["forename_nicknames"]
    assert jon["surname"] == jonathan["surname"] == "pritchard"
    assert jon["surname_phonetic"] == jonathan["surname_phonetic"] is not None


def test_initial_keeps_its_letter() -> None:
    row = features_of(mention(forenames="J.", surname="Smith"))
    assert row["forename"] == "j"
    assert row["forename_initial"] == "j"


def test_dates_of_birth_full_partial_swapped_and_missing() -> None:
    full = features_of(mention(dob="1984-03-07"))
    assert (full["dob"], full["dob_year"], full["dob_month"], full["dob_day"]) == (
        "1984-03-07",
        1984,
        3,
        7,
    )
    # day and month swapped into an impossible date: the parts survive for the swap level
    swapped = features_of(mention(dob="1984-13-05"))
    assert swapped["dob"] is None
    assert (swapped["dob_year"], swapped["dob_month"], swapped["dob_day"]) == (1984, 13, 5)
    partial = features_of(mention(dob="1984-03"))
    assert (partial["dob"], partial["dob_year"], partial["dob_month"], partial["dob_day"]) == (
        None,
        1984,
        3,
        None,
    )
    for missing in (None, "", "not known"):
        row = features_of(mention(dob=missing))
        assert row["dob"] is row["dob_year"] is row["dob_month"] is row["dob_day"] is None
    assert parse_partial_date(dt.date(2001, 2, 3)) == (2001, 2, 3)


def test_phones_in_different_formats_become_one_e164_number() -> None:
    row = features_of(
        mention(phones=["07700 900555", "+44 7700 900555", "(07700) 900-555", "0044 7700900555"])
    )
    assert row["phones"] == ["+447700900555"]


def test_lists_are_cleaned_deduplicated_and_sorted() -> None:
    row = features_of(
        mention(
            emails=["Jon.P@Example.com ", "jon.p@example.com"],
            accounts=[("Facebook", "@JonP"), ("facebook", "jonp")],
            vehicles=["ab12 cde", "AB12CDE"],
            phones=[],
        )
    )
    assert row["emails"] == ["jon.p@example.com"]
    assert len(row["accounts"]) == 1 and row["accounts"][0].startswith("facebook:")
    assert row["vehicles"] == ["AB12CDE"]
    assert row["phones"] == []


def test_address_and_postcode() -> None:
    a = features_of(mention(address_text="12 Mill Lane, Leeds", postcode="ls62ab"))
    b = features_of(mention(address_text="12, MILL LN", postcode="LS6 2AB"))
    assert a["postcode"] == "LS6 2AB"
    assert a["postcode_sector"] == "LS6 2"
    assert a["address_key"] is not None
    assert a["address_key"] == b["address_key"]


def test_empty_mention_has_every_column_and_nothing_in_it() -> None:
    row = features_of(mention("only-an-id"))
    assert tuple(row) == feature_columns()
    assert row["unique_id"] == "only-an-id"
    assert all(row[c] in (None, []) for c in feature_columns() if c != "unique_id")


def test_batch_and_single_features_are_the_same() -> None:
    rows = [
        mention("a", forenames="Gaz", surname="O'Neil", dob="1979-02", phones=["07700900123"]),
        mention("b", forenames="Becky", surname="Hughes", dob=None, sex="F"),
    ]
    frame = mention_features(rows)
    assert list(frame.columns) == list(feature_columns())
    assert str(frame["dob_year"].dtype) == "Int64"
    for row, (_, batch) in zip(rows, frame.iterrows(), strict=True):
        single = features_of(row)
        for column in feature_columns():
            value = batch[column]
            expected = single[column]
            if expected is None:
                assert pd.isna(value)
            else:
                assert value == expected


def test_features_table_keeps_types_when_a_column_is_all_empty() -> None:
    table = features_table(mention_features([mention("a"), mention("b")]))
    assert str(table.schema.field("phones").type) == "list<item: string>"
    assert str(table.schema.field("dob_year").type) == "int64"
    assert table.column("dob_year").null_count == 2


def test_a_forename_one_keystroke_from_a_known_name_takes_its_nickname_keys() -> None:
    typed = features_of(mention(forenames="Patricai"))
    assert typed["forename"] == "patricai"  # the spelling levels still see what was typed
    assert typed["forename_canonical"] == "patricia"
    assert {"pat", "trish", "patricai"} <= set(typed["forename_nicknames"])
    # a name the tables do not know and that is not a slip of one they do stays itself
    rare = features_of(mention(forenames="Zbigniew"))
    assert rare["forename_canonical"] == "zbigniew"
    assert rare["forename_nicknames"] == ["zbigniew"]
    # short names are not corrected: too many known names are one keystroke from them
    assert features_of(mention(forenames="Lew"))["forename_canonical"] == "lew"


def _row_by_row(records: list[dict[str, object]]) -> pa.Table:
    """The table built cell by cell, as features_table did before it went column by column."""
    schema = feature_schema()
    lists = list_columns()
    columns: dict[str, list[object]] = {name: [] for name in schema.names}
    for record in records:
        for name in schema.names:
            value = record.get(name)
            if name in lists:
                value = [] if value is None or isinstance(value, float) else list(value)
            elif value is pd.NA or (isinstance(value, float) and value != value):
                value = None
            elif name in ("dob_year", "dob_month", "dob_day") and value is not None:
                value = int(value)
            columns[name].append(value)
    return pa.table(columns, schema=schema)


def test_features_table_is_the_same_table_column_by_column_for_any_shape_of_frame(
    features: pd.DataFrame,
) -> None:
    # a force's own features (Int64 dates with pd.NA, lists), then shapes synth does not write
    assert features_table(features).equals(_row_by_row(features.to_dict("records")))
    ragged = [
        {"unique_id": "a", "forename": "ann", "dob_year": 1990.0, "phones": ("07700900001",)},
        {"unique_id": "b", "surname": pd.NA, "dob_year": float("nan"), "phones": None},
        {"unique_id": "c", "dob_month": np.int64(4), "emails": {"c@example.org"}},
        {"unique_id": "d", "vehicles": np.array(["AB12CDE"]), "accounts": float("nan")},
        {"unique_id": "e"},
    ]
    expected = _row_by_row(ragged)
    assert features_table(ragged).equals(expected)
    assert features_table(pd.DataFrame(ragged)).equals(expected)
    assert features_table(pd.DataFrame(ragged, dtype=object)).equals(expected)
    assert features_table(ragged).column("phones").to_pylist()[1] == []
    assert features_table(pd.DataFrame(ragged).iloc[:0]).equals(_row_by_row([]))
    assert features_table([]).equals(_row_by_row([]))

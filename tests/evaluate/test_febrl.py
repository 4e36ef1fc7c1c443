"""FEBRL records as import records, and who each is."""

from __future__ import annotations

from pathlib import Path

from threadline.evaluate.febrl import febrl_incident, febrl_person, febrl_truth, read_febrl
from threadline.model.validation import parse_record

ROW = {
    "rec_id": "rec-10-dup-0",
    "given_name": "kayla",
    "surname": "harrington",
    "street_number": "",
    "address_1": "maltby circuit",
    "address_2": "coaling",
    "suburb": "coolaroo",
    "postcode": "3465",
    "state": "nsw",
    "date_of_birth": "19150612",
    "soc_sec_id": "9004242",
}


def test_a_record_becomes_an_incident_with_its_person_as_victim() -> None:
    record = febrl_incident(ROW)
    assert parse_record(record).ref == "rec-10-dup-0"
    assert record["ref"] == "rec-10-dup-0"
    assert record["people"] == [
        {
            "role": "victim",
            "forenames": "kayla",
            "surname": "harrington",
            "dob": "1915-06-12",
            "address": {"text": "maltby circuit, coaling, coolaroo, nsw", "postcode": "3465"},
        }
    ]


def test_a_garbled_date_of_birth_and_a_missing_name_are_left_out() -> None:
    record = febrl_incident({**ROW, "given_name": "", "date_of_birth": "19151312"})
    (person,) = record["people"]
    assert "dob" not in person and "forenames" not in person


def test_the_rec_id_names_the_person() -> None:
    assert febrl_person("rec-123-org") == febrl_person("rec-123-dup-4") == "123"
    assert febrl_truth([ROW, {**ROW, "rec_id": "rec-11-org"}]) == {
        "rec-10-dup-0": "10",
        "rec-11-org": "11",
    }


def test_fields_are_read_without_febrl_padding(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(b"rec_id, given_name, surname\r\nrec-1-org, alys , penhallow\r\n")
    assert read_febrl([path]) == [
        {"rec_id": "rec-1-org", "given_name": "alys", "surname": "penhallow"}
    ]

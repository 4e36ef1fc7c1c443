"""Import of existing POLE graphs exported in Neo4j's bulk-importer CSV layout.

Node files carry an ``:ID`` column (optionally named and with an ID space, ``personId:ID(Person)``),
a ``:LABEL`` column (several labels separated by ``;``) and properties (``name:string``, typed
columns are read as text). Relationship files carry ``:START_ID``, ``:END_ID`` (with the same ID
spaces) and ``:TYPE``, and their own properties.

The graph is mapped onto Threadline's records (source ``"neo4j"``), which then go through
:func:`threadline.ingest.import_records` like any other import, so every rejection names its CSV
file, line and column:

* each ``Crime`` node is a crime record: ref from ``id`` (any reference
  :mod:`threadline.model.refs` accepts: the POLE demo's are 64-character hashes), offence from
  ``type`` ("not recorded" when it has none, counted in the notes), recorded on
  ``date`` (``24/08/2017`` is read day first), narrative from ``note``, ``last_outcome`` and
  ``charge``; ``PARTY_TO`` gives its people, with the role from the relationship's ``role``
  property or **suspect** when it has none (the POLE demo graph does not say who is the victim);
  ``INVESTIGATED_BY`` an ``Officer`` gives its officer; ``OCCURRED_AT`` and ``INVOLVED_IN`` (a
  vehicle) are written into the narrative, because a Threadline crime has no location or vehicle
  field (reported in :attr:`Neo4jImportReport.notes`);
* ``KNOWS``, ``FAMILY_REL`` (``rel_type`` property → family kind), ``KNOWS_LW``, ``KNOWS_PHONE``
  and ``KNOWS_SN`` between two people are association records (knows, family, lives_with,
  phone_contact, social_network_contact);
* a person's ``HAS_PHONE``, ``HAS_EMAIL``, ``CURRENT_ADDRESS`` (with the location's ``postcode``
  or its ``HAS_POSTCODE``) and ``HAS_VEHICLE``/``OWNS`` go onto every mention of that person.

Nothing is dropped silently: labels and relationship types the mapping does not use are counted
by name, as are properties it does not read, dangling ids and people in no crime or association.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from threadline.ingest.importer import ImportReport, import_records
from threadline.ingest.readers import RawRecord
from threadline.model.base import parse_date
from threadline.model.refs import REF_MAX_LENGTH

SOURCE = "neo4j"
#: Labels the mapping reads, and the properties it reads from each.
LABEL_PROPERTIES: dict[str, tuple[str, ...]] = {
    "Person": ("name", "forenames", "first_name", "surname", "last_name", "dob", "sex", "gender"),
    "Phone": ("phoneNo", "phone", "number"),
    "Email": ("email_address", "email"),
    "Vehicle": ("reg", "registration", "make", "model", "colour", "color"),
    "Location": ("address", "postcode"),
    "PostCode": ("code", "postcode"),
    "Crime": ("id", "ref", "type", "offence", "date", "note", "last_outcome", "charge"),
    "Officer": ("name", "surname", "rank", "badge_no"),
}
#: Relationship types between two people that become association records.
ASSOCIATION_TYPES = {
    "KNOWS": "knows",
    "FAMILY_REL": "family",
    "KNOWS_LW": "lives_with",
    "KNOWS_PHONE": "phone_contact",
    "KNOWS_SN": "social_network_contact",
}
#: What a ``FAMILY_REL``'s ``rel_type`` becomes (anything else: other_family, raw kept in the note).
FAMILY_KINDS = {
    "SIBLING": "sibling",
    "BROTHER": "sibling",
    "SISTER": "sibling",
    "PARENT": "parent",
    "MOTHER": "parent",
    "FATHER": "parent",
    "CHILD": "child",
    "SON": "child",
    "DAUGHTER": "child",
    "PARTNER": "partner",
    "SPOUSE": "partner",
}
#: Relationship types folded onto a person (from Person to the object labelled).
PERSON_OBJECTS = {
    "HAS_PHONE": "Phone",
    "HAS_EMAIL": "Email",
    "CURRENT_ADDRESS": "Location",
    "HAS_VEHICLE": "Vehicle",
    "OWNS": "Vehicle",
}
ROLES = {
    "victim": "victim",
    "suspect": "suspect",
    "offender": "suspect",
    "caller": "caller",
    "witness": "witness",
    "third_party": "third_party",
}
SEXES = {"m": "male", "male": "male", "f": "female", "female": "female"}
NOTES = {
    "OCCURRED_AT": "written into the crime's narrative: a Threadline crime has no location field",
    "INVOLVED_IN": "vehicles written into the crime's narrative: a crime has no vehicle field",
    "PARTY_TO": "role from the relationship's 'role' property; 'suspect' when it has none",
}
#: The offence of a crime whose node has no ``type`` (a crime without one cannot be stored).
NO_OFFENCE = "not recorded"
_HEADER = re.compile(
    r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?:\[\])?(?:\((?P<space>[^)]*)\))?)?$"
)
_SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}


@dataclass(frozen=True)
class _Node:
    key: tuple[str, str]
    labels: tuple[str, ...]
    props: dict[str, str]
    file: str
    line: int
    #: the name of the ID column when it has one (``personId:ID(Person)``), not a fact to import
    id_property: str = ""

    @property
    def label(self) -> str | None:
        """The first label the mapping knows."""
        return next((lb for lb in self.labels if lb in LABEL_PROPERTIES), None)

    def get(self, *names: str) -> str | None:
        for name in names:
            value = self.props.get(name)
            if value:
                return value
        return None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class _Rel:
    type: str
    start: _Node
    end: _Node
    props: dict[str, str]
    file: str
    line: int


@dataclass
class Neo4jImportReport:
    """What was read, what it became, and everything that was not used, by name."""

    import_report: ImportReport
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    unmapped_labels: dict[str, int] = field(default_factory=dict)
    unmapped_types: dict[str, int] = field(default_factory=dict)
    unread_properties: dict[str, list[str]] = field(default_factory=dict)
    people_without_records: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.import_report.ok and not self.problems

    def lines(self) -> list[str]:
        """The report in words, one fact a line."""
        counts = self.import_report.counts
        out = [
            "read: " + _counted(self.nodes) + " nodes; " + _counted(self.relationships),
            "records: " + _counted(self.records),
            f"stored {counts.stored}, updated {counts.updated}, unchanged {counts.unchanged}, "
            f"rejected {self.import_report.rejected}",
        ]
        if self.unmapped_labels:
            out.append("labels not imported: " + _counted(self.unmapped_labels))
        if self.unmapped_types:
            out.append("relationship types not imported: " + _counted(self.unmapped_types))
        for label, names in sorted(self.unread_properties.items()):
            out.append(f"{label} properties not imported: {', '.join(names)}")
        if self.people_without_records:
            out.append(
                f"{len(self.people_without_records)} people in no crime or association, "
                f"so in no record: {', '.join(self.people_without_records)}"
            )
        out += [f"{kind}: {text}" for kind, text in sorted(self.notes.items())]
        out += self.problems
        out += [str(r) for r in self.import_report.rejections]
        return out


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"


def _columns(header: list[str]) -> list[tuple[str, str | None, str]]:
    """Each header cell as (property name, special type or None, ID space)."""
    parsed: list[tuple[str, str | None, str]] = []
    for cell in header:
        match = _HEADER.match(cell.strip())
        if match is None:
            parsed.append((cell.strip(), None, ""))
            continue
        kind = match["type"]
        special = kind.upper() if kind and kind.upper() in _SPECIAL else None
        parsed.append((match["name"], special, match["space"] or ""))
    return parsed


def _rows(path: Path) -> Iterator[tuple[int, list[str], list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, header, row


class _Reader:
    """The graph as read from the files, with everything worth reporting."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[str, str], _Node] = {}
        self.rels: list[_Rel] = []
        self.problems: list[str] = []
        self.label_counts: Counter[str] = Counter()
        self.type_counts: Counter[str] = Counter()

    def read_nodes(self, path: Path) -> None:
        for line, header, row in _rows(path):
            columns = _columns(header)
            where = f"{path.name}:{line}"
            if len(row) != len(header):
                self.problems.append(f"{where}: {len(row)} cells for {len(header)} columns")
                continue
            ids = [(i, c) for i, c in enumerate(columns) if c[1] == "ID"]
            if not ids:
                self.problems.append(f"{path.name}: no :ID column; file skipped")
                return
            index, (id_name, _, space) = ids[0]
            node_id = row[index].strip()
            props = {
                name: cell.strip()
                for (name, special, _), cell in zip(columns, row, strict=True)
                if name and special in (None, "ID") and cell.strip()
            }
            labels = tuple(
                lb.strip()
                for (_, special, _), cell in zip(columns, row, strict=True)
                if special == "LABEL"
                for lb in cell.split(";")
                if lb.strip()
            )
            key = (space, node_id)
            if not node_id:
                self.problems.append(f"{where}: empty :ID")
            elif key in self.nodes:
                self.problems.append(f"{where}: :ID {node_id!r} repeats {self.nodes[key].where}")
            else:
                self.nodes[key] = _Node(key, labels, props, path.name, line, id_name)
                self.label_counts.update(labels or ["(no label)"])

    def read_relationships(self, path: Path) -> None:
        for line, header, row in _rows(path):
            columns = _columns(header)
            where = f"{path.name}:{line}"
            specials = {c[1]: (i, c[2]) for i, c in enumerate(columns) if c[1]}
            if not {"START_ID", "END_ID", "TYPE"} <= set(specials):
                self.problems.append(
                    f"{path.name}: needs :START_ID, :END_ID and :TYPE; file skipped"
                )
                return
            if len(row) != len(header):
                self.problems.append(f"{where}: {len(row)} cells for {len(header)} columns")
                continue
            ends = []
            for side in ("START_ID", "END_ID"):
                index, space = specials[side]
                node = self.nodes.get((space, row[index].strip()))
                if node is None:
                    self.problems.append(
                        f"{where}: :{side} {row[index].strip()!r} is not a node in the node files"
                    )
                ends.append(node)
            kind = row[specials["TYPE"][0]].strip()
            self.type_counts[kind or "(no type)"] += 1
            if ends[0] is None or ends[1] is None or not kind:
                continue
            props = {
                name: cell.strip()
                for (name, special, _), cell in zip(columns, row, strict=True)
                if name and special is None and cell.strip()
            }
            self.rels.append(_Rel(kind, ends[0], ends[1], props, path.name, line))


@dataclass
class _Person:
    """What is known about one Person node, to write into each of its mentions."""

    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    vehicles: list[dict[str, str]] = field(default_factory=list)
    address: dict[str, str] | None = None


class _Mapper:
    def __init__(self, reader: _Reader, recorded_at: str) -> None:
        self.reader = reader
        self.recorded_at = recorded_at
        self.unmapped_types: Counter[str] = Counter()
        self.people: dict[tuple[str, str], _Person] = {}
        self.postcodes: dict[tuple[str, str], str] = {}
        self.crimes: dict[tuple[str, str], dict[str, Any]] = {}
        self.in_records: set[tuple[str, str]] = set()
        #: crimes with no ``type`` (their offence reads :data:`NO_OFFENCE`), by where they are
        self.untyped: list[str] = []

    def unmapped(self, rel: _Rel) -> None:
        """Count a relationship not imported: by type, and by its ends if the type is known."""
        name = rel.type
        if rel.type in _FITS:
            name += f" ({_label_of(rel.start)}→{_label_of(rel.end)})"
        self.unmapped_types[name] += 1

    def ends(self, rel: _Rel, start: str, end: str) -> tuple[_Node, _Node] | None:
        """The relationship's ends as (``start``-labelled, ``end``-labelled), either way round."""
        if rel.start.label == start and rel.end.label == end:
            return rel.start, rel.end
        if rel.start.label == end and rel.end.label == start:
            return rel.end, rel.start
        return None

    def fold(self) -> None:
        """First pass: what belongs to people, locations and crimes."""
        for rel in self.reader.rels:
            if rel.type == "HAS_POSTCODE" and (pair := self.ends(rel, "Location", "PostCode")):
                code = pair[1].get("code", "postcode")
                if code:
                    self.postcodes.setdefault(pair[0].key, code)
        for rel in self.reader.rels:
            target = PERSON_OBJECTS.get(rel.type)
            pair = self.ends(rel, "Person", target) if target else None
            if pair is None:
                continue
            person, thing = pair
            known = self.people.setdefault(person.key, _Person())
            if target == "Phone" and (number := thing.get("phoneNo", "phone", "number")):
                known.phones.append(number)
            elif target == "Email" and (email := thing.get("email_address", "email")):
                known.emails.append(email)
            elif target == "Vehicle" and (reg := thing.get("reg", "registration")):
                known.vehicles.append(_vehicle(thing, reg))
            elif target == "Location" and known.address is None:
                postcode = thing.get("postcode") or self.postcodes.get(thing.key)
                text = thing.get("address")
                known.address = {
                    k: v for k, v in (("text", text), ("postcode", postcode)) if v
                } or None

    def mention(self, node: _Node, role: str, prefix: str) -> tuple[dict[str, Any], dict[str, str]]:
        """A person mention for ``node`` and where each of its fields came from."""
        self.in_records.add(node.key)
        known = self.people.get(node.key, _Person())
        fields: dict[str, tuple[Any, str]] = {
            "forenames": (node.get("forenames", "first_name", "name"), "name"),
            "surname": (node.get("surname", "last_name"), "surname"),
            "dob": (node.get("dob"), "dob"),
        }
        sex = node.get("sex", "gender")
        if sex:
            fields["sex"] = (SEXES.get(sex.lower(), sex.lower()), "sex")
        mention: dict[str, Any] = {"role": role}
        columns: dict[str, str] = {}
        for name, (value, column) in fields.items():
            if value:
                mention[name] = value
                columns[f"{prefix}.{name}"] = f"{node.where} {column}"
        if known.phones:
            mention["phones"] = list(dict.fromkeys(known.phones))
        if known.emails:
            mention["emails"] = list(dict.fromkeys(known.emails))
        if known.vehicles:
            mention["vehicles"] = known.vehicles
        if known.address:
            mention["address"] = known.address
        return mention, columns

    def crime_records(self) -> Iterator[RawRecord]:
        crimes = [n for n in self.reader.nodes.values() if n.label == "Crime"]
        parties: dict[tuple[str, str], list[tuple[_Node, str]]] = {}
        extra: dict[tuple[str, str], list[str]] = {}
        officer: dict[tuple[str, str], str] = {}
        for rel in self.reader.rels:
            if rel.type == "PARTY_TO" and (pair := self.ends(rel, "Person", "Crime")):
                role = ROLES.get((rel.props.get("role") or "").strip().lower(), "suspect")
                parties.setdefault(pair[1].key, []).append((pair[0], role))
            elif rel.type == "OCCURRED_AT" and (pair := self.ends(rel, "Crime", "Location")):
                place = pair[1]
                written = ", ".join(
                    v
                    for v in (
                        place.get("address"),
                        place.get("postcode") or self.postcodes.get(place.key),
                    )
                    if v
                )
                extra.setdefault(pair[0].key, []).append(f"Occurred at {written or place.key[1]}.")
            elif rel.type == "INVOLVED_IN" and (pair := self.ends(rel, "Crime", "Vehicle")):
                vehicle = pair[1]
                described = " ".join(
                    v
                    for v in (
                        vehicle.get("reg", "registration"),
                        vehicle.get("make"),
                        vehicle.get("model"),
                    )
                    if v
                )
                extra.setdefault(pair[0].key, []).append(f"Vehicle involved: {described}.")
            elif rel.type == "INVESTIGATED_BY" and (pair := self.ends(rel, "Crime", "Officer")):
                person = pair[1]
                name = " ".join(
                    v for v in (person.get("rank"), person.get("name"), person.get("surname")) if v
                )
                badge = person.get("badge_no")
                officer.setdefault(pair[0].key, f"{name} ({badge})" if badge else name)
        for node in crimes:
            record: dict[str, Any] = {"kind": "crime", "source": SOURCE}
            columns: dict[str, str] = {}
            offence = node.get("type", "offence")
            if offence is None:
                offence = NO_OFFENCE
                self.untyped.append(node.where)
            for name, value, column in (
                ("ref", node.get("id", "ref") or node.key[1], "id"),
                ("offence", offence, "type"),
                ("recorded_at", _day_first(node.get("date")), "date"),
            ):
                if value:
                    record[name] = value
                columns[name] = column
            story = [
                f"{label}: {node.get(prop)}"
                for label, prop in (
                    ("Note", "note"),
                    ("Last outcome", "last_outcome"),
                    ("Charge", "charge"),
                )
                if node.get(prop)
            ]
            record["narrative"] = "\n".join(story + extra.get(node.key, []))
            if node.key in officer:
                record["officer"] = officer[node.key]
            people = []
            for index, (person, role) in enumerate(parties.get(node.key, [])):
                mention, where = self.mention(person, role, f"people[{index}]")
                people.append(mention)
                columns.update(where)
            record["people"] = people
            yield RawRecord(node.file, node.line, record, columns=columns)

    def association_records(self) -> Iterator[RawRecord]:
        refs: Counter[str] = Counter()
        for rel in self.reader.rels:
            link = ASSOCIATION_TYPES.get(rel.type)
            if link is None or rel.start.label != "Person" or rel.end.label != "Person":
                continue
            ref = rel.props.get("id") or f"{rel.type}:{rel.start.key[1]}:{rel.end.key[1]}"
            if len(ref) > REF_MAX_LENGTH:
                digest = hashlib.sha256(ref.encode()).hexdigest()[:16]
                ref = f"{rel.type}:{digest}"
            refs[ref] += 1
            if refs[ref] > 1:
                ref = f"{ref}:{refs[ref]}"
            record: dict[str, Any] = {
                "kind": "association",
                "source": SOURCE,
                "ref": ref,
                "link": link,
                "recorded_at": _day_first(rel.props.get("recorded_at") or rel.props.get("date"))
                or self.recorded_at,
            }
            columns = {"recorded_at": "recorded_at", "since": "since"}
            note = rel.type
            if rel.type == "FAMILY_REL":
                raw = rel.props.get("rel_type", "")
                record["family_kind"] = FAMILY_KINDS.get(raw.strip().upper(), "other_family")
                note += f" rel_type={raw}" if raw else ""
            record["note"] = note
            if rel.props.get("since"):
                record["since"] = _day_first(rel.props["since"])
            record["person_a"], where_a = self.mention(rel.start, "third_party", "person_a")
            record["person_b"], where_b = self.mention(rel.end, "third_party", "person_b")
            yield RawRecord(rel.file, rel.line, record, columns={**columns, **where_a, **where_b})

    def unused(self) -> None:
        for rel in self.reader.rels:
            if not _rel_fits(rel):
                self.unmapped(rel)


def _label_of(node: _Node) -> str:
    return node.label or "/".join(node.labels) or "(no label)"


_FITS = {
    "PARTY_TO": {("Person", "Crime")},
    "OCCURRED_AT": {("Crime", "Location")},
    "INVOLVED_IN": {("Crime", "Vehicle")},
    "INVESTIGATED_BY": {("Crime", "Officer")},
    "HAS_POSTCODE": {("Location", "PostCode")},
    **{t: {("Person", "Person")} for t in ASSOCIATION_TYPES},
    **{t: {("Person", label)} for t, label in PERSON_OBJECTS.items()},
}


def _rel_fits(rel: _Rel) -> bool:
    pairs = _FITS.get(rel.type, set())
    ends = (rel.start.label, rel.end.label)
    if rel.type in ASSOCIATION_TYPES:  # associations keep their direction
        return ends in pairs
    return ends in pairs or ends[::-1] in pairs


def _vehicle(node: _Node, reg: str) -> dict[str, str]:
    vehicle = {"registration": reg}
    for field_name, props in (
        ("make", ("make",)),
        ("model", ("model",)),
        ("colour", ("colour", "color")),
    ):
        value = node.get(*props)
        if value:
            vehicle[field_name] = value
    return vehicle


def _day_first(value: str | None) -> str | None:
    """``24/08/2017`` → ``2017-08-24`` (day first); other text is left for the model to judge."""
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        return value
    return day.isoformat() if day else None


def _file_time(paths: Iterable[Path]) -> str:
    latest = max((p.stat().st_mtime for p in paths), default=0.0)
    return datetime.fromtimestamp(latest, UTC).replace(microsecond=0).isoformat()


def files_in(folder: Path) -> tuple[list[Path], list[Path]]:
    """The node and relationship files of an unpacked Neo4j data-importer export, as the POLE
    demo names them: ``<name>.nodes.<Label>.csv`` and ``<name>.relationships.<TYPE>.csv``."""
    folder = Path(folder)
    nodes = sorted(folder.glob("*.nodes.*.csv"))
    relationships = sorted(folder.glob("*.relationships.*.csv"))
    if not nodes:
        raise FileNotFoundError(f"{folder}: no *.nodes.*.csv files")
    return nodes, relationships


def import_neo4j_csv(
    engine: Engine,
    node_files: Iterable[Path],
    relationship_files: Iterable[Path],
    *,
    batch_size: int = 1000,
) -> Neo4jImportReport:
    """Import a POLE graph from Neo4j bulk-import CSV files as crime and association records.

    Association records take their ``recorded_at`` from the relationship's ``recorded_at`` or
    ``date`` property, else from the time the relationship files were last written (the export),
    so importing the same files again changes nothing.
    """
    nodes, rels = [Path(p) for p in node_files], [Path(p) for p in relationship_files]
    for path in (*nodes, *rels):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
    reader = _Reader()
    for path in nodes:
        reader.read_nodes(path)
    for path in rels:
        reader.read_relationships(path)
    mapper = _Mapper(reader, _file_time(rels))
    mapper.fold()
    raws = list(mapper.crime_records()) + list(mapper.association_records())
    mapper.unused()
    report = import_records(
        engine, raws, files=[str(p) for p in (*nodes, *rels)], batch_size=batch_size
    )
    records = Counter(str(raw.data["kind"]) for raw in raws if raw.data)
    unmapped_labels = Counter(
        label
        for node in reader.nodes.values()
        for label in (node.labels or ("(no label)",))
        if label not in LABEL_PROPERTIES
    )
    unread: dict[str, set[str]] = {}
    for node in reader.nodes.values():
        label = node.label
        if label is None:
            continue
        extra = set(node.props) - set(LABEL_PROPERTIES[label]) - {node.id_property}
        unread.setdefault(label, set()).update(extra)
    people = sorted(
        f"{n.key[1]} ({n.where})"
        for n in reader.nodes.values()
        if n.label == "Person" and n.key not in mapper.in_records
    )
    notes = {k: v for k, v in NOTES.items() if k in reader.type_counts}
    if mapper.untyped:
        notes["Crime.type"] = (
            f"{len(mapper.untyped)} crimes with no type, their offence reads "
            f"{NO_OFFENCE!r}: {', '.join(mapper.untyped[:20])}"
            + (" and more" if len(mapper.untyped) > 20 else "")
        )
    return Neo4jImportReport(
        import_report=report,
        nodes=dict(reader.label_counts),
        relationships=dict(reader.type_counts),
        records=dict(records),
        unmapped_labels=dict(unmapped_labels),
        unmapped_types=dict(mapper.unmapped_types),
        unread_properties={k: sorted(v) for k, v in unread.items() if v},
        people_without_records=people,
        notes=notes,
        problems=reader.problems,
    )

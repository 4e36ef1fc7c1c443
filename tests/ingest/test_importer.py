"""Import: idempotent, updates with history, rejects bad lines among good ones, on both stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from factories import incident, order, person
from threadline.ingest import import_files
from threadline.model import parse_record
from threadline.store import summarise
from threadline.store import tables as t
from threadline.store.records import prepare, write_prepared
from writer_turn import another_writer, first_writes

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_records_are_stored_with_their_people_and_objects(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "incidents.jsonl", [incident("INC-1"), order("NMO-1")])
    report = import_files(engine, [path])
    assert report.ok and report.counts.stored == 2
    summary = summarise(engine)
    assert (summary.incidents, summary.orders, summary.mentions) == (1, 1, 4)
    with engine.connect() as conn:
        phone = conn.execute(select(t.identifiers.c.raw, t.identifiers.c.value)).one()
        when = conn.execute(select(t.incidents.c.reported_at)).scalar_one()
    assert phone == ("07700 900123", "+447700900123")
    assert when == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_importing_the_same_file_twice_stores_each_record_once(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [incident(f"INC-{i}") for i in range(5)])
    first = import_files(engine, [path])
    second = import_files(engine, [path])
    assert first.counts.stored == 5
    assert (second.counts.stored, second.counts.updated, second.counts.unchanged) == (0, 0, 5)
    assert summarise(engine).incidents == 5
    assert summarise(engine).mentions == 10


def test_a_changed_record_is_updated_and_the_change_kept(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [write_jsonl(tmp_path / "a.jsonl", [incident("INC-1")])])
    changed = incident("INC-1", category="stalking", people=[person("victim", surname="Penhallow")])
    report = import_files(engine, [write_jsonl(tmp_path / "b.jsonl", [changed])])
    assert report.counts.updated == 1
    with engine.connect() as conn:
        category = conn.execute(select(t.incidents.c.category)).scalar_one()
        history = conn.execute(select(t.record_history)).one()
        people = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
    assert category == "stalking"
    assert history.record_key == "incident:cad:INC-1"
    assert history.before["category"] == "harassment"
    assert history.after["category"] == "stalking"
    assert people == 1  # the people were replaced, not added to


def test_a_rejected_line_among_good_ones(engine: Engine, tmp_path: Path) -> None:
    bad = incident("INC-2", people=[person("victim"), person("suspect", dob="31/02/1990")])
    path = tmp_path / "incidents.jsonl"
    path.write_text(
        json.dumps(incident("INC-1"))
        + "\n"
        + json.dumps(bad)
        + "\n"
        + "{not json\n"
        + json.dumps(incident("INC-3"))
        + "\n"
    )
    report = import_files(engine, [path])
    assert [str(r) for r in report.rejections] == [
        'incidents.jsonl:2: people[1].dob: "31/02/1990" is not a date',
        "incidents.jsonl:3: not valid JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))",
    ]
    assert report.counts.stored == 2 and report.rejected == 2 and not report.ok
    with engine.connect() as conn:
        refs = conn.execute(select(t.incidents.c.ref).order_by(t.incidents.c.ref)).scalars()
        assert list(refs) == ["INC-1", "INC-3"]


def test_a_rejected_update_leaves_the_stored_record_alone(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [write_jsonl(tmp_path / "a.jsonl", [incident("INC-1")])])
    broken = incident("INC-1", channel="carrier pigeon")
    report = import_files(engine, [write_jsonl(tmp_path / "b.jsonl", [broken])])
    assert report.rejected == 1
    with engine.connect() as conn:
        assert conn.execute(select(t.incidents.c.channel)).scalar_one() == "999"


def test_the_same_record_twice_in_one_file_is_stored_then_updated(
    engine: Engine, tmp_path: Path
) -> None:
    records = [incident("INC-1"), incident("INC-1", category="stalking")]
    report = import_files(engine, [write_jsonl(tmp_path / "a.jsonl", records)])
    assert (report.counts.stored, report.counts.updated) == (1, 1)
    assert summarise(engine).history == 1


def test_csv_export_with_people_columns(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "ref,reported_at,channel,category,location,postcode,narrative,"
        "p1_role,p1_forenames,p1_surname,p1_dob,p1_phones,p2_role,p2_surname,p2_dob\n"
        "C-1,2026-03-01T10:00,101,harassment,14 Acacia Rd,ST16 2AB,texts,"
        "victim,Alys,Penhallow,12/04/1991,07700 900123;07700900124,suspect,Tregothnan,\n"
        "C-2,2026-03-02T10:00,101,harassment,,,texts,victim,Alys,Penhallow,,,"
        "suspect,Tregothnan,30/02/1980\n"
    )
    report = import_files(engine, [path])
    assert [str(r) for r in report.rejections] == [
        'export.csv:3: p2_dob: "30/02/1980" is not a date'
    ]
    with engine.connect() as conn:
        values = conn.execute(select(t.identifiers.c.value).order_by(t.identifiers.c.value))
        assert list(values.scalars()) == ["+447700900123", "+447700900124"]
        assert conn.execute(select(t.mentions.c.dob).where(t.mentions.c.position == "0")).scalar()


def test_csv_with_an_unknown_column_is_refused_by_name(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("ref,reported_at,channel,category,p1_shoe_size\nC-1,2026-03-01,999,asb,9\n")
    report = import_files(engine, [path])
    assert [str(r) for r in report.rejections] == [
        "export.csv:1: p1_shoe_size: is not a known column"
    ]
    assert summarise(engine).incidents == 0


def test_worker_processes_store_the_same_as_one_process(tmp_path: Path) -> None:
    from threadline.store import open_store

    records = [incident(f"INC-{i}") for i in range(30)]
    records.insert(7, incident("INC-BAD", channel="pigeon"))
    records.append(incident("INC-3", category="stalking"))  # an update within the file
    path = write_jsonl(tmp_path / "a.jsonl", records)
    results = []
    for workers in (0, 2):
        engine = open_store(f"sqlite:///{tmp_path}/w{workers}.db")
        report = import_files(engine, [path], batch_size=8, workers=workers)
        with engine.connect() as conn:
            stored = conn.execute(
                select(t.incidents.c.ref, t.incidents.c.category).order_by(t.incidents.c.ref)
            ).all()
        results.append(
            (
                report.counts.stored,
                report.counts.updated,
                [str(r) for r in report.rejections],
                stored,
                summarise(engine).mentions,
            )
        )
    assert results[0] == results[1]
    assert results[0][0] == 30 and results[0][1] == 1
    assert results[0][2] == [
        "a.jsonl:8: channel: 'pigeon' is not one of '999', '101', 'online', "
        "'in_person' or 'third_party'"
    ]


def test_worker_processes_store_every_row_as_one_process_does(tmp_path: Path) -> None:
    import sqlite3

    from threadline.store import open_store

    records = [incident(f"INC-{i}", qualifiers=["domestic"]) for i in range(12)]
    records += [order("NMO-1"), incident("INC-3", category="stalking")]  # and an update
    path = write_jsonl(tmp_path / "a.jsonl", records)
    tables = ("incidents", "orders", "mentions", "mention_features", "identifiers")
    tables += ("record_history", "imports")
    stored = []
    for workers in (0, 2):
        url = f"sqlite:///{tmp_path}/w{workers}.db"
        engine = open_store(url)
        import_files(engine, [path], batch_size=5, workers=workers, clock=lambda: NOW)
        engine.dispose()
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            stored.append(
                {name: conn.execute(f"SELECT * FROM {name}").fetchall() for name in tables}
            )
    assert stored[0] == stored[1]
    assert len(stored[0]["record_history"]) == 1


def test_risk_assessment_answers_are_checked_against_the_checklist(
    engine: Engine, tmp_path: Path
) -> None:
    base = {
        "kind": "risk_assessment",
        "checklist": "dash",
        "incident_ref": "INC-1",
        "subject": person("victim", forenames="Alys", surname="Penhallow"),
        "assessed_at": "2026-03-01T12:00:00Z",
    }
    good = {**base, "ref": "RA-1", "answers": {"dash.01": "yes", "dash.27": "not_known"}}
    bad = {**base, "ref": "RA-2", "answers": {"dash.01": "yes", "dash.99": "no"}}
    report = import_files(engine, [write_jsonl(tmp_path / "ra.jsonl", [good, bad])])
    assert [str(r) for r in report.rejections] == [
        "ra.jsonl:2: answers.dash.99: 'dash.99' is not a question of dash 2009"
    ]
    assert summarise(engine).risk_assessments == 1


def test_an_unknown_checklist_version_is_refused_by_name(engine: Engine, tmp_path: Path) -> None:
    record = {
        "kind": "risk_assessment",
        "ref": "RA-3",
        "checklist": "dash",
        "checklist_version": "2031",
        "incident_ref": "INC-1",
        "subject": person("victim", surname="Penhallow"),
        "assessed_at": "2026-03-01T12:00:00Z",
        "answers": {"dash.01": "yes"},
    }
    report = import_files(engine, [write_jsonl(tmp_path / "ra.jsonl", [record])])
    [rejection] = report.rejections
    assert (rejection.line, rejection.field) == (1, "checklist_version")
    assert "2031" in rejection.reason


# --- malformed input: each bad line refused with its place, every good one stored (issue 27) ---


def _refs(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(t.incidents.c.ref)).scalars())


def test_every_kind_of_bad_json_line_is_refused_alone(
    engine: Engine, tmp_path: Path, monkeypatch: Any
) -> None:
    # before: a line nested 3,000 deep (RecursionError) or holding a 5,000-digit integer
    # (ValueError) ended the import with a traceback, losing its batch and every later one
    monkeypatch.setattr("threadline.ingest.readers.MAX_LINE_BYTES", 7000, raising=False)
    good = [json.dumps(incident(f"INC-{i}")).encode() for i in range(12)]
    bad = {
        "nested": b'{"kind": "incident", "ref": "X-1", "narrative": '
        + b"[" * 3000
        + b"]" * 3000
        + b"}",
        "digits": b'{"kind": "incident", "ref": "X-2", "officer": ' + b"7" * 5000 + b"}",
        "utf8": b'{"kind": "incident", "ref": "X-\xff\xfe"}',
        "nul": b'{"kind": "incident", "ref": "X-4\x00"}',
        "long": b'{"kind": "incident", "ref": "X-5", "narrative": "' + b"a" * 8000 + b'"}',
        "types": b'{"kind": "incident", "ref": 6, "people": "nobody", "reported_at": []}',
        "array": b"[1, 2, 3]",
    }
    lines = [
        b"\xef\xbb\xbf" + good[0],  # a byte-order mark on the first line
        bad["nested"],
        good[1],
        bad["digits"],
        good[2] + b"\r",  # CRLF
        good[3],
        bad["utf8"],
        good[4],
        bad["nul"],
        good[5],
        bad["long"],
        good[6],
        bad["types"],
        good[7],
        good[8],
        bad["array"],
        good[9],
        good[10],
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n" + good[11] + b"\n" + good[11][:30])  # cut short
    report = import_files(engine, [path], batch_size=3)
    assert _refs(engine) == {f"INC-{i}" for i in range(12)}
    by_line = {r.line: str(r) for r in report.rejections}
    assert sorted(by_line) == [2, 4, 7, 9, 11, 13, 16, 20]
    assert "nested more than 64 levels deep" in by_line[2]
    assert "a number longer than 4300 digits" in by_line[4]
    assert by_line[7] == "mixed.jsonl:7: not valid UTF-8: byte 0xff at byte 32 of line 7"
    assert by_line[9].startswith("mixed.jsonl:9: not valid JSON (Invalid control character")
    assert by_line[11] == "mixed.jsonl:11: line longer than 7000 bytes"
    assert {r.field for r in report.rejections if r.line == 13} >= {"ref", "people"}
    assert by_line[16] == "mixed.jsonl:16: a record must be a JSON object"
    assert by_line[20].startswith("mixed.jsonl:20: not valid JSON")  # the truncated last line


CSV_HEADER = "ref,reported_at,channel,category,narrative,p1_role,p1_surname\r\n"


def _csv_row(i: int) -> str:
    return f"C-{i},2026-03-01T10:00,101,harassment,texts,victim,Penhallow\r\n"


def test_a_csv_row_with_bad_bytes_is_refused_and_the_rows_after_it_stored(
    engine: Engine, tmp_path: Path
) -> None:
    # before: invalid UTF-8 raised UnicodeDecodeError with no file or line, and only the
    # batches before it (2,000 of 2,999 rows) were stored
    rows = [_csv_row(i).encode() for i in range(300)]
    rows[200] = rows[200].replace(b"texts", b"t\xe9xts")  # Latin-1, not UTF-8
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV_HEADER.encode() + b"".join(rows))
    report = import_files(engine, [path], batch_size=100)
    assert [str(r) for r in report.rejections] == [
        "export.csv:202: narrative: not valid UTF-8: byte 0xe9 at byte 40 of line 202"
    ]
    assert _refs(engine) == {f"C-{i}" for i in range(300)} - {"C-200"}


def test_every_kind_of_bad_csv_row_is_refused_alone(
    engine: Engine, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("threadline.ingest.readers.MAX_LINE_BYTES", 2000, raising=False)
    rows = [_csv_row(i).encode() for i in range(12)]
    content = (
        CSV_HEADER.encode()
        + rows[0]
        + b"C-X1,2026-03-01T10:00,101,harassment,te\x00xts,victim,Penhallow\r\n"  # line 3
        + rows[1]
        + b"C-X2,2026-03-01T10:00,101,harassment,"
        + b"a" * 3000
        + b",victim,P\r\n"  # line 5
        + rows[2]
        + b"C-X3,2026-03-01T10:00,101,harassment,texts,victim,Penhallow,extra\r\n"  # line 7
        + rows[3].replace(b"\r\n", b"\r")  # line 8: a lone CR ends a line too
        + rows[4].replace(b"\r\n", b"\n")
        + b"C-X4,not a date,101,harassment,texts,victim,Penhallow\n"  # line 10
        + b"\r\n"  # a blank line: skipped
        + b"".join(rows[5:12])
        + b'C-X5,2026-03-01T10:00,101,harassment,"texts cut'  # line 19: cut short
    )
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    report = import_files(engine, [path], batch_size=2)
    assert _refs(engine) == {f"C-{i}" for i in range(12)}
    assert {(r.line, r.field, r.reason) for r in report.rejections} >= {
        (3, "narrative", "contains a NUL byte"),
        (5, "", "line 5 is longer than 2000 bytes"),
        (7, "", "has more cells than the header has columns"),
    }
    assert {r.line for r in report.rejections} == {3, 5, 7, 10, 19}


def test_a_nul_character_is_refused_by_field_on_both_stores(engine: Engine, tmp_path: Path) -> None:
    # before: SQLite stored it, and PostgreSQL (no NUL in text) failed the whole import
    nul = incident("INC-NUL", narrative="texts\u0000")
    nul["people"][1]["surname"] = "Tre\u0000gothnan"
    path = write_jsonl(tmp_path / "a.jsonl", [incident("INC-1"), nul, incident("INC-2")])
    report = import_files(engine, [path], batch_size=10)
    assert [str(r) for r in report.rejections] == [
        "a.jsonl:2: narrative: contains a NUL character",
        "a.jsonl:2: people[1].surname: contains a NUL character",
    ]
    assert _refs(engine) == {"INC-1", "INC-2"}


def test_blank_dates_and_text_booleans_are_read_where_each_format_writes_them(
    engine: Engine, tmp_path: Path
) -> None:
    """Issue 27: the model takes a date or nothing, and a boolean as true or false. A CSV's empty
    cell means "not given" and its reader leaves the field out (the edge converts, the model is
    not loosened); in JSON an empty string for a date, or 0 for a boolean, is refused by name."""
    path = tmp_path / "export.csv"
    path.write_text(
        "ref,reported_at,occurred_from,occurred_to,channel,category,p1_role,p1_surname,p1_dob\n"
        "C-1,2026-03-01T10:00,,,101,harassment,victim,Penhallow,\n"
        "C-2,2026-03-01T11:00, , ,101,harassment,victim,Penhallow, \n"
    )
    report = import_files(engine, [path])
    assert report.ok and report.counts.stored == 2, [str(r) for r in report.rejections]
    records = [
        order("NMO-1", interim=True, ends="2027-02-01"),
        order("NMO-2", interim=False, ends=None),
        order("NMO-3", interim=0),
        order("NMO-4", ends=""),
    ]
    report = import_files(engine, [write_jsonl(tmp_path / "orders.jsonl", records)])
    assert [str(r) for r in report.rejections] == [
        "orders.jsonl:3: interim: Input should be a valid boolean",
        "orders.jsonl:4: ends: is empty: give a date (YYYY-MM-DD) or leave the field out",
    ]
    with engine.connect() as conn:
        stored = conn.execute(select(t.orders.c.ref, t.orders.c.interim).order_by(t.orders.c.ref))
        assert list(stored) == [("NMO-1", True), ("NMO-2", False)]


def dash(ref: str, incident_ref: str, hours: int) -> dict[str, Any]:
    return {
        "kind": "risk_assessment",
        "source": "ppu",
        "ref": ref,
        "checklist": "dash",
        "incident_ref": incident_ref,
        "assessed_at": f"2026-03-01T{hours:02d}:00:00+00:00",
        "answers": {},
        "safety_plan": False,
        "subject": person("victim", forenames="Alys", surname="Penhallow", dob="1991-04-12"),
    }


def test_an_import_batch_waits_for_a_submission_and_keeps_the_first_dash(
    engine: Engine, tmp_path: Path
) -> None:
    """An import beside a submission that is part way through (a DASH at 11:00 for the
    incident) writes nothing until the submission has committed, and the incident's kept first
    DASH is the submission's, not the batch's later one (12:00). Before, the batch wrote at
    once: on PostgreSQL it computed the first DASH from what it saw before the submission
    committed and kept 12:00."""
    import_files(engine, [write_jsonl(tmp_path / "incident.jsonl", [incident("INC-1")])])
    earlier = prepare(parse_record(dash("RA-1", "INC-1", 11)))
    later = write_jsonl(tmp_path / "later.jsonl", [dash("RA-2", "INC-1", 12)])
    with (
        another_writer(engine, lambda conn: write_prepared(conn, [earlier], NOW)) as submission,
        first_writes(engine) as batch,
    ):
        assert import_files(engine, [later]).counts.stored == 1
    assert submission.committing_at is not None and batch.first_at is not None
    assert batch.first_at >= submission.committing_at  # it wrote nothing before its turn
    with engine.connect() as conn:
        kept = conn.execute(select(t.incidents.c.first_dash_at)).scalar_one()
    assert kept == datetime(2026, 3, 1, 11, tzinfo=UTC)

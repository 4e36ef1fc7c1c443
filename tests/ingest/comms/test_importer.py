"""Importing communications evidence into the store (SQLite and PostgreSQL): every fixture format,
each message once however often imported, provenance from the first import, refusals reported,
and an import cut short loses no acknowledged batch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select

from factories import incident
from links_factory import store
from threadline.ingest.comms import ReadOptions, read_comms
from threadline.ingest.comms.importer import import_comms
from threadline.ingest.rejection import Rejection
from threadline.model.comms import Communication
from threadline.store import tables as t
from threadline.store.comms import contacts_of, count_stored, incident_key

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = {
    "whatsapp android": FIXTURES / "whatsapp" / "android_uk_24h_with_media.txt",
    "whatsapp ios": FIXTURES / "whatsapp" / "WhatsApp Chat - Dan Mercer" / "_chat.txt",
    "whatsapp ios 12h": FIXTURES / "whatsapp" / "ios_us_12h_without_media.txt",
    "facebook": FIXTURES / "facebook" / "messages" / "inbox" / "danmercer_10158" / "message_1.json",
    "instagram": FIXTURES
    / "instagram"
    / "your_instagram_activity"
    / "messages"
    / "inbox"
    / "dan.mercer_17841"
    / "message_1.json",
    "call and sms log": FIXTURES / "call_logs" / "handset_call_sms_log.csv",
    "comms data return": FIXTURES / "call_logs" / "comms_data_return.csv",
}


def read(path: Path) -> tuple[list[Communication], list[Rejection]]:
    items = list(read_comms(path, ReadOptions()))
    return (
        [i for i in items if isinstance(i, Communication)],
        [i for i in items if isinstance(i, Rejection)],
    )


def incident_in(engine: Engine, ref: str = "INC-1") -> str:
    store(engine, incident(ref))
    with engine.connect() as conn:
        key = incident_key(conn, ref)
    assert key is not None
    return key


def stored_rows(engine: Engine, attachment: str) -> list[tuple[str, str, int]]:
    c = t.communications.c
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(c.content_hash, c.file, c.line)
                .where(c.attachment == attachment)
                .order_by(c.line)
            )
        ]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_is_stored_once_however_often_imported(
    engine: Engine, name: str, tmp_path: Path
) -> None:
    path = FORMATS[name]
    key = incident_in(engine)
    messages, refused = read(path)
    assert messages  # the fixture holds something to store
    first = import_comms(engine, [path], key, batch_size=3)
    assert (first.stored, first.duplicates, first.refused) == (
        len({m.content_hash for m in messages}),
        len(messages) - len({m.content_hash for m in messages}),
        len({(r.file, r.line) for r in refused}),
    )
    rows = stored_rows(engine, key)
    assert sorted(h for h, _f, _l in rows) == sorted({m.content_hash for m in messages})
    # again, from a renamed copy (in the same folders: a Meta file's folder says its channel):
    # nothing new, and the rows keep the first import's file and line
    renamed = (tmp_path / path.relative_to(FIXTURES)).with_name(f"copy{path.suffix}")
    renamed.parent.mkdir(parents=True)
    shutil.copy(path, renamed)
    again = import_comms(engine, [renamed, path], key)
    assert (again.stored, again.duplicates) == (0, 2 * len(messages))
    assert stored_rows(engine, key) == rows
    assert {f for _h, f, _l in rows} == {path.name}


def test_the_same_messages_under_another_incident_are_stored_there_too(engine: Engine) -> None:
    path = FORMATS["call and sms log"]
    one, two = incident_in(engine, "INC-1"), incident_in(engine, "INC-2")
    stored = import_comms(engine, [path], one).stored
    assert import_comms(engine, [path], two).stored == stored
    with engine.connect() as conn:
        assert count_stored(conn, one) == count_stored(conn, two) == stored
        # counted once where both are read together (an incident and its victim)
        assert len(contacts_of(conn, [one, two])) == stored


def test_bad_entries_are_refused_by_file_and_line_and_the_good_ones_stored(
    engine: Engine,
) -> None:
    key = incident_in(engine)
    path = FIXTURES / "whatsapp" / "android_malformed.txt"
    report = import_comms(engine, [path], key)
    assert report.stored > 0 and report.refused > 0
    assert {r.file for r in report.rejections} == {path.name}
    assert all(r.line > 0 and r.reason for r in report.rejections)
    with engine.connect() as conn:
        imported = conn.execute(select(t.imports).where(t.imports.c.id == report.import_id)).one()
    assert (imported.stored, imported.rejected) == (report.stored, report.refused)
    assert imported.finished_at is not None


def test_a_file_of_no_known_type_or_missing_is_refused_before_anything_is_stored(
    engine: Engine, tmp_path: Path
) -> None:
    key = incident_in(engine)
    odd = tmp_path / "export.xml"
    odd.write_text("<messages/>")
    with pytest.raises(ValueError, match="export.xml"):
        import_comms(engine, [FORMATS["facebook"], odd], key)
    with pytest.raises(FileNotFoundError, match="nowhere.txt"):
        import_comms(engine, [tmp_path / "nowhere.txt"], key)
    with engine.connect() as conn:
        assert count_stored(conn, key) == 0


class Killed(Exception):
    pass


def test_an_import_cut_short_keeps_every_acknowledged_batch(engine: Engine) -> None:
    key = incident_in(engine)
    path = FORMATS["call and sms log"]
    messages, _ = read(path)
    assert len(messages) >= 4
    acknowledged: list[int] = []
    inserts = 0

    def die_on_the_second_batch(_c: object, _cur: object, sql: str, *_a: object) -> None:
        nonlocal inserts
        if "INTO communications" in sql:
            inserts += 1
            if inserts == 2:
                raise Killed(sql)

    event.listen(engine, "before_cursor_execute", die_on_the_second_batch)
    with pytest.raises(Killed):
        import_comms(
            engine, [path], key, batch_size=2, on_batch=lambda _n, s: acknowledged.append(s)
        )
    event.remove(engine, "before_cursor_execute", die_on_the_second_batch)
    with engine.connect() as conn:
        assert count_stored(conn, key) == sum(acknowledged) == 2  # the first batch, no more
    rerun = import_comms(engine, [path], key)
    assert (rerun.stored, rerun.duplicates) == (len(messages) - 2, 2)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.communications)).scalar_one() == len(
            messages
        )

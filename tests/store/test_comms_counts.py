"""The stored contact counts (migration 0013) always equal a recount of the stored messages, on
SQLite and PostgreSQL: after imports, re-imports, an import cut short at either write of a batch,
and on a store migrated from 0012 with messages already in it (issue 25 part 5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from factories import incident
from links_factory import store
from threadline.ingest.comms.importer import import_comms
from threadline.recognise.contacts import contacts_only, per_day_and_channel
from threadline.store import make_engine, migrate
from threadline.store import tables as t
from threadline.store.comms import (
    CountsOverlap,
    contacts_of,
    daily_contacts,
    hourly_counts,
    incident_key,
)

FIXTURES = Path(__file__).parents[1] / "ingest" / "comms" / "fixtures"
WHATSAPP = FIXTURES / "whatsapp" / "android_uk_24h_with_media.txt"
CALLS = FIXTURES / "call_logs" / "handset_call_sms_log.csv"
FACEBOOK = FIXTURES / "facebook" / "messages" / "inbox" / "danmercer_10158" / "message_1.json"


def recount(engine: Engine) -> Counter[tuple[Any, ...]]:
    """Every stored message counted by hand, as the counts table keys it."""
    c = t.communications.c
    tally: Counter[tuple[Any, ...]] = Counter()
    with engine.connect() as conn:
        for r in conn.execute(select(c.attachment, c.at, c.channel, c.kind, c.direction, c.sender)):
            hour = r.at.replace(minute=0, second=0, microsecond=0)
            tally[(r.attachment, hour, r.channel, r.kind, r.direction or "", r.sender or "")] += 1
    return tally


def stored_counts(engine: Engine) -> Counter[tuple[Any, ...]]:
    k = t.communication_counts.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(k.attachment, k.hour, k.channel, k.kind, k.direction, k.sender, k.count)
        ).all()
    tally: Counter[tuple[Any, ...]] = Counter()
    for *key, n in rows:
        assert n > 0
        tally[tuple(key)] += n
    assert len(tally) == len(rows)  # one row per key
    return tally


def incident_in(engine: Engine, ref: str) -> str:
    store(engine, incident(ref))
    with engine.connect() as conn:
        key = incident_key(conn, ref)
    assert key is not None
    return key


def test_counts_equal_a_recount_after_imports_and_re_imports(engine: Engine) -> None:
    one, two = incident_in(engine, "INC-1"), incident_in(engine, "INC-2")
    first = import_comms(engine, [WHATSAPP, CALLS], one, batch_size=3)
    assert first.stored > 10
    expected = recount(engine)
    assert stored_counts(engine) == expected
    assert sum(expected.values()) == first.stored
    # the same files again, in other batches: nothing stored, nothing counted
    again = import_comms(engine, [CALLS, WHATSAPP], one, batch_size=5)
    assert again.stored == 0
    assert stored_counts(engine) == expected
    # under another incident, and a file in part already there: counted where stored
    import_comms(engine, [CALLS], two)
    import_comms(engine, [FACEBOOK, WHATSAPP, CALLS], one, batch_size=4)
    assert stored_counts(engine) == recount(engine)


def test_a_message_twice_in_one_batch_is_counted_once(engine: Engine, tmp_path: Path) -> None:
    key = incident_in(engine, "INC-1")
    copy = tmp_path / "copy of the log.csv"
    copy.write_bytes(CALLS.read_bytes())
    report = import_comms(engine, [CALLS, copy], key)  # one batch: each message in it twice
    assert report.batches == 1 and report.duplicates == report.stored > 0
    assert stored_counts(engine) == recount(engine)
    assert sum(stored_counts(engine).values()) == report.stored


class Killed(Exception):
    pass


@pytest.mark.parametrize("at", ["INTO communications ", "INTO communication_counts"])
def test_an_import_cut_short_at_either_write_keeps_counts_and_messages_together(
    engine: Engine, at: str
) -> None:
    key = incident_in(engine, "INC-1")
    writes = 0

    def die_on_the_second_batch(_c: object, _cur: object, sql: str, *_a: object) -> None:
        nonlocal writes
        if at in sql:
            writes += 1
            if writes == 2:
                raise Killed(sql)

    event.listen(engine, "before_cursor_execute", die_on_the_second_batch)
    with pytest.raises(Killed):
        import_comms(engine, [WHATSAPP], key, batch_size=4)
    event.remove(engine, "before_cursor_execute", die_on_the_second_batch)
    counted = stored_counts(engine)
    assert counted == recount(engine)
    assert sum(counted.values()) == 4  # the first batch, counted; the second, neither
    rerun = import_comms(engine, [WHATSAPP], key, batch_size=4)
    assert rerun.duplicates >= 4
    assert stored_counts(engine) == recount(engine)
    assert sum(stored_counts(engine).values()) == 4 + rerun.stored


def test_a_store_migrated_from_0012_counts_the_messages_it_holds(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine, "0012")
    with engine.begin() as conn:  # as 0012 wrote them: messages, no counts
        conn.execute(
            t.communications.insert(),
            [
                {
                    "attachment": "incident:cad:INC-1",
                    "content_hash": f"{n:032x}",
                    "at": datetime.fromisoformat(at),
                    "channel": "sms",
                    "kind": "message",
                    "sender": sender,
                    "direction": direction,
                    "duration": None,
                    "text": "leave me alone",
                    "thread": None,
                    "recipients": [],
                    "attachments": [],
                    "file": "log.csv",
                    "line": n + 2,
                    "import_id": 1,
                }
                for n, (at, sender, direction) in enumerate(
                    [
                        ("2026-03-01T22:15:00+00:00", "07700 900101", "incoming"),
                        ("2026-03-01T22:45:00+00:00", "07700 900101", "incoming"),
                        ("2026-03-01T23:05:00+00:00", None, None),
                        ("2026-03-02T08:00:00+00:00", "07700 900555", "outgoing"),
                    ]
                )
            ],
        )
    migrate(engine)
    counted = stored_counts(engine)
    assert counted == recount(engine)
    assert sum(counted.values()) == 4 and len(counted) == 3
    engine.dispose()


def test_daily_contacts_read_from_the_counts_equal_the_messages_counted(engine: Engine) -> None:
    key = incident_in(engine, "INC-1")
    import_comms(engine, [WHATSAPP, CALLS, FACEBOOK], key)
    with engine.connect() as conn:
        contacts = contacts_only(contacts_of(conn, [key]))
        assert daily_contacts(conn, [key]) == per_day_and_channel(contacts)
        sms = daily_contacts(conn, [key], channel="sms")
        assert sms and all(set(channels) == {"sms"} for channels in sms.values())
        days = sorted(per_day_and_channel(contacts))
        middle = daily_contacts(conn, [key], first=days[1], last=days[-2])
        assert sorted(middle) == days[1:-1]
        sender = next(c.sender for c in contacts if c.sender)
        by_sender = daily_contacts(conn, [key], sender=sender)
        assert sum(sum(ch.values()) for ch in by_sender.values()) == sum(
            1 for c in contacts if c.sender == sender
        )


def test_the_same_message_under_two_attachments_read_together_is_counted_once(
    engine: Engine,
) -> None:
    one, two = incident_in(engine, "INC-1"), incident_in(engine, "INC-2")
    stored = import_comms(engine, [CALLS], one).stored
    import_comms(engine, [CALLS], two)
    with engine.connect() as conn:
        with pytest.raises(CountsOverlap):
            hourly_counts(conn, [one, two])
        both = daily_contacts(conn, [one, two])
        assert both == daily_contacts(conn, [one])
        assert sum(sum(c.values()) for c in both.values()) <= stored


def test_messages_are_bound_for_sqlite_as_sqlalchemy_binds_them() -> None:
    from threadline.ingest.comms import ReadOptions, read_comms
    from threadline.model.comms import Communication
    from threadline.store.comms import _COLUMNS, _row, _sqlite_rows
    from threadline.store.rows import sqlite_binder

    binder = sqlite_binder()
    batch = [
        item
        for path in (WHATSAPP, CALLS, FACEBOOK)
        for item in read_comms(path, ReadOptions())
        if isinstance(item, Communication)
    ]
    batch.append(replace(batch[0], timestamp=datetime(2026, 3, 1, 9, 5, 7, 123456, tzinfo=UTC)))
    assert any(c.attachments for c in batch) and any(c.recipients for c in batch)
    fast = _sqlite_rows(binder, "incident:cad:INC-1", 7, batch)
    slow = binder.bind_all(
        t.communications, [_row("incident:cad:INC-1", 7, c) for c in batch], _COLUMNS
    )
    assert fast == slow

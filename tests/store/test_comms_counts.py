"""The stored contact counts (migration 0013) always equal a recount of the stored messages, on
SQLite and PostgreSQL: after imports, re-imports, an import cut short at either write of a batch,
and on a store migrated from 0012 with messages already in it (issue 25 part 5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event, select

from factories import incident
from links_factory import store
from threadline.crossref.contacts import stored_summary
from threadline.ingest.comms.importer import import_comms
from threadline.recognise.contact_counts import busy_hour_starts
from threadline.recognise.contacts import (
    ContactSettings,
    contacts_only,
    per_day_and_channel,
    summarise_contacts,
)
from threadline.recognise.history import Order
from threadline.store import make_engine, migrate
from threadline.store import tables as t
from threadline.store.comms import (
    CountsOverlap,
    busy_hours,
    contacts_of,
    daily_contacts,
    daily_counts,
    incident_key,
)

FIXTURES = Path(__file__).parents[1] / "ingest" / "comms" / "fixtures"
WHATSAPP = FIXTURES / "whatsapp" / "android_uk_24h_with_media.txt"
CALLS = FIXTURES / "call_logs" / "handset_call_sms_log.csv"
LONDON = ZoneInfo("Europe/London")
FACEBOOK = FIXTURES / "facebook" / "messages" / "inbox" / "danmercer_10158" / "message_1.json"


def recount(engine: Engine) -> Counter[tuple[Any, ...]]:
    """Every stored message counted by hand, as the counts table keys it, with the hour's local
    day and night (Europe/London, 23:00 to 06:00)."""
    c = t.communications.c
    tally: Counter[tuple[Any, ...]] = Counter()
    with engine.connect() as conn:
        for r in conn.execute(select(c.attachment, c.at, c.channel, c.kind, c.direction, c.sender)):
            hour = int(r.at.timestamp()) // 3600
            local = r.at.astimezone(LONDON)
            night = local.hour >= 23 or local.hour < 6
            key = (r.attachment, hour, local.date(), night, r.channel, r.kind)
            tally[(*key, r.direction or "", r.sender or "")] += 1
    return tally


def stored_counts(engine: Engine) -> Counter[tuple[Any, ...]]:
    k = t.communication_counts.c
    columns = (k.attachment, k.hour, k.day, k.night, k.channel, k.kind, k.direction, k.sender)
    with engine.connect() as conn:
        rows = conn.execute(select(*columns, k.count)).all()
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
    assert {(k[2].isoformat(), k[3]) for k in counted} == {
        ("2026-03-01", False),
        ("2026-03-01", True),
        ("2026-03-02", False),
    }
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
            daily_counts(conn, [one, two])
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


def bursty_log(path: Path) -> Path:
    """A handset log with a burst of 70 texts across midnight of the night the clocks go back,
    one of 40 (short of a burst) and steady contact around them, some of it the victim's own."""
    rows = ["Date,Time,Type,Direction,Number,Contact Name,Duration,Body,Status"]
    moments = [
        datetime(2026, 10, 20, 8, tzinfo=UTC) + n * timedelta(minutes=97) for n in range(150)
    ]
    moments += [
        datetime(2026, 10, 24, 23, 20, tzinfo=UTC) + n * timedelta(seconds=45) for n in range(70)
    ]
    moments += [
        datetime(2026, 10, 27, 12, 5, tzinfo=UTC) + n * timedelta(seconds=60) for n in range(40)
    ]
    for n, at in enumerate(sorted(moments)):
        local = at.astimezone(LONDON)
        direction = "Outgoing" if n % 9 == 0 else "Incoming"
        kind = "Call" if n % 7 == 0 else "SMS"
        body = "" if kind == "Call" else f"answer me {n}"
        duration = "0:00:03" if kind == "Call" else ""
        rows.append(
            f"{local:%d/%m/%Y},{local:%H:%M:%S},{kind},{direction},07700 900123,Dan,"
            f"{duration},{body},"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_busy_hours_summed_in_sql_are_those_of_the_rule(engine: Engine, tmp_path: Path) -> None:
    key = incident_in(engine, "INC-1")
    import_comms(engine, [bursty_log(tmp_path / "log.csv"), WHATSAPP, CALLS], key)
    with engine.connect() as conn:
        contacts = contacts_only(contacts_of(conn, [key]))
        hours = Counter(c.at.replace(minute=0, second=0, microsecond=0) for c in contacts)
        for size, minutes in ((50, 60), (30, 30), (45, 90), (3, 10)):
            settings = ContactSettings(burst_size=size, burst_window=timedelta(minutes=minutes))
            expected = busy_hour_starts(hours, settings)
            assert expected
            assert busy_hours(conn, [key], settings) == expected


def test_the_summary_from_the_stored_counts_is_the_summary_of_every_message(
    engine: Engine, tmp_path: Path
) -> None:
    key = incident_in(engine, "INC-1")
    import_comms(engine, [bursty_log(tmp_path / "log.csv"), WHATSAPP, CALLS, FACEBOOK], key)
    served = Order(
        ref="NMO-1",
        order_type="non_molestation",
        respondent="E-dan",
        protected=("E-alys",),
        starts=date(2026, 10, 1),
        served=date(2026, 10, 25),
        on_notice=False,
    )
    with engine.connect() as conn:
        expected = summarise_contacts(contacts_of(conn, [key]), [served], "E-alys")
        got = stored_summary(conn, [key], lambda: [served], "E-alys")
    assert got is not None
    assert got.to_dict() == expected.to_dict()
    assert got.per_sender == expected.per_sender
    assert len(got.bursts) == 1 and got.bursts[0].count >= 50  # the 70, less her own
    assert got.while_order_bound["NMO-1"] > 0 and got.night > 0


def test_migration_0013_counts_each_hour_in_the_day_and_night_the_live_import_does() -> None:
    """0013 writes its zone and night hours in itself (a migration imports no live code); every
    hour of a year, both clock changes included, falls on the local day and night that
    ``COUNTED_IN`` gives the import, so a store migrated from 0012 and one imported afresh keep
    the same counts."""
    import importlib.util
    from datetime import UTC, datetime, timedelta

    from threadline.store.comms import COUNTED_IN
    from threadline.store.database import MIGRATIONS

    path = MIGRATIONS / "versions" / "0013_communication_counts.py"
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    hours = [start + timedelta(hours=n) for n in range(366 * 24)]
    frozen = [module._day_and_night(h) for h in hours]
    live = [(COUNTED_IN.day(h), COUNTED_IN.night(h)) for h in hours]
    assert frozen == live
    # 7 night hours a day for 366 days: one fewer the night the clocks go forward, one more back
    assert sum(night for _day, night in frozen) == 366 * 7

"""A call and SMS log (CSV) from a handset download or a communications-data return.

One row per call or text: when, which way, which number, how long or what it said. Tools and
networks name the columns differently; the header is matched, case, spaces and punctuation aside,
against :data:`COLUMN_NAMES`:

============  ==================================================================================
role          accepted headers
============  ==================================================================================
timestamp     Timestamp, Date Time, Date/Time, DateTime, Date and Time, Start Time, Call Start,
              Event Time, Time Stamp; or **Time** / **Call Time** when there is no date column
date          Date, Call Date, Event Date, Start Date (with a time column: Time, Call Time)
number        Number, Phone Number, Phone, Other Party, Other Number, Party, Remote Party, Remote
              Number, Contact Number
from / to     From, From Number, Caller, Calling Number, Originating Number, A Number, A Party,
              Source Number / To, To Number, Called Number, Callee, Terminating Number,
              B Number, B Party, Destination Number, Dialled Number, Recipient
duration      Duration, Duration (s), Duration (seconds), Duration Secs, Call Duration, Length,
              Seconds, Duration (hh:mm:ss)
text          Text, Body, Message, Content, SMS Text, Message Text, SMS Body
type          Direction, Call Direction, Type, Call Type, Event Type, Event, Record Type, Service,
              Service Type, Category, Status (read together, word by word: ``Incoming``,
              ``Outgoing``, ``Missed``, ``Rejected``, ``SMS``, ``Voice``, ``MOC``/``MTC``,
              ``SMS-MO``/``SMS-MT``, ``Silent``)
============  ==================================================================================

A log needs a time, and a number or a from/to pair; without them the file is refused at line 1,
naming what is missing. Other columns (a contact name, a cell ID, a status a tool adds) are read
past: an extraction tool writes dozens, and none says who contacted whom, or when.

Per row: with one number column the type must say which way the contact went (else it is refused:
the number could be the caller or the called); with from/to columns the sender and recipient are
as written, and the direction is known only when ``owner`` (the handset's number) is given (a
network's "MOC" is "originated by the A number", which need not be the owner). A call whose caller
is withheld (blank, ``Withheld``, ``Private``, ``Unknown``, ``No Caller ID``, ``Restricted``,
``Anonymous``) is a ``withheld_call``. A row is a text if its type says so or it has text and no
call word; a call if its type says so or it has a duration; otherwise it is refused.

Times: ISO 8601 (an offset kept, none read in ``timezone``), or ``31/12/2023 21:41[:05]`` in the
date order of :class:`ReadOptions` (day first by default), with optional AM/PM and a trailing
``(UTC+1)``, ``UTC+01:00`` or ``GMT`` as handset tools write. Durations: seconds (``73``, ``73s``),
``1:13``, ``0:01:13``, ``1m 13s``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path

from threadline.ingest.comms.options import DEFAULT_OPTIONS, DateOrder, ReadOptions
from threadline.ingest.comms.times import day_month_year, hour_of_day, local_to_utc
from threadline.ingest.readers import PhysicalLines
from threadline.ingest.rejection import Rejection
from threadline.model.comms import (
    CommsChannel,
    CommsKind,
    Communication,
    Content,
    Direction,
    Occurrences,
)
from threadline.normalise.phones import normalise_phone

#: Each role's accepted headers, normalised (lower case; runs of other than letters and digits
#: as one space).
COLUMN_NAMES: dict[str, frozenset[str]] = {
    "timestamp": frozenset(
        {
            "timestamp",
            "date time",
            "datetime",
            "date and time",
            "start time",
            "call start",
            "event time",
            "time stamp",
        }
    ),
    "date": frozenset({"date", "call date", "event date", "start date"}),
    "time": frozenset({"time", "call time"}),
    "number": frozenset(
        {
            "number",
            "phone number",
            "phone",
            "other party",
            "other number",
            "party",
            "remote party",
            "remote number",
            "contact number",
        }
    ),
    "from": frozenset(
        {
            "from",
            "from number",
            "caller",
            "calling number",
            "originating number",
            "a number",
            "a party",
            "source number",
        }
    ),
    "to": frozenset(
        {
            "to",
            "to number",
            "called number",
            "callee",
            "terminating number",
            "b number",
            "b party",
            "destination number",
            "dialled number",
            "recipient",
        }
    ),
    "duration": frozenset(
        {
            "duration",
            "duration s",
            "duration seconds",
            "duration secs",
            "call duration",
            "length",
            "seconds",
            "duration hh mm ss",
        }
    ),
    "text": frozenset(
        {"text", "body", "message", "content", "sms text", "message text", "sms body"}
    ),
    "type": frozenset(
        {
            "direction",
            "call direction",
            "type",
            "call type",
            "event type",
            "event",
            "record type",
            "service",
            "service type",
            "category",
            "status",
        }
    ),
}
_ROLE_OF = {name: role for role, names in COLUMN_NAMES.items() for name in names}

#: The words of a type column, and what each says.
_INCOMING = frozenset(
    {"in", "incoming", "inbound", "received", "receive", "mt", "mtc", "terminating", "terminated"}
)
_OUTGOING = frozenset(
    {"out", "outgoing", "outbound", "sent", "dialled", "dialed", "mo", "moc", "originating"}
)
_MISSED = frozenset({"missed", "unanswered", "rejected", "declined", "blocked"})
_TEXT = frozenset({"sms", "text", "mms", "message", "msg"})
_CALL = frozenset({"call", "voice", "video", "moc", "mtc"})
_SILENT = frozenset({"silent"})
_WITHHELD = frozenset(
    {
        "",
        "withheld",
        "number withheld",
        "private",
        "private number",
        "unknown",
        "no caller id",
        "restricted",
        "anonymous",
    }
)
_WORD = re.compile(r"[a-z]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_WRITTEN = re.compile(
    r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s*([AaPp])\.?[Mm]\.?)?\s*(?:\(?\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\s*\)?)?$"
)
_DURATION = re.compile(
    r"(?:(\d+)s?|(?:(\d+):)?(\d{1,2}):(\d{2})|(?:(\d+)\s*h\s*)?(?:(\d+)\s*m\s*)?(?:(\d+)\s*s)?)"
)


@lru_cache(maxsize=1024)
def _words(cells: tuple[str, ...]) -> frozenset[str]:
    """The words of a row's type cells (a log repeats a handful of them)."""
    return frozenset(word for cell in cells for word in _WORD.findall(cell.lower()))


def _header_name(cell: str) -> str:
    return _NOT_WORD.sub(" ", cell.lower()).strip()


@dataclass(frozen=True)
class _Layout:
    """Which column holds each role (indexes); ``kinds`` are all the type columns."""

    timestamp: int | None
    date: int | None
    time: int | None
    number: int | None
    sender: int | None
    recipient: int | None
    duration: int | None
    text: int | None
    kinds: tuple[int, ...]


def _layout(header: list[str]) -> tuple[_Layout | None, str]:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        role = _ROLE_OF.get(_header_name(cell))
        if role is not None:
            found.setdefault(role, []).append(index)

    def one(role: str) -> int | None:
        return found[role][0] if role in found else None

    timestamp, date, time = one("timestamp"), one("date"), one("time")
    if timestamp is None and date is None and time is not None:
        timestamp, time = time, None
    missing = []
    if timestamp is None and (date is None or time is None):
        missing.append("a time (Timestamp, or Date and Time)")
    number, sender, recipient = one("number"), one("from"), one("to")
    if number is None and (sender is None or recipient is None):
        missing.append("a number (Number, or From and To)")
    if missing:
        return None, "no column for " + " or ".join(missing)
    layout = _Layout(
        timestamp if timestamp is not None else None,
        date if timestamp is None else None,
        time if timestamp is None else None,
        number if sender is None or recipient is None else None,
        sender if sender is not None and recipient is not None else None,
        recipient if sender is not None and recipient is not None else None,
        one("duration"),
        one("text"),
        tuple(found.get("type", [])),
    )
    return layout, ""


def read_call_log(
    path: Path, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[Communication | Rejection]:
    """Each call or text of a call and SMS log, or the refusal of each bad row."""
    return parse_call_log(path.name, path.read_bytes(), options)


def _delimiter(data: bytes) -> str:
    first = data.split(b"\n", 1)[0]
    counts = {sep: first.count(sep.encode()) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep])


def parse_call_log(
    name: str, data: bytes, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[Communication | Rejection]:
    """The rows of a log's bytes (``name`` is the file named in refusals)."""
    lines = PhysicalLines(io.BytesIO(data))
    reader = csv.reader(lines, delimiter=_delimiter(data), strict=True)
    try:
        header = next(reader, [])
    except csv.Error as error:
        yield Rejection(name, 1, "", f"the header is not readable as CSV ({error})")
        return
    bad = lines.take(1, lines.number)
    if bad:
        yield Rejection(name, 1, "", "; ".join(bad))
        return
    layout, problem = _layout(header)
    if layout is None:
        yield Rejection(name, 1, "", problem)
        return
    rows = _Rows(name, header, layout, options)
    entry = 0
    for first, cells, found in lines.rows(reader):
        if cells is None:
            entry += 1
            yield Rejection(name, first, "", "; ".join(found))
            continue
        if not cells or not any(cell.strip() for cell in cells):
            if found:
                yield Rejection(name, first, "", "; ".join(found))
            continue
        entry += 1
        if found:
            yield Rejection(name, first, "", "; ".join(found))
            continue
        yield rows.read(first, entry, cells)


class _Refused(Exception):
    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason


class _Rows:
    """Reads one log's rows into communications."""

    def __init__(self, name: str, header: list[str], layout: _Layout, options: ReadOptions):
        self.name = name
        self.header = header
        self.layout = layout
        self.zone = options.timezone
        self.order: DateOrder = options.date_order or "dmy"
        self.owner = options.owner
        self.owner_number = normalise_phone(options.owner) if options.owner else None
        self.occurrences = Occurrences()

    def read(self, line: int, entry: int, cells: list[str]) -> Communication | Rejection:
        try:
            return self._read(line, entry, cells)
        except _Refused as refusal:
            return Rejection(self.name, line, refusal.column, refusal.reason)

    def cell(self, cells: list[str], index: int | None) -> str:
        if index is None or index >= len(cells):
            return ""
        value = cells[index].strip()
        if "\x00" in value:
            raise _Refused(self.header[index], "contains a NUL character")
        return value

    def _read(self, line: int, entry: int, cells: list[str]) -> Communication:
        if len(cells) > len(self.header):
            raise _Refused("", "has more cells than the header has columns")
        layout = self.layout
        if layout.timestamp is not None:
            column = self.header[layout.timestamp]
            timestamp = self.moment(column, self.cell(cells, layout.timestamp))
        else:
            assert layout.date is not None and layout.time is not None
            column = f"{self.header[layout.date]} and {self.header[layout.time]}"
            written = f"{self.cell(cells, layout.date)} {self.cell(cells, layout.time)}"
            timestamp = self.moment(column, written)
        words = _words(tuple(self.cell(cells, index) for index in layout.kinds))
        duration = None
        if layout.duration is not None:
            duration = _seconds(self.header[layout.duration], self.cell(cells, layout.duration))
        text = self.cell(cells, layout.text) or None

        if words & _TEXT and not words & {"call", "voice", "video"}:
            channel = CommsChannel.sms
        elif words & _CALL or duration is not None:
            channel = CommsChannel.call
        elif text is not None:
            channel = CommsChannel.sms
        else:
            raise _Refused("", "cannot tell a call from a text: no type, duration or text")

        direction: Direction | None = None
        if words & _MISSED or words & _INCOMING:
            direction = Direction.incoming
        elif words & _OUTGOING:
            direction = Direction.outgoing

        #: the calling party as written, where the row names it
        caller: str | None
        if layout.number is not None:
            other = self.cell(cells, layout.number)
            if direction is None:
                raise _Refused(
                    ", ".join(self.header[i] for i in layout.kinds),
                    "does not say whether the contact was incoming or outgoing",
                )
            owner = (self.owner,) if self.owner else ()
            if direction is Direction.incoming:
                sender, recipients, caller = other or None, owner, other
            else:
                sender, recipients, caller = self.owner, (other,) if other else (), None
        else:
            caller = self.cell(cells, layout.sender)
            sender = caller or None
            recipient = self.cell(cells, layout.recipient)
            recipients = (recipient,) if recipient else ()
            direction = None
            if self.owner_number is not None:
                if normalise_phone(sender) == self.owner_number:
                    direction = Direction.outgoing
                elif normalise_phone(recipient) == self.owner_number:
                    direction = Direction.incoming

        if channel is CommsChannel.sms:
            kind = CommsKind.message
        elif caller is not None and caller.lower() in _WITHHELD:
            kind = CommsKind.withheld_call
        elif words & _SILENT:
            kind = CommsKind.silent_call
        elif words & _MISSED:
            kind = CommsKind.missed_call
        else:
            kind = CommsKind.call
        content = Content(channel, timestamp, sender, kind, duration, text)
        read = self.occurrences.communication(
            self.name, line, entry, content, recipients, direction
        )
        # a call keeps no text, but the row's text cell stays part of its identity (its hash)
        return read if channel is CommsChannel.sms else replace(read, text=None)

    def moment(self, column: str, written: str) -> datetime:
        if not written.strip():
            raise _Refused(column, "is required")
        try:
            return _moment(written, self.order, self.zone)
        except ValueError as error:
            raise _Refused(column, f"{written[:40]!r}: {error}") from None


def _moment(written: str, order: DateOrder, zone: tzinfo) -> datetime:
    """A log's date and time in UTC."""
    text = written.strip()
    if _ISO.match(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("not an ISO 8601 date and time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    match = _WRITTEN.match(text)
    if match is None:
        raise ValueError("not a date and time (use ISO 8601 or 31/12/2023 21:41:05)")
    day, month, year = day_month_year(match[1], match[2], match[3], order)
    hour = hour_of_day(int(match[4]), match[7])
    minute, second = int(match[5]), int(match[6] or 0)
    if "UTC" in text or "GMT" in text:
        sign = -1 if match[8] == "-" else 1
        offset = timedelta(hours=int(match[9] or 0), minutes=int(match[10] or 0)) * sign
        if offset >= timedelta(hours=24):
            raise ValueError("the offset from UTC is more than a day")
        return local_to_utc(year, month, day, hour, minute, second, timezone(offset))
    return local_to_utc(year, month, day, hour, minute, second, zone)


def _seconds(column: str, written: str) -> int | None:
    if not written:
        return None
    match = _DURATION.fullmatch(written.strip().lower())
    if match is None or not any(match.groups()):
        raise _Refused(column, f"{written[:40]!r} is not a duration (seconds, or h:mm:ss)")
    if match[1] is not None:
        return int(match[1])
    if match[4] is not None:
        return int(match[2] or 0) * 3600 + int(match[3]) * 60 + int(match[4])
    return int(match[5] or 0) * 3600 + int(match[6] or 0) * 60 + int(match[7] or 0)

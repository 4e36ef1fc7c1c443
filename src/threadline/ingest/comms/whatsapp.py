"""WhatsApp's "Export chat" text file, in the Android and the iOS line formats.

Android writes ``12/31/23, 9:41 PM - Dan Mercer: text`` (or ``31/12/2023, 21:41 - ...`` and
``31.12.23, 21:41 - ...``, by the phone's locale); iOS writes ``[31/12/2023, 21:41:05] Dan Mercer:
text``, with a left-to-right mark (U+200E) before the bracket of some lines and before the text of
system lines, media placeholders and calls, and a narrow no-break space (U+202F) before AM/PM. A
line that does not begin with such a header continues the message above it (multi-line messages
keep their line breaks).

What each entry is:

- a **media placeholder**: Android's ``<Media omitted>`` or ``IMG-20231231-WA0001.jpg (file
  attached)``, iOS's ``image omitted`` (video, audio, sticker, GIF, document, Contact card) or
  ``<attached: 00000012-PHOTO-2023-12-31-21-41-05.jpg>``; a named file is kept as the attachment,
  any caption as the text;
- a **call**: ``Missed voice call``, ``Voice call, 12 min``, ``Video call, No answer`` (a missed
  call), ``Silenced voice call`` (WhatsApp silenced an unknown caller: a missed call, not a
  "silent call", which is the caller saying nothing);
- a **system line**: a line with no ``Name:`` after the header (Android), or one of the service's
  own sentences (:data:`SYSTEM_PATTERNS`: the encryption notice, "X changed the subject from ...",
  "X added Y", a changed security code, ...). Its sender is None; the actor is in the text;
- otherwise a **message** from the name before the first ``": "``.

A bad line is refused with its file, line and reason, and the lines around it are read as usual:
bytes that are not UTF-8 or a NUL (the whole message they belong to is refused, since a message
missing a line is not what was sent), a header with an impossible date or time, a line that starts
like a header but is not one (``12/31/23, 9:4`` at the end of a truncated file), text before the
first header. A message cut short inside its text cannot be told from a shorter message.

Why not a maintained parser. Both were evaluated (0.6.0 and 0.9.1, December 2026):

- ``chat-miner`` pulls in pandas, polars, matplotlib, wordcloud, tqdm and dateutil, configures the
  root logger when imported, keeps no line numbers, drops system lines and calls, joins the lines
  of a multi-line message with spaces, raises on the first line it cannot split (so one bad line
  loses the file), returns naive times, and reads every date with ``dateutil``'s fuzzy parser;
- ``whatstk`` pulls in pandas, numpy, plotly, seaborn and emoji, keeps no line numbers, drops
  system lines, NFKC-normalises the whole text (it changes what was written), reads the file with
  one header format guessed from the start (a line in another format is glued to the message
  above), and raises when its guess fails.

Neither can say "line 812 is bad, the rest are read", which an evidence import needs, and either
would add a plotting stack to the core install. Reading the format is a regular expression per line
(:data:`HEADER`) and a small table of the service's sentences, written here. The two libraries'
documented formats and known pitfalls (U+200E, U+202F, 2-digit years, dotted dates) were followed.
The speed is in ``bench/bench_comms_read.py``.

Known limit (as whatstk documents too): an export does not mark continuation lines, so a line a
sender typed that looks exactly like another header is read as a new message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from threadline.ingest.comms.lines import numbered_lines
from threadline.ingest.comms.options import DEFAULT_OPTIONS, DateOrder, ReadOptions
from threadline.ingest.comms.times import day_month_year, hour_of_day, local_to_utc
from threadline.ingest.rejection import Rejection
from threadline.model.comms import (
    CommsChannel,
    CommsKind,
    Communication,
    Content,
    Occurrences,
)

_SPACE = "[ \u202f\u00a0]"
#: A message header: Android ``date, time - `` or iOS ``[date, time] ``; group 1 is the bracket.
HEADER = re.compile(
    "\u200e?(\\[)?(\\d{1,4})([./-])(\\d{1,2})\\3(\\d{1,4}),?" + _SPACE + "(\\d{1,2})[:.](\\d{2})"
    "(?:[:.](\\d{2}))?(?:" + _SPACE + "?([AaPp])\\.?" + _SPACE + "?[Mm]\\.?)?(?(1)\\] | - )(.*)",
    re.DOTALL,
)
#: The start of a header (date, then a time): a line like this that is not a whole header is bad.
_HEADER_START = re.compile(
    "\u200e?\\[?\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4},?" + _SPACE + "\\d{1,2}[:.]\\d"
)
#: The dates of the headers, to infer day-first or month-first.
_HEADER_DATES = re.compile(
    "^\u200e?\\[?(\\d{1,2})[./-](\\d{1,2})[./-]\\d{2,4},?" + _SPACE + "\\d", re.MULTILINE
)
#: Marks the apps write around names, numbers and their own words (U+200E, U+200F, U+202A-E).
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_MARKS_RE = re.compile(f"[{_MARKS}]")

#: The service's own sentences (English exports), matched against the whole text after the header
#: (Android) or the text after the name (iOS). An actor is ``[^:]+``: a name cannot run over the
#: ``": "`` that ends a sender's name, so "Dan: I added Sam" stays Dan's message.
SYSTEM_PATTERNS = re.compile(
    r"(?:Messages and calls are end-to-end encrypted"
    r"|Messages to this (?:chat|group) are now secured with end-to-end encryption"
    r"|Your security code with .+ changed"
    r"|You (?:blocked|unblocked) this contact"
    r"|This chat is with a business account"
    r"|Disappearing messages"
    r"|(?:[^:]+) (?:changed the subject|changed this group's (?:icon|settings)"
    r"|changed the group (?:description|name)|deleted this group's icon"
    r"|created (?:the )?group|added |removed |left$|joined using this group's invite link"
    r"|changed their phone number|changed to |turned (?:on|off) disappearing messages"
    r"|pinned a message|is a contact))",
)
_OMITTED = re.compile(
    r"(?:<Media omitted>|(?:image|video|audio|sticker|GIF|document|Contact card) omitted)$",
    re.IGNORECASE,
)
_ATTACHED = re.compile(r"<attached: ([^>]+)>")
_FILE_ATTACHED = re.compile(r"(.+\.\w{2,5}) \(file attached\)$")
_CALL = re.compile(
    r"(Missed |Silenced )?(?:group )?(?:voice|video) call(?: from ([^,]+))?((?:, .*)?)$",
    re.IGNORECASE,
)
_CALL_LENGTH = re.compile(r"(\d+) (hr|hour|min|sec)", re.IGNORECASE)
_SECONDS = {"hr": 3600, "hou": 3600, "min": 60, "sec": 1}
_THREAD = re.compile(r"WhatsApp Chat (?:with|-) (.+)")


def read_whatsapp(
    path: Path, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[Communication | Rejection]:
    """Each entry of a WhatsApp chat export, or the refusal of each bad line, in file order.

    The chat's name (the thread) is taken from the file's or its folder's name as WhatsApp writes
    it: ``WhatsApp Chat with Dan Mercer.txt`` (Android), ``WhatsApp Chat - Dan Mercer/_chat.txt``
    (iOS, unzipped).
    """
    return parse_whatsapp(path.name, path.read_bytes(), options, thread_of(path))


def thread_of(path: Path) -> str | None:
    """The chat's name from an export's file or folder name, if it is WhatsApp's."""
    for name in (path.stem, path.parent.name):
        match = _THREAD.fullmatch(name)
        if match:
            return match[1].strip()
    return None


def infer_date_order(text: str, default: DateOrder = "dmy") -> DateOrder:
    """Day first if a header's first number is above 12, month first if its second is."""
    for match in _HEADER_DATES.finditer(text):
        if int(match[1]) > 12:
            return "dmy"
        if int(match[2]) > 12:
            return "mdy"
    return default


def parse_whatsapp(
    name: str,
    data: bytes,
    options: ReadOptions = DEFAULT_OPTIONS,
    thread: str | None = None,
) -> Iterator[Communication | Rejection]:
    """The entries of an export's bytes (``name`` is the file named in refusals)."""
    order = options.date_order
    if order is None:
        order = infer_date_order(data[:4_000_000].decode("utf-8", "replace"))
    reader = _Reader(name, options, order, thread)
    for number, line, problem in numbered_lines(data):
        match = HEADER.match(line)
        if match is None:
            yield from reader.other(number, line, problem)
            continue
        if reader.header is not None:
            entry = reader.flush()
            if entry is not None:
                yield entry
        reader.begin(number, match, problem)
    last = reader.flush()
    if last is not None:
        yield last


class _Reader:
    """The state of one file's reading: the message whose lines are being gathered."""

    def __init__(self, name: str, options: ReadOptions, order: DateOrder, thread: str | None):
        self.name = name
        self.zone = options.timezone
        self.options = options
        self.order = order
        self.thread = thread
        self.occurrences = Occurrences()
        self.entry = 0
        #: the message being gathered: its header line, header match and lines; or None
        self.start = 0
        self.header: re.Match[str] | None = None
        self.lines: list[str] = []
        self.problems: list[str] = []
        #: lines after a refused header belong to it, not to the message above it
        self.skipping = False

    def begin(self, number: int, match: re.Match[str], problem: str) -> None:
        """A header on line ``number`` starts the next entry."""
        self.entry += 1
        self.start = number
        self.header = match
        self.lines = [match[10]]
        self.problems = [problem] if problem else []

    def other(self, number: int, line: str, problem: str) -> list[Communication | Rejection]:
        """A line that is not a header: the next line of a message, or a bad line."""
        if _HEADER_START.match(line):
            done = self.flush()
            self.entry += 1
            self.skipping = True
            reason = f"starts like a message header but is not one: {line[:60]!r}"
            refusal = Rejection(self.name, number, "", reason)
            return [refusal] if done is None else [done, refusal]
        if self.header is not None:
            self.lines.append(line)
            if problem:
                self.problems.append(problem)
        elif not self.skipping and line.strip():
            reason = (
                problem or "comes before the first message header (not a WhatsApp chat export?)"
            )
            return [Rejection(self.name, number, "", reason)]
        return []

    def flush(self) -> Communication | Rejection | None:
        """The entry gathered so far, read (or refused); None if there is none."""
        match = self.header
        if match is None:
            return None
        self.header = None
        self.skipping = False
        if self.problems:
            extra = "" if len(self.lines) == 1 else f" (a message of {len(self.lines)} lines)"
            return Rejection(self.name, self.start, "", "; ".join(self.problems) + extra)
        try:
            day, month, year = day_month_year(match[2], match[4], match[5], self.order)
            hour = hour_of_day(int(match[6]), match[9])
            second = int(match[8]) if match[8] else 0
            moment = local_to_utc(year, month, day, hour, int(match[7]), second, self.zone)
        except ValueError as error:
            return Rejection(self.name, self.start, "", f"the header's date and time: {error}")
        lines = self.lines
        rest = lines[0] if len(lines) == 1 else "\n".join(lines)
        return self.entry_of(moment, rest, ios=match[1] is not None)

    def entry_of(self, moment: datetime, rest: str, *, ios: bool) -> Communication:
        sender, written = _split_sender(rest, ios)
        text: str | None = written
        kind = CommsKind.message
        attachments: tuple[str, ...] = ()
        duration: int | None = None
        bare = _MARKS_RE.sub("", written)
        first = bare.split("\n", 1)[0]
        if sender is None:
            kind = CommsKind.system
            call = _CALL.match(first)
            if call and call[2]:  # "Missed voice call from Dan" (no "Name:" before it)
                sender, kind, duration = call[2].strip(), *_call_kind(call)
            text = bare
        elif written.startswith("\u200e") and SYSTEM_PATTERNS.match(bare):
            sender, kind, text = None, CommsKind.system, bare
        elif _OMITTED.match(first):
            kind, text = CommsKind.media, _caption(bare, first)
        elif (attached := _ATTACHED.search(first)) is not None:
            kind, attachments = CommsKind.media, (attached[1],)
            text = _caption(bare, attached[0]) or None
        elif (named := _FILE_ATTACHED.match(first)) is not None:
            kind, attachments = CommsKind.media, (named[1],)
            text = _caption(bare, first)
        elif (call := _CALL.match(first)) is not None and call[2] is None and "\n" not in bare:
            kind, duration = _call_kind(call)
            text = bare
        elif written.startswith("\u200e"):
            text = written.lstrip("\u200e")
        if kind is CommsKind.message and not text:
            text = None
        content = Content(CommsChannel.whatsapp, moment, sender, kind, duration, text, attachments)
        direction, recipients = self.options.direction(sender), self.options.recipients(sender)
        return self.occurrences.communication(
            self.name, self.start, self.entry, content, recipients, direction, self.thread
        )


def _split_sender(rest: str, ios: bool) -> tuple[str | None, str]:
    """The sender and the text of a header's remainder; no sender for an Android system line."""
    if not ios and SYSTEM_PATTERNS.match(rest):
        return None, rest
    cut = rest.find(": ")
    if cut < 0:
        first = rest.split("\n", 1)[0]
        if first.endswith(":") and first.strip(_MARKS + " :"):
            return first[:-1].strip(_MARKS + " "), rest[len(first) + 1 :]
        return None, rest
    return rest[:cut].strip(_MARKS + " "), rest[cut + 2 :]


def _caption(bare: str, placeholder: str) -> str | None:
    """What a media message says besides its placeholder."""
    caption = bare.replace(placeholder, "", 1).strip()
    return caption or None


def _call_kind(call: re.Match[str]) -> tuple[CommsKind, int | None]:
    """A call's kind and length from WhatsApp's words (``Missed``, ``No answer``, ``12 min``)."""
    details = call[3] or ""
    seconds = 0
    found = False
    for amount, unit in _CALL_LENGTH.findall(details):
        seconds += int(amount) * _SECONDS[unit.lower()[:3]]
        found = True
    missed = call[1] is not None or "no answer" in details.lower() or "declined" in details.lower()
    if missed:
        return CommsKind.missed_call, (seconds if found else None)
    return CommsKind.call, (seconds if found else None)

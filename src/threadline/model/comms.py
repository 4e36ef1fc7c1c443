"""A communication as read from a victim's evidence: one message, call or system line of an export.

Read by :mod:`threadline.ingest.comms` from a WhatsApp chat export, a Facebook or Instagram
message download, or a call and SMS log. Every value is kept as the export wrote it (a sender is the
display name, handle or number written there); cleaning a number or resolving a handle to a person
belongs to :mod:`threadline.normalise` and :mod:`threadline.resolve`.

A :class:`Communication` is a frozen, slotted dataclass rather than a pydantic schema: the readers
build every field themselves from a layout they have already checked line by line (there is no
user-supplied dict to validate), and a victim's download holds 100,000 of them, so the cost of a
pydantic validation per message (several microseconds) would be most of the reading time.
:meth:`Communication.__post_init__` still refuses what no reader may produce (a naive time, a
negative duration, NUL in text).

**Times.** :attr:`Communication.timestamp` is always in UTC. A WhatsApp export and most call logs
write the handset's wall-clock time with no offset; the readers read it in a configurable zone
(:data:`threadline.model.base.FORCE_TIMEZONE`, Europe/London, by default). On the night the
clocks go back, a wall time that occurs twice (01:00 to 01:59) is read as the first of the two
(BST, PEP 495 ``fold=0``); a wall time that never occurred (the hour skipped in March) is read as
PEP 495 does, with the offset from before the change.

**Identity.** :func:`content_hash` is the stable key of a message: the same file read twice gives
the same hashes, so storage can keep each message once (its docstring says what it covers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from hashlib import blake2b
from typing import NamedTuple

_ZERO = timedelta(0)


class CommsChannel(StrEnum):
    """The service a communication went over (not :class:`threadline.model.Channel`, which is how a
    report reached the force)."""

    whatsapp = "whatsapp"
    facebook = "facebook"
    instagram = "instagram"
    sms = "sms"
    call = "call"


class CommsKind(StrEnum):
    """What one entry of an export is.

    A call is ``missed_call`` when the export says it was not answered (WhatsApp "Missed voice call"
    or "No answer", Facebook ``call_duration`` 0, a log's "missed"/"rejected"), ``withheld_call``
    when the caller's number is withheld (this takes precedence over missed: the number was hidden
    whether or not the call was answered; :attr:`Communication.duration` still tells which), and
    ``silent_call`` only where the source itself says the call was silent. Deciding that a short
    connected call was silent is a recognition rule, not a reading.
    """

    message = "message"
    media = "media"  # a placeholder for a photo, video, voice note, sticker or file
    call = "call"
    missed_call = "missed_call"
    silent_call = "silent_call"
    withheld_call = "withheld_call"
    system = "system"  # written by the service: encryption notice, subject changed, member added


#: The kinds that are calls.
CALL_KINDS = frozenset(
    {CommsKind.call, CommsKind.missed_call, CommsKind.silent_call, CommsKind.withheld_call}
)


class Direction(StrEnum):
    """Seen from the owner of the handset or account the export came from."""

    incoming = "incoming"
    outgoing = "outgoing"


@dataclass(frozen=True, slots=True)
class Communication:
    """One message, call or system line, with where it was read."""

    #: the file's name as given (``WhatsApp Chat with Dan Mercer.txt``, ``message_1.json``)
    file: str
    #: the line the entry starts on (a WhatsApp header, a JSON object's ``{``, a CSV row)
    line: int
    #: the entry's position among the file's entries, from 1 (refused ones counted)
    entry: int
    channel: CommsChannel
    kind: CommsKind
    #: when it was sent or the call began, in UTC
    timestamp: datetime
    #: the sender as written: display name, handle or number; None where the export does not say
    sender: str | None
    #: the recipients as written, where known
    recipients: tuple[str, ...] = ()
    #: relative to the export's owner, where known (a log's direction, or the ``owner`` option)
    direction: Direction | None = None
    #: a call's length in seconds, where the export gives it
    duration: int | None = None
    #: the text as written (multi-line messages keep their line breaks); None when there is none
    text: str | None = None
    #: attachments as named by the export (a file name or a URI), where it names them
    attachments: tuple[str, ...] = ()
    #: the chat or thread (WhatsApp: from the file name; Facebook: the thread title)
    thread: str | None = None
    #: :func:`content_hash` of this entry
    content_hash: str = ""

    def __post_init__(self) -> None:
        # cheap first tests: this runs once per message of a 100,000-message download
        if self.timestamp.tzinfo is not UTC and self.timestamp.utcoffset() != _ZERO:
            raise ValueError(f"{self.file}:{self.line}: a communication's time must be in UTC")
        if self.duration is not None and self.duration < 0:
            raise ValueError(f"{self.file}:{self.line}: a call cannot last {self.duration} s")
        if (
            "\x00" in (self.text or "")
            or "\x00" in (self.sender or "")
            or "\x00" in (self.thread or "")
            or (self.recipients and any("\x00" in value for value in self.recipients))
            or (self.attachments and any("\x00" in value for value in self.attachments))
        ):
            raise ValueError(f"{self.file}:{self.line}: holds NUL (U+0000)")


#: Begins every hash's input: a change to what :func:`content_hash` covers is a new version.
HASH_VERSION = "comms-1"


def content_hash(content: Content, occurrence: int) -> str:
    """The stable identity of a communication: 32 hex digits of BLAKE2b over its content.

    Covered (the :class:`Content`): the channel, the UTC time to the microsecond, the sender as
    written, the kind, the duration, the text, the attachments; and ``occurrence``: how many
    entries of the same file had all the other fields equal before this one (0 for the first).
    The occurrence keeps ten "answer me" sent in the same minute (an Android export writes times
    to the minute) as ten messages.

    Not covered: the file name, line and entry number (the same chat exported again, renamed, or
    with older messages before it, gives the same hashes), the recipients, direction and thread
    (they depend on the reading options and the file name, not on the message). The time is the
    UTC time read, so the same export read in another time zone gives other hashes.

    The fields are joined by NUL, which no communication may hold, so no text can be split
    differently across fields to give another message's hash.
    """
    channel, timestamp, sender, kind, duration, text, attachments = content
    parts = (  # the enumerations are str: joined as their values
        HASH_VERSION,
        channel,
        timestamp.isoformat(),
        "" if sender is None else "s" + sender,
        kind,
        "" if duration is None else str(duration),
        "" if text is None else "t" + text,
        str(len(attachments)),
        *attachments,
        str(occurrence),
    )
    data = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return blake2b(data, digest_size=16).hexdigest()


class Content(NamedTuple):
    """What :func:`content_hash` covers of an entry, bar its occurrence: the values a reader
    works out from the entry itself, in the hash's order.

    A named tuple rather than a dataclass: it is the :class:`Occurrences` key as it stands, and
    a reader builds one per message of a 100,000-message download.
    """

    channel: CommsChannel
    timestamp: datetime
    sender: str | None
    kind: CommsKind
    duration: int | None = None
    text: str | None = None
    attachments: tuple[str, ...] = ()


class Occurrences:
    """Counts equal entries of one file, for :func:`content_hash`'s ``occurrence``."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[Content, int] = {}

    def hash(self, content: Content) -> str:
        """The next entry's hash: its content and how many equal entries came before it."""
        occurrence = self._seen.get(content, 0)
        self._seen[content] = occurrence + 1
        return content_hash(content, occurrence)

    def communication(
        self,
        file: str,
        line: int,
        entry: int,
        content: Content,
        recipients: tuple[str, ...] = (),
        direction: Direction | None = None,
        thread: str | None = None,
    ) -> Communication:
        """The next entry of the file as read (``entry`` its position among the file's entries),
        with its :meth:`hash`."""
        return Communication(
            file=file,
            line=line,
            entry=entry,
            channel=content.channel,
            kind=content.kind,
            timestamp=content.timestamp,
            sender=content.sender,
            recipients=recipients,
            direction=direction,
            duration=content.duration,
            text=content.text,
            attachments=content.attachments,
            thread=thread,
            content_hash=self.hash(content),
        )

"""Reading communications evidence (chat exports, message downloads, call logs) into records.

Each reader takes a file and :class:`ReadOptions` and yields, in file order, a
:class:`~threadline.model.comms.Communication` per entry read and a
:class:`~threadline.ingest.rejection.Rejection` (file, line, field, reason) per entry refused; a
bad entry never stops the ones after it. Readers are pure apart from reading the one file: no
store, no clock. Storing, de-duplicating by ``content_hash``, is
:mod:`threadline.ingest.comms.importer` (``import_comms``); attributing senders comes after.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from threadline.ingest.comms.call_log import COLUMN_NAMES, parse_call_log, read_call_log
from threadline.ingest.comms.meta import (
    channel_of,
    parse_meta_messages,
    read_meta_messages,
    repair_mojibake,
)
from threadline.ingest.comms.options import DEFAULT_OPTIONS, ReadOptions
from threadline.ingest.comms.whatsapp import parse_whatsapp, read_whatsapp, thread_of
from threadline.ingest.rejection import Rejection
from threadline.model.comms import Communication

__all__ = [
    "COLUMN_NAMES",
    "DEFAULT_OPTIONS",
    "ReadOptions",
    "channel_of",
    "parse_call_log",
    "parse_meta_messages",
    "parse_whatsapp",
    "read_call_log",
    "read_comms",
    "read_meta_messages",
    "read_whatsapp",
    "repair_mojibake",
    "thread_of",
]


def read_comms(
    path: Path, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[Communication | Rejection]:
    """Pick the reader by extension: ``.txt`` a WhatsApp export, ``.json`` a Facebook or Instagram
    message file (which, by :func:`channel_of`), ``.csv`` a call and SMS log."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return read_whatsapp(path, options)
    if suffix == ".json":
        return read_meta_messages(path, options)
    if suffix == ".csv":
        return read_call_log(path, options)
    raise ValueError(
        f"{path.name}: unknown communications file type {suffix!r} "
        "(.txt WhatsApp export, .json Facebook/Instagram messages, .csv call and SMS log)"
    )

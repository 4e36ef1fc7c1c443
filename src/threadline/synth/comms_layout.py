"""Writing communications exports in the layouts the services publish, for the synthetic force
and the reading benchmark (``bench/bench_comms_read.py``).

Each writer takes entries already decided (local wall-clock time, who, what) and returns the
file's text exactly as the service writes it:

- :func:`whatsapp_android`: an Android "Export chat" ``.txt`` (``12/31/23, 9:41 PM - Name: text``,
  12-hour, month first; media as ``<Media omitted>``; a missed call as ``Missed voice call``);
- :func:`whatsapp_ios`: an iOS ``_chat.txt`` (``[31/12/2023, 21:41:05] Name: text``, 24-hour, day
  first, U+200E before media and call lines);
- :func:`meta_thread`: a Facebook or Instagram ``message_1.json`` (newest first, every non-ASCII
  string in Meta's mojibake: UTF-8 bytes read as Latin-1, written with ``\\u`` escapes);
- :func:`call_log`: a handset call and SMS log CSV (``Date,Time,Type,Direction,Number,Duration,
  Body``, day first).

No clock, no randomness: the same entries give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Entry",
    "call_log",
    "meta_thread",
    "mojibake",
    "whatsapp_android",
    "whatsapp_ios",
]


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry to write: ``at`` is the handset's wall-clock time (a WhatsApp export and a call
    log write no offset; :func:`meta_thread` needs it aware). ``shape`` is ``message``,
    ``media``, ``missed_call``, ``call`` (``duration`` seconds) or ``sms``; ``direction``
    (``Incoming``/``Outgoing``/``Missed``) and ``number`` are for the call log."""

    at: datetime
    sender: str
    text: str = ""
    shape: str = "message"
    duration: int = 0
    direction: str = "Incoming"
    number: str = ""


def whatsapp_android(entries: Iterable[Entry]) -> str:
    lines = []
    for e in entries:
        hour = e.at.hour % 12 or 12
        stamp = f"{e.at.month}/{e.at.day}/{e.at:%y}, {hour}:{e.at:%M} {e.at:%p}"
        body = {
            "media": "<Media omitted>",
            "missed_call": "Missed voice call",
        }.get(e.shape, e.text)
        lines.append(f"{stamp} - {e.sender}: {body}")
    return "\n".join(lines) + "\n"


def whatsapp_ios(entries: Iterable[Entry]) -> str:
    lines = []
    for e in entries:
        if e.shape == "media":
            body = "\u200eimage omitted"
        elif e.shape == "missed_call":
            body = "\u200eMissed voice call"
        elif e.shape == "call":
            body = f"\u200eVoice call, \u200e{max(1, e.duration // 60)} min"
        else:
            body = e.text
        lines.append(f"[{e.at:%d/%m/%Y, %H:%M:%S}] {e.sender}: {body}")
    return "\n".join(lines) + "\n"


def mojibake(text: str) -> str:
    """A string as Meta's download writes it: its UTF-8 bytes read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


def meta_thread(entries: Iterable[Entry], participants: Iterable[str], title: str) -> str:
    """A Facebook or Instagram thread file; ``entries`` need aware times."""
    messages: list[dict[str, object]] = []
    for e in entries:
        if e.at.tzinfo is None:
            raise ValueError("a Meta export's times are epoch milliseconds: give aware times")
        entry: dict[str, object] = {
            "sender_name": mojibake(e.sender),
            "timestamp_ms": int(e.at.timestamp() * 1000),
        }
        if e.shape == "media":
            entry["photos"] = [{"uri": f"messages/inbox/thread/photos/{len(messages)}.jpg"}]
        elif e.shape in ("call", "missed_call"):
            entry.update(
                content=mojibake(f"{e.sender} called you."),
                call_duration=e.duration if e.shape == "call" else 0,
                type="Call",
            )
        else:
            entry["content"] = mojibake(e.text)
        entry["is_geoblocked_for_viewer"] = False
        messages.append(entry)
    messages.reverse()  # Meta writes the newest first
    thread = {
        "participants": [{"name": mojibake(p)} for p in participants],
        "messages": messages,
        "title": mojibake(title),
    }
    return json.dumps(thread, indent=2)  # ASCII, with \u escapes, as Meta writes it


def call_log(entries: Iterable[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Date", "Time", "Type", "Direction", "Number", "Duration", "Body"])
    for e in entries:
        day, clock = f"{e.at:%d/%m/%Y}", f"{e.at:%H:%M:%S}"
        if e.shape == "sms":
            writer.writerow([day, clock, "SMS", e.direction, e.number, "", e.text])
        else:
            hours, rest = divmod(e.duration, 3600)
            length = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
            writer.writerow([day, clock, "Call", e.direction, e.number, length, ""])
    return out.getvalue()

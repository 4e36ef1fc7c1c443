"""Facebook and Instagram "Download your information" message files (JSON).

The layout, one file per thread and part: ``messages/inbox/<thread>/message_1.json`` (Facebook;
``your_facebook_activity/messages/inbox/...`` in newer downloads, and
``your_instagram_activity/messages/inbox/...`` for Instagram), an object holding

- ``participants``: ``[{"name": ...}, ...]``, and ``title``, the thread's name;
- ``messages``: newest first, each with ``sender_name``, ``timestamp_ms`` (milliseconds since
  1970 UTC), and as the message has them ``content``, ``photos`` / ``videos`` / ``audio_files`` /
  ``gifs`` / ``files`` (``[{"uri": ...}]``), ``sticker`` (``{"uri": ...}``), ``share``
  (``{"link": ..., "share_text": ...}``; the share text is the text when there is no
  ``content``), ``call_duration`` (seconds, with ``type`` ``"Call"``; 0 or ``missed``: a missed
  call), ``type`` (``"Subscribe"``/``"Unsubscribe"``: someone joined or left; a system line).

Other fields (``reactions``, ``is_geoblocked_for_viewer``, ``is_unsent``, ``thread_path``, ...) are
read past: Meta adds fields from one year to the next, and refusing a victim's download for a field
that says nothing about who sent what, and when, would lose the messages it holds. A field that is
read and has the wrong type refuses its message.

**Mojibake.** Meta writes text as UTF-8 bytes each escaped as a Latin-1 character (``"\\u00e2\\u0080
\\u0099"`` for ``'``). Every string read is repaired (:func:`repair_mojibake`); one that is not
mojibake (it does not re-encode to valid UTF-8) is kept as written.

**Line numbers.** The file is walked value by value with the standard library's JSON scanner, so
each message is named by the line its ``{`` is on, and a file cut short (or broken) partway keeps
every message before the break, with one refusal naming the line where it breaks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from threadline.ingest.comms.options import DEFAULT_OPTIONS, ReadOptions
from threadline.ingest.readers import invalid_utf8
from threadline.ingest.rejection import Rejection
from threadline.model.comms import (
    CommsChannel,
    CommsKind,
    Communication,
    Content,
    Occurrences,
)

_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_WHITESPACE = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ATTACHMENT_LISTS = ("photos", "videos", "audio_files", "gifs", "files")
_ATTACHMENT_FIELDS = frozenset({*_ATTACHMENT_LISTS, "sticker", "share"})
_SYSTEM_TYPES = frozenset({"Subscribe", "Unsubscribe"})


class _Broken(Exception):
    """The JSON cannot be read on from ``position``."""

    def __init__(self, position: int, reason: str) -> None:
        self.position = position
        self.reason = reason


def repair_mojibake(text: str) -> str:
    """Text Meta wrote as Latin-1-escaped UTF-8, as written; other text unchanged."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def channel_of(path: Path) -> CommsChannel:
    """Instagram if the path says so (``your_instagram_activity/...``), else Facebook."""
    return (
        CommsChannel.instagram
        if any("instagram" in part.lower() for part in path.parts)
        else CommsChannel.facebook
    )


def read_meta_messages(
    path: Path,
    options: ReadOptions = DEFAULT_OPTIONS,
    channel: CommsChannel | None = None,
) -> Iterator[Communication | Rejection]:
    """Each message of a Facebook or Instagram message file, or the refusal of each bad one.

    ``channel`` is Facebook or Instagram; by default taken from the path (:func:`channel_of`).
    """
    return parse_meta_messages(path.name, path.read_bytes(), options, channel or channel_of(path))


def parse_meta_messages(
    name: str,
    data: bytes,
    options: ReadOptions = DEFAULT_OPTIONS,
    channel: CommsChannel = CommsChannel.facebook,
) -> Iterator[Communication | Rejection]:
    """The messages of a message file's bytes (``name`` is the file named in refusals)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        start = data.rfind(b"\n", 0, error.start) + 1
        end = data.find(b"\n", error.start)
        reason = invalid_utf8(data[start : end if end >= 0 else len(data)], line)
        yield Rejection(name, line, "", reason or "not valid UTF-8")
        return
    lines = _LineCounter(text)
    header: dict[str, Any] = {}
    messages: list[tuple[int, Any]] = []
    broken: _Broken | None = None
    try:
        _walk(text, header, messages)
    except _Broken as error:
        broken = error
    if "messages" not in header and broken is None:
        yield Rejection(
            name, 1, "messages", "is required (not a Facebook or Instagram message file?)"
        )
        return
    participants = _participants(header.get("participants"))
    title = header.get("title")
    readable = isinstance(title, str) and "\x00" not in title and _is_text(title)
    thread = repair_mojibake(title) if readable and isinstance(title, str) else None
    occurrences = Occurrences()
    for index, (position, message) in enumerate(messages):
        line = lines.at(position)
        try:
            yield _communication(
                name, line, index, message, channel, participants, thread, options, occurrences
            )
        except _Refused as refusal:
            yield Rejection(
                name, line, f"messages[{index}].{refusal.field}".rstrip("."), refusal.reason
            )
    if broken is not None:
        line = lines.at(broken.position)
        yield Rejection(name, line, "", f"not valid JSON from here on ({broken.reason})")


class _LineCounter:
    """Line numbers of positions in ``text``, asked in increasing order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1

    def at(self, position: int) -> int:
        if position < self.position:
            self.position, self.line = 0, 1
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


def _skip(text: str, position: int) -> int:
    return int(_WHITESPACE(text, position).end())


def _value(text: str, position: int) -> tuple[Any, int]:
    try:
        return _scan(text, position)
    except StopIteration:
        raise _Broken(position, "expected a value") from None
    except json.JSONDecodeError as error:
        raise _Broken(error.pos, error.msg) from None
    except RecursionError:
        raise _Broken(position, "nested too deep") from None


def _expect(text: str, position: int, wanted: str) -> int:
    position = _skip(text, position)
    if text[position : position + 1] != wanted:
        found = text[position : position + 1] or "the end of the file"
        raise _Broken(position, f"expected {wanted!r}, found {found!r}")
    return position + 1


def _walk(text: str, header: dict[str, Any], messages: list[tuple[int, Any]]) -> None:
    """Read the top-level object into ``header``, and each message with where it starts."""
    position = _expect(text, 0, "{")
    position = _skip(text, position)
    if text[position : position + 1] == "}":
        return
    while True:
        position = _skip(text, position)
        key, position = _value(text, position)
        if not isinstance(key, str):
            raise _Broken(position, "expected a field name")
        position = _skip(text, _expect(text, position, ":"))
        if key == "messages" and text[position : position + 1] == "[":
            header["messages"] = True
            position = _array(text, position + 1, messages)
        else:
            header[key], position = _value(text, position)
        position = _skip(text, position)
        following = text[position : position + 1]
        if following == "}":
            break
        if following != ",":
            raise _Broken(position, f"expected ',' or '}}', found {following or 'the end'!r}")
        position += 1
    position = _skip(text, position + 1)
    if position != len(text):
        raise _Broken(position, "more after the end of the object")


def _array(text: str, position: int, items: list[tuple[int, Any]]) -> int:
    position = _skip(text, position)
    if text[position : position + 1] == "]":
        return position + 1
    while True:
        position = _skip(text, position)
        item, end = _value(text, position)
        items.append((position, item))
        position = _skip(text, end)
        following = text[position : position + 1]
        if following == "]":
            return position + 1
        if following != ",":
            raise _Broken(position, f"expected ',' or ']', found {following or 'the end'!r}")
        position += 1


def _participants(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = (p.get("name") for p in value if isinstance(p, dict))
    return tuple(
        repair_mojibake(n) for n in names if isinstance(n, str) and "\x00" not in n and _is_text(n)
    )


@lru_cache(maxsize=256)
def _others(participants: tuple[str, ...], sender: str) -> tuple[str, ...]:
    return tuple(p for p in participants if p != sender)


class _Refused(Exception):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason


def _text(message: dict[str, Any], field: str, *, required: bool = False) -> str | None:
    value = message.get(field)
    if value is None:
        if required:
            raise _Refused(field, "is required")
        return None
    if not isinstance(value, str):
        raise _Refused(field, f"must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise _Refused(field, "contains a NUL character")
    if value.isascii():
        return value
    if not _is_text(value):
        raise _Refused(field, "holds a lone surrogate (an escape such as \\ud800), not text")
    return repair_mojibake(value)


def _is_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (JSON's ``\\ud800`` escapes cannot)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _whole_number(message: dict[str, Any], field: str) -> int | None:
    value = message.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(field, f"must be a whole number, not {value!r:.40}")
    if value < 0:
        raise _Refused(field, f"cannot be negative ({value})")
    return value


def _attachments(message: dict[str, Any]) -> tuple[str, ...]:
    if message.keys().isdisjoint(_ATTACHMENT_FIELDS):
        return ()
    found: list[str] = []
    for field in _ATTACHMENT_LISTS:
        items = message.get(field)
        if items is None:
            continue
        if not isinstance(items, list):
            raise _Refused(field, "must be a list")
        for i, item in enumerate(items):
            uri = item.get("uri") if isinstance(item, dict) else None
            if not isinstance(uri, str) or "\x00" in uri or not _is_text(uri):
                raise _Refused(f"{field}[{i}].uri", "must be text")
            found.append(repair_mojibake(uri))
    for field, key in (("sticker", "uri"), ("share", "link")):
        item = message.get(field)
        if item is None:
            continue
        value = item.get(key) if isinstance(item, dict) else None
        if value is None and isinstance(item, dict):
            continue  # a share with no link (shared text)
        if not isinstance(value, str) or "\x00" in value or not _is_text(value):
            raise _Refused(f"{field}.{key}", "must be text")
        found.append(repair_mojibake(value))
    return tuple(found)


def _communication(
    name: str,
    line: int,
    index: int,
    message: Any,
    channel: CommsChannel,
    participants: tuple[str, ...],
    thread: str | None,
    options: ReadOptions,
    occurrences: Occurrences,
) -> Communication:
    if not isinstance(message, dict):
        raise _Refused("", "a message must be a JSON object")
    sender = _text(message, "sender_name", required=True)
    milliseconds = _whole_number(message, "timestamp_ms")
    if milliseconds is None:
        raise _Refused("timestamp_ms", "is required")
    try:
        timestamp = _EPOCH + timedelta(milliseconds=milliseconds)
    except OverflowError:
        raise _Refused("timestamp_ms", f"is not a real time ({milliseconds})") from None
    text = _text(message, "content")
    share = message.get("share")
    if text is None and isinstance(share, dict):
        text = _text(share, "share_text")  # what was written with a shared post
    attachments = _attachments(message)
    duration = _whole_number(message, "call_duration")
    kind_of_entry = message.get("type")
    if duration is not None or kind_of_entry == "Call":
        missed = message.get("missed") is True or not duration
        kind = CommsKind.missed_call if missed else CommsKind.call
    elif kind_of_entry in _SYSTEM_TYPES:
        kind = CommsKind.system
    elif attachments:
        kind = CommsKind.media
    else:
        kind = CommsKind.message
    recipients = participants if sender not in participants else _others(participants, sender)
    content = Content(channel, timestamp, sender, kind, duration, text, attachments)
    direction = options.direction(sender)
    return occurrences.communication(name, line, index + 1, content, recipients, direction, thread)

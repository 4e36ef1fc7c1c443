"""A text export's bytes as numbered lines, each with what is wrong with it."""

from __future__ import annotations

from collections.abc import Iterator

from threadline.ingest.readers import invalid_utf8

#: A line as read: its number from 1, its text (bytes that are not UTF-8 kept as surrogates, so
#: a header can still be recognised), and what is wrong with it ("" if nothing).
Line = tuple[int, str, str]


def numbered_lines(data: bytes) -> Iterator[Line]:
    """Each line of ``data``, ending at ``\\n`` (a ``\\r`` before it dropped).

    The empty line after a final ``\\n`` is not a line. A lone ``\\r``, U+2028 and the other
    characters :meth:`str.splitlines` would also break at stay inside the line: they can be part
    of a message, and a line number must be the one an editor shows. A byte-order mark at the
    start is dropped.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.endswith(b"\n"):
        data = data[:-1]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        yield from _checked_lines(data)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if line.endswith("\r"):
            line = line[:-1]
        yield number, line, "contains a NUL character" if "\x00" in line else ""


def _checked_lines(data: bytes) -> Iterator[Line]:
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, raw.decode("utf-8", "surrogateescape"), invalid_utf8(raw, number)
            continue
        yield number, line, "contains a NUL character" if "\x00" in line else ""

"""The one CSV writer for every export, safe to open in a spreadsheet.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any
leading spaces) gets a single quote in front, so a spreadsheet shows it as text instead of running
it as a formula (OWASP, CSV injection). Free text from a record, such as a name, a reason or an
officer's note, is exactly where such a cell comes from. Numbers (``int``, ``float``,
``Decimal``, but not ``bool``) are written as they are: ``-3`` is a count that fell, not a formula,
and a number cannot carry one.

Every CSV export goes through :func:`safe_csv_writer` (the MARAC referral list, the statistics
table, ``threadline export mentions``); ``tests/export/test_csv_file.py`` fails if a module calls
:mod:`csv`'s writers directly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """The text of a cell, with a leading ``'`` if a spreadsheet could read it as a formula.

    ``None`` is empty, a tuple or list is joined with ``"; "``, a date is ISO 8601.
    """
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _cell(value: object) -> object:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return neutralise_cell(value)


class SafeCsvWriter:
    """A :func:`csv.writer` whose every cell passes through :func:`neutralise_cell`."""

    def __init__(self, fileobj: IO[str], **fmt: Any) -> None:
        self._writer = csv.writer(fileobj, **fmt)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

    def writedicts(self, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> int:
        """A header of ``columns``, then each mapping's values in that order; the row count."""
        self.writerow(columns)
        count = 0
        for row in rows:
            self.writerow(row.get(name) for name in columns)
            count += 1
        return count


def safe_csv_writer(fileobj: IO[str], **fmt: Any) -> SafeCsvWriter:
    """The CSV writer every export uses; ``fmt`` as for :func:`csv.writer` (``quoting``...).

    Open ``fileobj`` with ``newline=""``."""
    return SafeCsvWriter(fileobj, **fmt)

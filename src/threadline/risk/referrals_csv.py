"""A MARAC referral list as CSV, safe to open in a spreadsheet.

Every cell is quoted, and a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (after any leading spaces) gets a single quote in front, so a spreadsheet shows
it as text instead of running it as a formula (OWASP, CSV injection). Free text from a record,
such as an officer's reason, is exactly where such a cell would come from. The writing is
:func:`threadline.export.safe_csv_writer`'s, shared by every CSV export.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import IO

from threadline.export.csv_file import neutralise_cell, safe_csv_writer
from threadline.risk.grading import Grade, Grading
from threadline.risk.marac import CriterionResult


@dataclass(frozen=True, slots=True)
class ReferralRow:
    """One victim on a MARAC referral list and why they are on it."""

    victim: str
    incident_ref: str
    officer: str
    assessed_on: date | None
    grade: Grade | None
    yes_count: int | None
    criteria_met: tuple[str, ...]
    reasons: tuple[str, ...]


#: The CSV header, in column order.
REFERRAL_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ReferralRow))


def referral_row(
    victim: str,
    incident_ref: str,
    officer: str | None,
    results: Sequence[CriterionResult],
    grading: Grading | None = None,
    assessed_on: date | None = None,
) -> ReferralRow:
    """A referral-list row from criteria evaluated by :func:`threadline.risk.marac_criteria`."""
    met = [r for r in results if r.met]
    return ReferralRow(
        victim=victim,
        incident_ref=incident_ref,
        officer=officer or "",
        assessed_on=assessed_on,
        grade=grading.grade if grading else None,
        yes_count=grading.score.yes_count if grading else None,
        criteria_met=tuple(r.id for r in met),
        reasons=tuple(r.reason for r in met),
    )


def write_referrals_csv(rows: Iterable[ReferralRow], fileobj: IO[str]) -> int:
    """Write a header and one line per row to ``fileobj`` (open it with ``newline=""``).

    Returns the number of rows written.
    """
    writer = safe_csv_writer(fileobj, quoting=csv.QUOTE_ALL)
    writer.writerow(REFERRAL_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(neutralise_cell(getattr(row, name)) for name in REFERRAL_COLUMNS)
        count += 1
    return count

"""The audit rows people wrote: the log without the rows a source system's records wrote.

A force's breach reports may carry their officers' arrest outcomes, recorded (and audited as the
source's, ``source:cad``) when the store is built (:mod:`threadline.crossref.outcomes`); tests of
what a user's request audits read the rows after those.
"""

from __future__ import annotations

from typing import Any

from threadline.guard import read_log


def staff_log(engine: Any, **given: Any) -> list[Any]:
    """:func:`read_log` (newest first) without the rows written by a source system."""
    rows = read_log(engine, limit=1_000_000, **given)
    return [r for r in rows if not r.user.startswith("source:")]

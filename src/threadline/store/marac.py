"""MARAC referral steps in the store: each appended, read back in the order taken.

The rules (which step may follow which, who may take it) are
:mod:`threadline.risk.referral_steps`; this module only writes and reads ``marac_steps``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from threadline.risk.referral_steps import ReferralRecord
from threadline.store import tables as t

#: A referral's reference: ``MARAC-`` and a number counted in the store.
REF_PREFIX = "MARAC-"


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in detail.items()}


def next_ref(conn: Connection) -> str:
    """The reference of the next referral (``MARAC-000001``...), in the caller's write turn."""
    made = conn.execute(
        select(func.count()).select_from(t.marac_steps).where(t.marac_steps.c.step == "refer")
    ).scalar_one()
    return f"{REF_PREFIX}{made + 1:06d}"


def append_referral_step(
    conn: Connection, referral_ref: str, victim: str, record: ReferralRecord
) -> None:
    """Append ``record`` to the steps of ``referral_ref`` (in the caller's transaction)."""
    conn.execute(
        insert(t.marac_steps),
        {
            "referral_ref": referral_ref,
            "victim": victim,
            "at": record.at,
            "step": record.step,
            "user": record.by,
            "role": record.role,
            "detail": _jsonable(dict(record.detail)),
        },
    )


def referral_steps(
    conn: Connection,
    refs: Iterable[str] | None = None,
    *,
    victim: str | None = None,
) -> dict[str, list[ReferralRecord]]:
    """The steps of each referral (of ``refs``, of one ``victim``, or all), in the order taken."""
    s = t.marac_steps
    query = select(s).order_by(s.c.referral_ref, s.c.id)
    if victim is not None:
        query = query.where(s.c.victim == victim)
    wanted = None if refs is None else sorted(set(refs))
    found: dict[str, list[ReferralRecord]] = {}
    chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        statement = query if chunk is None else query.where(s.c.referral_ref.in_(chunk))
        for row in conn.execute(statement):
            found.setdefault(row.referral_ref, []).append(
                ReferralRecord(row.step, row.user, row.role, row.at, dict(row.detail or {}))
            )
    return found

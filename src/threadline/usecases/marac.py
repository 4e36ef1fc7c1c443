"""MARAC referrals, made and followed to the end, for the API (``/api/marac-referrals``), the pages
(``/people/{entity_id}/marac``) and the CLI (``threadline marac-referral``) alike.

The signed-in user takes the step; it is checked by :mod:`threadline.risk.referral_steps` and
stored with its audit row (``marac.<step>``) by :mod:`threadline.crossref.marac_referrals`.
Refusals: 404 for an unknown referral or person, 403 when the role may not take the step, 409
when the referral's state does not allow it now (not heard yet, closed, actions still open), 422
naming the field at fault. Reads are audited (``marac.referrals``) with their purpose: a referral
names a victim at high risk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.marac_referrals import (
    ReferralNotFound,
    VictimNotFound,
    referrals_of,
    show_referral,
    take_referral_step,
)
from threadline.risk.referral_steps import ReferralStep
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, refused_steps


def take_marac_step(
    engine: Engine,
    auditor: Auditor,
    ref: str | None,
    step: ReferralStep,
    now: datetime,
    purpose: str,
    **given: Any,
) -> dict[str, Any]:
    """The auditor's user takes ``step`` on referral ``ref`` (``None`` with ``refer`` makes one);
    the referral as it then stands."""

    def audit(conn: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        auditor.within(conn, action, records, purpose, detail)

    user = auditor.user
    missing = {ReferralNotFound: "ref", VictimNotFound: "victim"}
    with refused_steps(user.role.value, missing, forbidden="a {role} may not {reason}"):
        return take_referral_step(
            engine, ref, step, user.username, user.role.value, now, audit, **given
        )


def referral(
    engine: Engine, auditor: Auditor, ref: str, now: datetime, purpose: str
) -> dict[str, Any]:
    """One referral as it stands; audited (``marac.referrals``), found or not."""
    try:
        found = show_referral(engine, ref, now)
    except ReferralNotFound as missing:
        auditor("marac.referrals", [f"marac:{ref}"], purpose, detail={"found": False})
        raise NotFound(str(missing), field="ref") from None
    people = [f"person:{found['victim']}"] if found["victim"] else []
    auditor("marac.referrals", [f"marac:{ref}", *people], purpose, detail={"found": True})
    return found


def person_referrals(
    engine: Engine, auditor: Auditor, entity_id: str, now: datetime, purpose: str
) -> list[dict[str, Any]]:
    """Every MARAC referral of one person, newest first; audited (``marac.referrals``)."""
    found = referrals_of(engine, entity_id, now)
    auditor(
        "marac.referrals",
        [f"person:{entity_id}", *(f"marac:{r['ref']}" for r in found)],
        purpose,
        detail={"referrals": len(found)},
    )
    return found

"""MARAC referrals in the store: make one, record its hearing and its actions, close it.

Every step is checked by :mod:`threadline.risk.referral_steps` (the state machine and who may
take each step), appended to ``marac_steps`` and audited in one transaction: neither is stored
without the other. A referral made here is also what the referral list's repeat-referral
criterion reads (:func:`previous_referrals`): a victim referred in the last 12 months with a
further incident since is a repeat referral (SafeLives; ``/work/shared/domain.md``, "Risk").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from threadline.risk.marac import Dated, local_day
from threadline.risk.referral_steps import ReferralState, ReferralStep, replay, take
from threadline.store import tables as t
from threadline.store import writing
from threadline.store.marac import append_referral_step, next_ref, referral_steps

#: Writes the audit row of a step in the step's transaction: (conn, action, records, detail).
AuditHook = Callable[[Connection, str, list[str], dict[str, Any]], object]


class ReferralNotFound(LookupError):
    """No referral with that reference."""


class VictimNotFound(LookupError):
    """No person with that entity id."""


def audit_action(step: ReferralStep) -> str:
    """The policy (and audit) action of ``step``: ``marac.refer``, ``marac.hear``..."""
    return f"marac.{step}"


def audit_records(state: ReferralState) -> list[str]:
    """What an audit row of a step names: the referral and the person referred."""
    return [f"marac:{state.ref}", *([f"person:{state.victim}"] if state.victim else [])]


def _state(conn: Connection, ref: str) -> ReferralState:
    records = referral_steps(conn, [ref]).get(ref, [])
    if not records:
        raise ReferralNotFound(f"no MARAC referral {ref!r}")
    return replay(ref, records)


def take_referral_step(
    engine: Engine,
    ref: str | None,
    step: ReferralStep,
    by: str,
    role: str,
    now: datetime,
    audit_hook: AuditHook,
    **given: Any,
) -> dict[str, Any]:
    """``by`` (``role``) takes ``step`` on referral ``ref`` at ``now`` (``ref`` ``None`` makes a
    new referral): checked, stored with its audit row; the referral as it then stands.

    :class:`ReferralNotFound` for an unknown reference, :class:`VictimNotFound` for a referral of
    a person the store does not know, :class:`~threadline.risk.referral_steps.ReferralRefused`
    for a step that cannot be taken."""
    with writing(engine) as conn:
        if step == "refer":
            victim = given.get("victim")
            if isinstance(victim, str) and victim.strip():
                known = conn.execute(
                    select(t.entities.c.id).where(t.entities.c.id == victim.strip())
                ).first()
                if known is None:
                    raise VictimNotFound(f"no person {victim!r}")
            state = ReferralState(next_ref(conn))
        else:
            state = _state(conn, ref or "")
        record, after = take(state, step, by, role, now, **given)
        append_referral_step(conn, after.ref, after.victim or "", record)
        audit_hook(
            conn,
            audit_action(step),
            audit_records(after),
            {"referral": after.ref, **record.to_dict()},
        )
    return after.summary(local_day(now))


def show_referral(engine: Engine, ref: str, now: datetime) -> dict[str, Any]:
    """A referral as it stands; :class:`ReferralNotFound` if there is none."""
    with engine.connect() as conn:
        state = _state(conn, ref)
    return state.summary(local_day(now))


def referrals_of(engine: Engine, victim: str, now: datetime) -> list[dict[str, Any]]:
    """Every MARAC referral of one person, newest first."""
    with engine.connect() as conn:
        steps = referral_steps(conn, victim=victim)
    states = [replay(ref, records) for ref, records in steps.items()]
    states.sort(key=lambda s: (s.made_at or now, s.ref), reverse=True)
    return [s.summary(local_day(now)) for s in states]


def previous_referrals(engine: Engine, now: datetime) -> dict[str, list[Dated]]:
    """victim → the referrals made by ``now`` (each ``(ref, when made)``), for the referral
    list's repeat-referral criterion."""
    s = t.marac_steps
    found: dict[str, list[Dated]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.c.referral_ref, s.c.victim, s.c.at)
            .where(s.c.step == "refer", s.c.at <= now)
            .order_by(s.c.at, s.c.id)
        )
        for row in rows:
            found.setdefault(row.victim, []).append((row.referral_ref, row.at))
    return found


__all__ = [
    "ReferralNotFound",
    "VictimNotFound",
    "audit_action",
    "previous_referrals",
    "referrals_of",
    "show_referral",
    "take_referral_step",
]

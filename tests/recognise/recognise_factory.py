"""One-line builders of recognition inputs: incidents, crimes, orders and histories.

Entity ids are short strings ("V", "S"); the people behind them are fictional.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from threadline.recognise import (
    AlertChange,
    Association,
    Event,
    History,
    Order,
    Party,
    Recogniser,
)
from threadline.recognise.history import CitedMessage, ContactEvidence

Names = str | Sequence[str] | None


def at(when: str) -> datetime:
    """``2026-01-03`` (noon UTC) or ``2026-01-03T21:15`` (UTC)."""
    if "T" not in when:
        when = f"{when}T12:00"
    return datetime.fromisoformat(when).replace(tzinfo=UTC)


def _names(value: Names) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def inc(
    ref: str,
    when: str,
    *,
    victim: Names = None,
    suspect: Names = None,
    caller: Names = None,
    witness: Names = None,
    third_party: Names = None,
    category: str = "harassment",
    closing: str | None = None,
    narrative: str = "",
    location: str | None = None,
    qualifiers: Iterable[str] = (),
    crimes: Iterable[str] = (),
    relationship: str | None = None,
    related: dict[str, str] | None = None,
    viewed: bool | None = None,
) -> Event:
    """An incident. ``relationship`` is the suspects' relationship to the victim; ``related`` gives
    the relationship of any other named entity."""
    related = dict(related or {})
    parties: list[Party] = []
    for role, names in (
        ("victim", victim),
        ("suspect", suspect),
        ("caller", caller),
        ("witness", witness),
        ("third_party", third_party),
    ):
        for name in _names(names):
            rel = relationship if role == "suspect" else related.get(name)
            parties.append(Party(name, role, rel))
    return Event(
        ref=ref,
        kind="incident",
        reported_at=at(when),
        category=category,
        closing_category=closing,
        qualifiers=frozenset(qualifiers),
        channel="101",
        narrative=narrative,
        location_key=location,
        parties=tuple(parties),
        crime_refs=tuple(crimes),
        history_viewed=viewed,
    )


def crime(
    ref: str,
    when: str,
    offence: str,
    *,
    code: str | None = None,
    incidents: Iterable[str] = (),
    victim: Names = None,
    suspect: Names = None,
) -> Event:
    parties = [Party(v, "victim") for v in _names(victim)]
    parties += [Party(s, "suspect") for s in _names(suspect)]
    return Event(
        ref=ref,
        kind="crime",
        reported_at=at(when),
        offence=offence,
        offence_code=code,
        incident_refs=tuple(incidents),
        parties=tuple(parties),
    )


def order(
    ref: str,
    respondent: str,
    protected: Names,
    starts: str,
    ends: str | None = None,
    *,
    order_type: str = "non_molestation",
    interim: bool = False,
    conditions: str = "Not to contact the applicant directly or indirectly.",
    court: str | None = "Exeter Family Court",
    served: str | None = None,
    on_notice: bool | None = None,
) -> Order:
    return Order(
        ref=ref,
        order_type=order_type,
        respondent=respondent,
        protected=_names(protected),
        starts=date.fromisoformat(starts),
        ends=date.fromisoformat(ends) if ends else None,
        interim=interim,
        conditions=conditions,
        court=court,
        served=date.fromisoformat(served) if served else None,
        on_notice=on_notice,
    )


def hist(
    *events: Event,
    orders: Iterable[Order] = (),
    associations: Iterable[Association] = (),
    dash: Iterable[str] = (),
    labels: dict[str, str] | None = None,
    contacts: Iterable[ContactEvidence] = (),
) -> History:
    return History(
        events=events,
        orders=tuple(orders),
        associations=tuple(associations),
        dash_assessed=frozenset(dash),
        labels=labels or {},
        contacts=tuple(contacts),
    )


def feed(
    events: Sequence[Event],
    *,
    orders: Iterable[Order] = (),
    associations: Iterable[Association] = (),
    dash: Iterable[str] = (),
    labels: dict[str, str] | None = None,
    contacts: Iterable[ContactEvidence] = (),
) -> tuple[Recogniser, list[list[AlertChange]]]:
    """Feed events one by one, each with the earlier ones as its history (and ``contacts``,
    communications evidence as imported, in every history)."""
    orders, associations, dash = tuple(orders), tuple(associations), tuple(dash)
    contacts = tuple(contacts)
    recogniser = Recogniser()
    steps = []
    for i, event in enumerate(events):
        history = hist(
            *events[:i],
            orders=orders,
            associations=associations,
            dash=dash,
            labels=labels,
            contacts=contacts,
        )
        steps.append(recogniser.observe(event, history))
    return recogniser, steps


def fired(changes: Iterable[AlertChange], rule_id: str) -> list[AlertChange]:
    """The changes of one rule."""
    return [c for c in changes if c.alert.rule_id == rule_id]


def last(events: Sequence[Event], rule_id: str, **context: object) -> list[AlertChange]:
    """The changes of ``rule_id`` when the last event arrives after all the others."""
    _, steps = feed(events, **context)  # type: ignore[arg-type]
    return fired(steps[-1], rule_id)


def ever(steps: Iterable[Iterable[AlertChange]], rule_id: str) -> list[AlertChange]:
    """Every change of ``rule_id`` over a whole feed."""
    return [c for step in steps for c in fired(step, rule_id)]


def contact(
    sender: str,
    victim: str,
    count: int,
    first: str,
    last: str,
    *,
    channels: dict[str, int] | None = None,
    after_stop: int = 0,
    told: str | None = None,
    told_in: str | None = None,
    while_bound: dict[str, int] | None = None,
    night: int = 0,
    bursts: Iterable[tuple[str, str, int]] = (),
    per_week: dict[str, int] | None = None,
) -> ContactEvidence:
    """Communications evidence from ``sender`` to ``victim`` as imported: each count cites its
    first messages, a WhatsApp message a minute from ``first`` (or from ``told``)."""

    def cited(since: str, n: int, channel: str = "whatsapp") -> tuple[CitedMessage, ...]:
        start = at(since)
        return tuple(
            CitedMessage(start + timedelta(minutes=i + 1), channel, "chat.txt", i + 1)
            for i in range(min(n, 5))
        )

    return ContactEvidence(
        sender=sender,
        victim=victim,
        contacts=count,
        first=at(first),
        last=at(last),
        channels=channels or {"whatsapp": count},
        per_week=per_week or {},
        night=night,
        bursts=tuple((at(s), at(e), n) for s, e, n in bursts),
        told_to_stop_at=at(told) if told else None,
        told_by_report=told_in,
        told_by_message=None if told is None or told_in else CitedMessage(at(told), "whatsapp"),
        after_stop=after_stop,
        after_stop_cited=cited(told, after_stop) if told else (),
        while_bound=while_bound or {},
        while_bound_cited={ref: cited(first, n) for ref, n in (while_bound or {}).items()},
    )

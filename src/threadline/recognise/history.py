"""The input of recognition: plain values for events, orders and associations of resolved entities.

Every person here is an *entity id*: entity resolution has already decided which mentions are the
same person. A :class:`History` is what storage hands the recogniser for one new event: the earlier
events of the same entities, the orders that bind or protect them, what is known about who is whose
family, and which incidents already have a DASH risk assessment. Values check themselves on
construction, so a misspelt role or a naive time stamp is an error here, not a silent miss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal

from threadline.model import (
    FORCE_TIMEZONE,
    Category,
    Channel,
    OrderType,
    Qualifier,
    Relationship,
    Role,
)

EventKind = Literal["incident", "crime"]
#: How an order came to bind its respondent: made on notice, served, made without notice and not
#: served (not binding yet), or the record does not say.
Binding = Literal["on_notice", "served", "not_served", "unknown"]

_ROLES = frozenset(r.value for r in Role)
_RELATIONSHIPS = frozenset(r.value for r in Relationship)
_CATEGORIES = frozenset(c.value for c in Category)
_QUALIFIERS = frozenset(q.value for q in Qualifier)
_CHANNELS = frozenset(c.value for c in Channel)
_ORDER_TYPES = frozenset(o.value for o in OrderType)

#: Plain-English names of order types, as an officer would say them.
ORDER_LABELS: Mapping[str, str] = {
    "non_molestation": "non-molestation order",
    "restraining": "restraining order",
    "stalking_protection": "stalking protection order",
    "domestic_violence_protection": "domestic violence protection order",
    "domestic_violence_protection_notice": "domestic violence protection notice",
    "bail_conditions": "bail conditions",
    "domestic_abuse_protection": "domestic abuse protection order",
    "domestic_abuse_protection_notice": "domestic abuse protection notice",
}


def _check(value: str | None, allowed: frozenset[str], what: str) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(sorted(allowed))}")


def _need_text(value: str, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")


@dataclass(frozen=True)
class Party:
    """One resolved person in one event, with their part in it."""

    entity_id: str
    role: str
    relationship_to_victim: str | None = None

    def __post_init__(self) -> None:
        relationship = self.relationship_to_victim
        if (  # the usual case first: a history holds hundreds of parties
            self.role in _ROLES
            and (relationship is None or relationship in _RELATIONSHIPS)
            and isinstance(self.entity_id, str)
            and self.entity_id.strip()
        ):
            return
        _need_text(self.entity_id, "entity_id")
        _check(str(self.role), _ROLES, "role")
        _check(relationship, _RELATIONSHIPS, "relationship_to_victim")


@dataclass(frozen=True)
class Event:
    """An incident (a call for service) or a crime (recorded under the Counting Rules).

    ``reported_at`` must carry a time zone. ``history_viewed`` is ``None`` while unknown (a call
    still being handled) and ``False`` only once the system knows the linked history was never
    opened.
    Crimes name their ``offence``/``offence_code`` and the ``incident_refs`` they came from;
    incidents name their ``crime_refs``. Either side of that link is enough.
    """

    ref: str
    kind: EventKind
    reported_at: datetime
    category: str = "other"
    closing_category: str | None = None
    qualifiers: frozenset[str] = frozenset()
    channel: str | None = None
    narrative: str = ""
    location_key: str | None = None
    parties: tuple[Party, ...] = ()
    crime_refs: tuple[str, ...] = ()
    incident_refs: tuple[str, ...] = ()
    offence: str | None = None
    offence_code: str | None = None
    history_viewed: bool | None = None

    def __post_init__(self) -> None:
        _need_text(self.ref, "ref")
        _check(self.kind, frozenset({"incident", "crime"}), "event kind")
        if not isinstance(self.reported_at, datetime) or self.reported_at.tzinfo is None:
            raise ValueError(f"{self.ref}: reported_at must be a datetime with a time zone")
        _check(str(self.category), _CATEGORIES, "category")
        _check(self.closing_category, _CATEGORIES, "closing category")
        _check(self.channel, _CHANNELS, "channel")
        # Accept any iterable for the collection fields, store immutable ones.
        object.__setattr__(self, "qualifiers", frozenset(str(q) for q in self.qualifiers))
        for qualifier in self.qualifiers:
            _check(qualifier, _QUALIFIERS, "qualifier")
        object.__setattr__(self, "parties", tuple(self.parties))
        object.__setattr__(self, "crime_refs", tuple(self.crime_refs))
        object.__setattr__(self, "incident_refs", tuple(self.incident_refs))

    @property
    def is_incident(self) -> bool:
        return self.kind == "incident"

    @property
    def day(self) -> date:
        """The calendar day of the report, in the force's own time zone."""
        return self.reported_at.astimezone(FORCE_TIMEZONE).date()

    @property
    def categories(self) -> frozenset[str]:
        """Opening and closing categories together (either may show what happened)."""
        found = {str(self.category)}
        if self.closing_category:
            found.add(str(self.closing_category))
        return frozenset(found)

    @property
    def is_domestic(self) -> bool:
        return "domestic" in self.categories or "domestic" in self.qualifiers

    def entities(self, *roles: str) -> tuple[str, ...]:
        """Entity ids with any of ``roles`` (everyone when none is given), in order, once each."""
        seen: dict[str, None] = {}
        for party in self.parties:
            if not roles or party.role in roles:
                seen.setdefault(party.entity_id, None)
        return tuple(seen)

    @property
    def suspects(self) -> tuple[str, ...]:
        return self.entities("suspect")

    @property
    def victims(self) -> tuple[str, ...]:
        """The victims; when none is recorded, the callers (most callers report for themselves)."""
        return self.entities("victim") or tuple(
            e for e in self.entities("caller") if e not in self.suspects
        )

    def relationship(self, entity_id: str) -> str | None:
        """What ``entity_id`` is to the victim of this event, if recorded."""
        for party in self.parties:
            if party.entity_id == entity_id and party.relationship_to_victim:
                return party.relationship_to_victim
        return None


@dataclass(frozen=True)
class Order:
    """A court order, notice or bail conditions: who it binds, who it protects, and when."""

    ref: str
    order_type: str
    respondent: str
    protected: tuple[str, ...]
    starts: date
    ends: date | None = None
    interim: bool = False
    conditions: str = ""
    court: str | None = None
    #: the day the respondent was served (became aware of it), if known
    served: date | None = None
    #: made on notice (the respondent knew of the hearing): binds from the day it is made
    on_notice: bool | None = None

    def __post_init__(self) -> None:
        _need_text(self.ref, "ref")
        _check(str(self.order_type), _ORDER_TYPES, "order type")
        _need_text(self.respondent, "respondent")
        object.__setattr__(self, "protected", tuple(self.protected))
        if not self.protected:
            raise ValueError(f"{self.ref}: an order protects at least one person")
        if self.ends is not None and self.ends < self.starts:
            raise ValueError(f"{self.ref}: ends before it starts")
        if self.served is not None and self.served < self.starts:
            raise ValueError(f"{self.ref}: served before it was granted")

    @property
    def binding(self) -> Binding:
        """How the order came to bind the respondent (see :func:`binds_from`)."""
        if self.on_notice:
            return "on_notice"
        if self.served is not None:
            return "served"
        if self.on_notice is False:
            return "not_served"
        return "unknown"

    def binds_from(self) -> date | None:
        """The first day conduct can breach the order, or ``None`` while it does not bind.

        Family Law Act 1996 s42A(2): an order made without notice binds the respondent only
        once they are aware of it, so it binds from the day it was ``served``; one made on
        notice binds from when it is made, so a breach on the day of the hearing counts. The
        same awareness holds for every order here (nobody breaches an order they did not know
        of). Where the record says neither, the day after it was granted: the incident that led
        to it is often reported on that day, and the alert says service was not recorded."""
        return binds_from(self.starts, self.served, self.on_notice)

    def binds_on(self, day: date) -> bool:
        """Could conduct on ``day`` breach it? From :meth:`binds_from` to its last day."""
        start = self.binds_from()
        return start is not None and start <= day and (self.ends is None or day <= self.ends)

    def active_on(self, day: date) -> bool:
        """In force on ``day``: started, and not yet ended (the end day still counts)."""
        return self.starts <= day and (self.ends is None or day <= self.ends)

    @property
    def label(self) -> str:
        """``interim non-molestation order``, ``restraining order``..."""
        name = ORDER_LABELS[str(self.order_type)]
        return f"interim {name}" if self.interim else name


@dataclass(frozen=True)
class CitedMessage:
    """A message an alert rests on, cited by time and channel (and where it was read)."""

    at: datetime
    channel: str
    file: str = ""
    line: int = 0

    def words(self) -> str:
        """``whatsapp 2024-03-01 21:14`` in the force's local time."""
        return f"{self.channel} {self.at.astimezone(FORCE_TIMEZONE):%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class ContactEvidence:
    """The communications one person sent a victim, attributed to them and counted when the
    evidence was imported (issue 25): how many, over which channels and days, at night, in
    bursts, after she told them to stop (from when, and how: her message or her report), and on
    days each order bound them (by order ref), with the first messages of each cited."""

    sender: str  # the person's entity id
    victim: str
    contacts: int
    first: datetime
    last: datetime
    channels: Mapping[str, int] = field(default_factory=dict)
    #: contacts per local week, by the week's Monday (ISO date)
    per_week: Mapping[str, int] = field(default_factory=dict)
    night: int = 0
    bursts: tuple[tuple[datetime, datetime, int], ...] = ()
    told_to_stop_at: datetime | None = None
    told_by_report: str | None = None
    told_by_message: CitedMessage | None = None
    after_stop: int = 0
    after_stop_cited: tuple[CitedMessage, ...] = ()
    while_bound: Mapping[str, int] = field(default_factory=dict)
    while_bound_cited: Mapping[str, tuple[CitedMessage, ...]] = field(default_factory=dict)
    senders: int = 1


@dataclass(frozen=True)
class Association:
    """A known tie between two entities: ``family``, ``friend``, ``colleague``, ``lives_with``..."""

    a: str
    b: str
    kind: str

    def __post_init__(self) -> None:
        _need_text(self.a, "a")
        _need_text(self.b, "b")
        _need_text(self.kind, "kind")
        object.__setattr__(self, "kind", self.kind.strip().lower())

    def other(self, entity_id: str) -> str | None:
        """The entity at the other end, or ``None`` when ``entity_id`` is not on this tie."""
        if entity_id == self.a:
            return self.b
        if entity_id == self.b:
            return self.a
        return None


@dataclass(frozen=True)
class Assessment:
    """A completed risk checklist (DASH, S-DASH) as recognition reads it: who it is about, on
    which incident, when, and the questions answered "yes" (``dash.17``...).

    ``subject`` is the entity id of the person assessed (``None`` when not resolved: the
    incident's victim is then taken)."""

    ref: str
    checklist: str
    incident_ref: str
    assessed_at: datetime
    subject: str | None = None
    yes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _need_text(self.ref, "ref")
        _need_text(self.incident_ref, "incident_ref")
        if not isinstance(self.assessed_at, datetime) or self.assessed_at.tzinfo is None:
            raise ValueError(f"{self.ref}: assessed_at must be a datetime with a time zone")
        object.__setattr__(self, "yes", frozenset(self.yes))


@dataclass(frozen=True)
class History:
    """Everything already known that is linked to a new event's entities.

    ``dash_assessed`` holds the refs of incidents with a completed DASH risk assessment;
    ``assessments`` the completed checklists on the history's incidents, with their "yes"
    answers (the red flags of :mod:`threadline.recognise.rules.safeguarding`). ``labels`` maps
    entity ids and location keys to display names for the reasons (ids are used when absent).
    """

    events: tuple[Event, ...] = ()
    orders: tuple[Order, ...] = ()
    associations: tuple[Association, ...] = ()
    dash_assessed: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    assessments: tuple[Assessment, ...] = ()
    #: communications evidence of the people in this history (issue 25), as attributed
    contacts: tuple[ContactEvidence, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(self.events))
        object.__setattr__(self, "orders", tuple(self.orders))
        object.__setattr__(self, "associations", tuple(self.associations))
        object.__setattr__(self, "dash_assessed", frozenset(self.dash_assessed))
        object.__setattr__(self, "assessments", tuple(self.assessments))
        object.__setattr__(self, "contacts", tuple(self.contacts))

    def with_event(self, event: Event) -> History:
        """This history with ``event`` added (replacing an earlier version with the same ref)."""
        kept = tuple(e for e in self.events if e.ref != event.ref)
        return replace(self, events=(*kept, event))


def by_time(events: Iterable[Event]) -> list[Event]:
    """Events in the order they were reported (ref breaks ties: never depends on input order)."""
    return sorted(events, key=lambda e: (e.reported_at, e.ref))


def binds_from(starts: date, served: date | None, on_notice: bool | None) -> date | None:
    """The first day conduct can breach an order granted on ``starts`` (see
    :meth:`Order.binds_from`, Family Law Act 1996 s42A(2)): the day made if made on notice,
    else the day served; ``None`` while one made without notice is not served; the day after it
    was granted where the record says neither."""
    if on_notice:
        return starts
    if served is not None:
        return served
    if on_notice is False:
        return None  # made without notice and not yet served: not binding
    return starts + timedelta(days=1)

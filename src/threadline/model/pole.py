"""The POLE model as it arrives from a force's systems: people, objects, locations and events.

Every value is kept as the call handler wrote it; cleaning belongs to :mod:`threadline.normalise`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator

from threadline.model.arrest import ArrestOutcome
from threadline.model.base import (
    Date,
    PartialDate,
    RequiredDate,
    RequiredTimestamp,
    Schema,
    Timestamp,
)
from threadline.model.kinds import identifier_kind
from threadline.model.refs import Ref, SourceName

#: A phone number or e-mail address as written (the store keeps 300 characters of it).
Written = Annotated[str, StringConstraints(max_length=300)]


class Role(StrEnum):
    """A person's part in one event (POLE person roles; iHub incident→person links)."""

    victim = "victim"
    suspect = "suspect"
    caller = "caller"
    witness = "witness"
    third_party = "third_party"


class Relationship(StrEnum):
    """What a person is to the victim of the event, as recorded."""

    partner = "partner"
    former_partner = "former_partner"
    parent = "parent"
    child = "child"
    sibling = "sibling"
    other_family = "other_family"
    household_member = "household_member"
    acquaintance = "acquaintance"
    neighbour = "neighbour"
    colleague = "colleague"
    friend = "friend"
    stranger = "stranger"
    not_known = "not_known"


class Sex(StrEnum):
    male = "male"
    female = "female"
    other = "other"
    not_known = "not_known"


class Channel(StrEnum):
    """How the report reached the force."""

    emergency = "999"
    non_emergency = "101"
    online = "online"
    in_person = "in_person"
    third_party = "third_party"


class Category(StrEnum):
    """Opening or closing incident category, after the National Standard for Incident Recording."""

    harassment = "harassment"
    stalking = "stalking"
    malicious_communications = "malicious_communications"
    domestic = "domestic"
    breach_of_order = "breach_of_order"
    suspicious_circumstances = "suspicious_circumstances"
    concern_for_welfare = "concern_for_welfare"
    asb = "asb"
    criminal_damage = "criminal_damage"
    theft = "theft"
    burglary = "burglary"
    assault = "assault"
    threats = "threats"
    public_order = "public_order"
    sexual_offence = "sexual_offence"
    fraud = "fraud"
    missing_person = "missing_person"
    road_traffic = "road_traffic"
    neighbour_dispute = "neighbour_dispute"
    other = "other"


class Qualifier(StrEnum):
    domestic = "domestic"
    repeat = "repeat"
    vulnerable = "vulnerable"
    hate = "hate"
    mental_health = "mental_health"
    child = "child"


class Address(Schema):
    """A location: the address as written and its postcode, if given."""

    text: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=10)


class Account(Schema):
    """A social-media or messaging account: platform and handle as written."""

    platform: str = Field(min_length=1, max_length=40)
    handle: str = Field(min_length=1, max_length=120)


class Vehicle(Schema):
    registration: str = Field(min_length=2, max_length=12)
    make: str | None = None
    model: str | None = None
    colour: str | None = None


class Identifier(Schema):
    """An identifier of a kind with no list of its own on a person (an IMEI, a chat handle):
    its registered kind (:mod:`threadline.model.kinds`) and its value as written."""

    kind: str = Field(min_length=1, max_length=20)
    value: Written = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _registered(cls, kind: str) -> str:
        identifier_kind(kind)  # an unknown kind is refused, naming the known ones
        return kind


class PersonMention(Schema):
    """One person as written in one event. Names may be missing ("her ex"), birth dates partial."""

    role: Role
    forenames: str | None = Field(default=None, max_length=120)
    surname: str | None = Field(default=None, max_length=120)
    dob: PartialDate = None
    sex: Sex | None = None
    address: Address | None = None
    phones: list[Written] = Field(default_factory=list, max_length=20)
    emails: list[Written] = Field(default_factory=list, max_length=20)
    accounts: list[Account] = Field(default_factory=list, max_length=20)
    vehicles: list[Vehicle] = Field(default_factory=list, max_length=20)
    identifiers: list[Identifier] = Field(default_factory=list, max_length=20)
    relationship_to_victim: Relationship | None = None
    description: str | None = Field(default=None, max_length=300)


class Incident(Schema):
    """A call for service as the command-and-control system logged it."""

    kind: Literal["incident"] = "incident"
    source: SourceName = "cad"
    ref: Ref
    reported_at: RequiredTimestamp
    occurred_from: Timestamp = None
    occurred_to: Timestamp = None
    channel: Channel
    category: Category
    closing_category: Category | None = None
    qualifiers: list[Qualifier] = Field(default_factory=list)
    location: Address | None = None
    narrative: str = Field(default="", max_length=20_000)
    people: list[PersonMention] = Field(default_factory=list, max_length=50)
    vehicles: list[Vehicle] = Field(default_factory=list, max_length=20)
    crime_refs: list[Ref] = Field(default_factory=list)
    officer: str | None = Field(default=None, max_length=60)
    #: what the attending officer recorded about arrest (the incident's result, or custody's)
    arrest: ArrestOutcome | None = None

    @model_validator(mode="after")
    def _window_in_order(self) -> Incident:
        if self.occurred_from and self.occurred_to and self.occurred_to < self.occurred_from:
            raise ValueError("occurred_to is before occurred_from")
        return self


class Crime(Schema):
    """A crime recorded under the Home Office Counting Rules, from one or more incidents."""

    kind: Literal["crime"] = "crime"
    source: SourceName = "rms"
    ref: Ref
    offence: str = Field(min_length=1, max_length=200)
    offence_code: str | None = Field(default=None, max_length=10)
    recorded_at: RequiredTimestamp
    incident_refs: list[Ref] = Field(default_factory=list)
    people: list[PersonMention] = Field(default_factory=list, max_length=50)
    narrative: str = Field(default="", max_length=20_000)
    officer: str | None = Field(default=None, max_length=60)


class OrderType(StrEnum):
    non_molestation = "non_molestation"
    restraining = "restraining"
    stalking_protection = "stalking_protection"
    domestic_violence_protection = "domestic_violence_protection"
    domestic_violence_protection_notice = "domestic_violence_protection_notice"
    bail_conditions = "bail_conditions"
    #: Domestic Abuse Act 2021 Part 3 (replacing DVPN/DVPO where in force)
    domestic_abuse_protection = "domestic_abuse_protection"
    domestic_abuse_protection_notice = "domestic_abuse_protection_notice"


class CourtOrder(Schema):
    """A court order or bail conditions: who it protects, who it binds, when and on what terms.

    ``starts`` is the day it was granted (or the conditions imposed), ``ends`` its last day.
    When it binds the respondent (Family Law Act 1996 s42A(2)): an order made ``on_notice``
    (the respondent was told of the hearing) binds from the day it is made; one made without
    notice binds once the respondent is aware of it, the day it was ``served``. Both are
    optional: files that do not say still import (the breach rules then assume the day after
    it was granted, and say so).
    """

    kind: Literal["order"] = "order"
    source: SourceName = "courts"
    ref: Ref
    order_type: OrderType
    #: ``true`` or ``false``: not ``0``, ``"yes"`` or ``""`` (a reader of a format that writes
    #: booleans as text converts them at the edge)
    interim: StrictBool = False
    respondent: PersonMention
    protected: list[PersonMention] = Field(min_length=1, max_length=20)
    starts: RequiredDate
    ends: Date = None
    served: Date = None
    on_notice: StrictBool | None = None
    conditions: str = Field(default="", max_length=5_000)
    court: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _dates_in_order(self) -> CourtOrder:
        if self.ends and self.ends < self.starts:
            raise ValueError("ends is before starts")
        if self.served and self.served < self.starts:
            raise ValueError("served is before starts (the day the order was granted)")
        if self.served and self.ends and self.served > self.ends:
            raise ValueError("served is after ends: the order ended before it was served")
        return self


class Answer(StrEnum):
    yes = "yes"
    no = "no"
    not_known = "not_known"


class RiskAssessment(Schema):
    """A completed checklist (DASH, S-DASH) for one person in one incident; see :mod:`risk`."""

    kind: Literal["risk_assessment"] = "risk_assessment"
    source: SourceName = "rms"
    ref: Ref
    checklist: Literal["dash", "sdash"]
    checklist_version: str = Field(default="2009", max_length=20)
    incident_ref: Ref
    subject: PersonMention
    assessed_at: RequiredTimestamp
    officer: str | None = Field(default=None, max_length=60)
    answers: dict[str, Answer] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    judgement_grade: Literal["standard", "medium", "high"] | None = None
    judgement_reason: str | None = Field(default=None, max_length=2_000)
    safety_plan: StrictBool = False


class AssociationKind(StrEnum):
    """How two people are tied outside any incident (intelligence, other systems, POLE graphs)."""

    family = "family"
    partner = "partner"
    former_partner = "former_partner"
    lives_with = "lives_with"
    knows = "knows"
    friend = "friend"
    colleague = "colleague"
    social_network_contact = "social_network_contact"
    phone_contact = "phone_contact"


class Association(Schema):
    """A known link between two people, with where it came from and since when."""

    kind: Literal["association"] = "association"
    source: SourceName = "intel"
    ref: Ref
    link: AssociationKind
    family_kind: Relationship | None = None
    person_a: PersonMention
    person_b: PersonMention
    since: Date = None
    recorded_at: RequiredTimestamp
    note: str = Field(default="", max_length=2_000)


Record = Incident | Crime | CourtOrder | RiskAssessment | Association
RECORD_KINDS: dict[
    str,
    type[Incident] | type[Crime] | type[CourtOrder] | type[RiskAssessment] | type[Association],
] = {
    "incident": Incident,
    "crime": Crime,
    "order": CourtOrder,
    "risk_assessment": RiskAssessment,
    "association": Association,
}

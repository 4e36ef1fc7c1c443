"""Settings of the synthetic force (noise and scenario rates) and the summary of one run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class NoiseRates:
    """How often a call handler bends what a person's details really are.

    Each rate is a probability per person mention, among the mentions where it can apply: a nickname
    only for forenames that have one, a day/month swap only for full dates with day ≤ 12 and day ≠
    month, a surname variant only for surnames that have one.
    """

    nickname: float = 0.12
    """Forename written as a nickname (Gareth → Gaz) when the forename has one."""
    initial_only: float = 0.04
    """Forename written as its initial ("J")."""
    typo: float = 0.05
    """One slip (deletion, transposition, substitution) in the forename or the surname."""
    surname_variant: float = 0.15
    """Surname spelt as a variant (Allen → Allan) when it has one."""
    all_caps: float = 0.08
    """Whole name in capitals."""
    dob_missing: float = 0.2
    """No date of birth recorded."""
    dob_year_only: float = 0.04
    """Only the year of birth recorded."""
    dob_swapped: float = 0.06
    """Day and month swapped (applies when the swap gives another valid date)."""
    dob_uk_format: float = 0.5
    """Written ``dd/mm/yyyy`` rather than ISO; a format, not an error."""
    phone_reformat: float = 0.6
    """Phone written in one of the other ways people type it (``+44 7700 900123``, ...)."""
    address_abbreviated: float = 0.25
    """Street suffix abbreviated ("Road" → "Rd")."""
    address_lower: float = 0.1
    """Address written in lower case."""
    postcode_missing: float = 0.25
    """Postcode left out of an address that is given."""
    postcode_squashed: float = 0.1
    """Postcode written without its space."""
    postcode_lower: float = 0.1
    """Postcode in lower case."""
    reg_squashed: float = 0.3
    """Vehicle registration without its space, sometimes in lower case."""
    unnamed_ex: float = 0.25
    """An ex-partner stalker recorded only as "her ex" (no name)."""
    identifiers_recorded: float = 1.0
    """Share of a person's phones, e-mail addresses and accounts the call handler writes down
    (each drawn on its own); below 1 only in a sparse force (:data:`PROFILES`)."""

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class ScenarioRates:
    """How many of each story a force of N incidents holds (per 100,000 incidents, at least one)."""

    ex_partner_stalking_per_100k: float = 5.0
    acquaintance_stalking_per_100k: float = 10.0
    stranger_stalking_per_100k: float = 5.0
    domestic_escalation_per_100k: float = 20.0
    neighbour_dispute_per_100k: float = 10.0
    prolific_offender_per_100k: float = 10.0
    repeat_victim_per_100k: float = 20.0
    ex_partner_incidents: tuple[int, int] = (30, 38)
    """Incidents in one ex-partner stalking series (inclusive range)."""
    ex_partner_breaches: int = 7
    """Reported breaches of the non-molestation order in each ex-partner series."""
    third_party_report: float = 0.35
    """Share of stalking reports made by a family member or friend rather than the victim."""
    dash_completion: float = 0.55
    """Share of domestic incidents that get a DASH risk assessment (the rest are missing)."""
    sdash_completion: float = 0.3
    """Share of stalking-series incidents that get an S-DASH screening."""
    traps_per_100k: float = 10.0
    """Twin pairs, father/son pairs and same-name stranger groups (each; at least two)."""
    common_name_people: int = 3
    """At least this many unrelated people named John Smith, Mohammed Khan and David Jones."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SynthConfig:
    """Everything that shapes a synthetic force besides its size and seed."""

    noise: NoiseRates = field(default_factory=NoiseRates)
    scenarios: ScenarioRates = field(default_factory=ScenarioRates)
    start: date = date(2023, 1, 1)
    """First day of the period the incidents cover."""
    days: int = 730
    """Length of the period."""
    current_story: bool = False
    """The first ex-partner stalking series runs to the last days of the period, so that a call
    taken the day after the period ends finds its order in force, its breaches reported and its
    DASH owed (the demo force, whose period ends the day ``make demo`` runs)."""
    households_per_incident: float = 0.5
    """Population: households = incidents × this (min 300), so people recur across incidents."""
    max_households: int = 500_000
    """Cap on households (a county of about 1.2 million people)."""
    surname_head_permille: dict[str, int] | None = None
    """Per origin, how many people in a thousand carry a surname of its head table (default
    :data:`~threadline.synth.names.SURNAME_HEAD_PERMILLE`); 1000 everywhere makes every common
    surname four times as common, as many namesakes as the head tables alone give."""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        # Settings a force leaves at their defaults are not written, so the default force's
        # truth is the same as before they existed.
        if self.surname_head_permille is None:
            del data["surname_head_permille"]
        if not self.current_story:
            del data["current_story"]
        if self.noise.identifiers_recorded == 1.0:
            del data["noise"]["identifiers_recorded"]
        return data


def ending_on(config: SynthConfig, last_day: date) -> SynthConfig:
    """``config`` with its period moved so that ``last_day`` is its last day (same length)."""
    return replace(config, start=last_day - timedelta(days=config.days - 1))


@dataclass
class SynthSummary:
    """What one run wrote."""

    incidents: int = 0
    crimes: int = 0
    orders: int = 0
    assessments: int = 0
    people: int = 0
    """Distinct true people mentioned at least once."""
    mentions: int = 0
    """Person mentions in all records (incidents, crimes, orders, assessments)."""
    series: dict[str, int] = field(default_factory=dict)
    """Series by kind (``background`` counts the incidents that belong to no series)."""
    phone_mentions: int = 0
    """Person mentions that carry at least one phone number."""
    background_phone_shared: float = 0.0
    """Among background people with a phone, the share whose number another person has (0.0: every
    number belongs to one person; kept as a check)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


#: Other forces, whose settings differ from the default one's (which every test uses), for
#: measuring Threadline on data shaped unlike its own tests (issue 21): ``sparse`` is an
#: England-like force of many shared surnames (every person from the origins' head tables: Smith
#: about 5 %) whose records are thin: three in four mentions carry no date of birth, and one
#: phone, e-mail address or account in five is written down.
PROFILES: dict[str, SynthConfig] = {
    "default": SynthConfig(),
    "sparse": SynthConfig(
        noise=NoiseRates(dob_missing=0.75, dob_year_only=0.05, identifiers_recorded=0.2),
        surname_head_permille={
            "english": 1000,
            "scottish": 1000,
            "welsh": 1000,
            "irish": 1000,
            "caribbean": 1000,
            "polish": 1000,
            "south_asian": 1000,
        },
    ),  # fmt: skip
}

"""One scenario incident as it reaches the control room: who called, about whom, what was said.

A :class:`Scene` is what a scenario decides (victim, suspect, caller, category, narrative
template); :func:`write_scene` writes it the way a handler would, with noise, records a crime and
risk assessments when the rates say so, and files every reference under the scenario's series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from threadline.synth.assessments import assess
from threadline.synth.noise import Written
from threadline.synth.population import Person
from threadline.synth.recorder import Desk, Series


@dataclass
class Scene:
    """What happened in one scenario incident, before anyone writes it down."""

    series: Series
    category: str
    template: str
    victim: Person
    suspect: Person | None = None
    suspect_named: bool = True
    suspect_description: str | None = None
    relationship: str | None = None
    suspect_phones: Sequence[str] = ()
    suspect_accounts: Sequence[tuple[str, str]] = ()
    suspect_vehicles: Sequence[tuple[str, str, str, str]] = ()
    suspect_address: bool = False
    caller: Person | None = None
    caller_relationship: str | None = None
    witnesses: Sequence[Person] = ()
    channel: str = "101"
    qualifiers: Sequence[str] = ()
    closing_category: str | None = None
    location: dict[str, str] | None = None
    at_home: bool = True
    values: dict[str, Any] = field(default_factory=dict)
    offence: str | None = None
    offence_code: str | None = None
    crime_rate: float = 0.0
    dash_severity: float | None = None
    sdash_severity: float | None = None
    occurred: tuple[int, int] | None = None
    #: what the attending officer recorded about arrest (their name is added when written)
    arrest: dict[str, Any] | None = None


def write_scene(desk: Desk, at: int, scene: Scene) -> str:
    """Write ``scene`` as an incident at ``at`` (plus crime and assessments); returns its ref."""
    rng, scribe, recorder = desk.rng, desk.scribe, desk.recorder
    people: list[Written] = []
    c: Written | None = None
    if scene.caller is not None:
        c = scribe.write(
            scene.caller,
            "caller",
            relationship=scene.caller_relationship,
            address=rng.random() < 0.3,
            phones=scene.caller.phones[:1],
        )
        people.append(c)
    v = scribe.write(
        scene.victim,
        "victim",
        address=scene.at_home or rng.random() < 0.5,
        phones=scene.victim.phones[:1] if c is None or rng.random() < 0.3 else (),
    )
    people.append(v)
    s: Written | None = None
    if scene.suspect is not None:
        s = scribe.write(
            scene.suspect,
            "suspect",
            relationship=scene.relationship,
            named=scene.suspect_named,
            description=scene.suspect_description,
            address=scene.suspect_address,
            phones=scene.suspect_phones,
            accounts=scene.suspect_accounts,
            vehicles=scene.suspect_vehicles,
        )
        people.append(s)
    for witness in scene.witnesses:
        people.append(scribe.write(witness, "witness", phones=witness.phones[:1], address=False))
    values = {
        "v": v.name,
        "s": s.name if s is not None else "the suspect",
        "c": c.name if c is not None else v.name,
        **scene.values,
    }
    if s is not None:
        written = s.mention
        values.setdefault("ph", written["phones"][0] if "phones" in written else "a new number")
        if "accounts" in written:
            values.setdefault("acct", written["accounts"][0]["handle"])
        if "vehicles" in written:
            values.setdefault("reg", written["vehicles"][0]["registration"])
    narrative = scene.template.format_map(_Missing(values))
    location = scene.location
    if location is None and scene.at_home:
        location = scribe.place(scene.victim.street, scene.victim.number)
    crime_ref = None
    if scene.offence and rng.random() < scene.crime_rate:
        crime_ref = recorder.next_crime_ref(at + 3600)
    ref = recorder.incident(
        at,
        category=scene.category,
        channel=scene.channel,
        people=people,
        narrative=narrative,
        location=location,
        qualifiers=scene.qualifiers,
        closing_category=scene.closing_category,
        occurred=scene.occurred,
        officer=desk.officer(),
        crime_refs=(crime_ref,) if crime_ref else (),
        series=scene.series,
        arrest=scene.arrest,
    )
    if crime_ref and scene.offence:
        crime_people = [scribe.write(scene.victim, "victim")]
        if scene.suspect is not None:
            crime_people.append(
                scribe.write(
                    scene.suspect,
                    "suspect",
                    relationship=scene.relationship,
                    address=rng.random() < 0.5,
                    phones=scene.suspect_phones,
                )
            )
        recorder.crime(
            crime_ref,
            at + rng.randrange(1800, 20 * 3600),
            offence=scene.offence,
            offence_code=scene.offence_code,
            incident_ref=ref,
            people=crime_people,
            narrative=f"Crime recorded from {ref}. {narrative}",
            officer=desk.officer(),
            series=scene.series,
        )
    rates = desk.config.scenarios
    for checklist, severity, completion in (
        ("dash", scene.dash_severity, rates.dash_completion),
        ("sdash", scene.sdash_severity, rates.sdash_completion),
    ):
        if severity is not None and rng.random() < completion:
            assess(
                desk,
                at,
                incident_ref=ref,
                victim=scene.victim,
                checklist=checklist,
                severity=severity,
                series=scene.series,
            )
    return ref


class _Missing(dict[str, Any]):
    """Narrative values; a placeholder with no value reads as "unknown"."""

    def __missing__(self, key: str) -> str:
        return "unknown"

"""Writing the synthetic force to disk: records in the import format, and the truth behind them.

:class:`Recorder` owns the output files, gives every record its reference (incidents
``INC-YYYYMMDD-NNNN`` numbered per day in reported order, crimes ``CRM-YYYY-NNNNNN``, orders
``ORD-NNNNN``, assessments ``RA-NNNNNNN``), writes one truth line per record to
``truth_mentions.jsonl`` and counts what it wrote. :class:`Series` collects the ground truth of one
scenario for ``truth.json``. :class:`Desk` bundles what a scenario needs to write an incident.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson

from threadline.model.base import FORCE_TIMEZONE
from threadline.synth.config import SynthConfig, SynthSummary
from threadline.synth.noise import Scribe, Written
from threadline.synth.population import BACKGROUND_PHONES, Population

_NEWLINE = orjson.OPT_APPEND_NEWLINE


def _line(record: dict[str, Any]) -> bytes:
    """One JSON line, compact, UTF-8 (orjson writes the same bytes for the same dict every time)."""
    return orjson.dumps(record, option=_NEWLINE)


def local_time(at: int) -> str:
    """Epoch seconds → local ISO time with its offset (``2023-06-01T14:03:00+01:00``)."""
    return datetime.fromtimestamp(at, FORCE_TIMEZONE).isoformat()


@dataclass
class Series:
    """The ground truth of one scenario: who is behind it and which records belong to it."""

    sid: str
    kind: str
    victims: list[str] = field(default_factory=list)
    suspects: list[str] = field(default_factory=list)
    incident_refs: list[str] = field(default_factory=list)
    crime_refs: list[str] = field(default_factory=list)
    assessment_refs: list[str] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    notes: str = ""

    def truth(self) -> dict[str, Any]:
        return {
            "id": self.sid,
            "kind": self.kind,
            "victims": self.victims,
            "suspects": self.suspects,
            "incident_refs": self.incident_refs,
            "crime_refs": self.crime_refs,
            "assessment_refs": self.assessment_refs,
            "order_refs": [o["ref"] for o in self.orders],
            "notes": self.notes,
        }


class Recorder:
    """Writes records and their truth, line by line, and keeps the counts for the summary."""

    def __init__(self, out_dir: Path, population: Population) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.population = population
        buffering = 1 << 20
        self._files: dict[str, IO[bytes]] = {
            name: open(out_dir / name, "wb", buffering=buffering)  # noqa: SIM115
            for name in (
                "incidents.jsonl",
                "crimes.jsonl",
                "orders.jsonl",
                "assessments.jsonl",
                "truth_mentions.jsonl",
            )
        }
        self._incidents = self._files["incidents.jsonl"].write
        self._crimes = self._files["crimes.jsonl"].write
        self._orders = self._files["orders.jsonl"].write
        self._assessments = self._files["assessments.jsonl"].write
        self._truth = self._files["truth_mentions.jsonl"].write
        self.summary = SynthSummary()
        self._day = ""
        self._day_count = 0
        self._crime_year = ""
        self._crime_count = 0
        self._anonymous = 0
        self._seen_background = bytearray(population.households * 5 + 5)
        self._seen_newcomers: set[str] = set()
        self._phone_counts = [0] * len(BACKGROUND_PHONES)
        self.background_incidents = 0

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()

    def anonymous_pid(self) -> str:
        """A fresh identity for an unknown person who is never seen again (``U{n}``)."""
        self._anonymous += 1
        return f"U{self._anonymous}"

    # Truth bookkeeping -------------------------------------------------------------------------

    def _people_truth(self, people: Sequence[Written]) -> list[dict[str, Any]]:
        out = []
        households = self.population.households
        for w in people:
            pid = w.pid
            if pid[0] == "P":
                hh, _, member = pid[1:].partition(".")
                h = int(hh)
                if h < households:
                    slot = h * 5 + int(member)
                    if not self._seen_background[slot]:
                        self._seen_background[slot] = 1
                        self.summary.people += 1
                        person = w.person
                        if person is not None:
                            for phone in person.phones:
                                self._phone_counts[int(phone[-6:]) - BACKGROUND_PHONES.start] += 1
                elif pid not in self._seen_newcomers:
                    self._seen_newcomers.add(pid)
                    self.summary.people += 1
            else:
                self.summary.people += 1
            if "phones" in w.mention:
                self.summary.phone_mentions += 1
            out.append({"person": pid, "noise": w.noise} if w.noise else {"person": pid})
        self.summary.mentions += len(people)
        return out

    def background_phone_shared(self) -> float:
        holders = sum(self._phone_counts)
        shared = sum(c for c in self._phone_counts if c >= 2)
        return shared / holders if holders else 0.0

    def _write_truth(self, ref: str, kind: str, series: Series | None, **people: Any) -> None:
        """Write one record's truth line: its series (``background`` if none) and ``people``, who
        the people written in it really are."""
        truth = {
            "ref": ref,
            "kind": kind,
            "series": series.sid if series is not None else None,
            "series_kind": series.kind if series is not None else "background",
            **people,
        }
        self._truth(_line(truth))

    # Records -----------------------------------------------------------------------------------

    def incident(
        self,
        at: int,
        *,
        category: str,
        channel: str,
        people: Sequence[Written],
        narrative: str,
        location: dict[str, str] | None = None,
        qualifiers: Sequence[str] = (),
        closing_category: str | None = None,
        vehicles: Sequence[dict[str, str]] = (),
        occurred: tuple[int, int] | None = None,
        officer: str | None = None,
        crime_refs: Sequence[str] = (),
        series: Series | None = None,
        arrest: dict[str, Any] | None = None,
    ) -> str:
        """Write one incident; returns its reference. ``arrest`` is the outcome the officer
        recorded, written with the officer's name as the one who decided."""
        when = local_time(at)
        day = when[:10]
        if day != self._day:
            self._day, self._day_count = day, 0
        self._day_count += 1
        ref = f"INC-{day.replace('-', '')}-{self._day_count:04d}"
        record: dict[str, Any] = {"kind": "incident", "ref": ref, "reported_at": when}
        if occurred:
            record["occurred_from"] = local_time(occurred[0])
            record["occurred_to"] = local_time(occurred[1])
        record["channel"] = channel
        record["category"] = category
        if closing_category:
            record["closing_category"] = closing_category
        if qualifiers:
            record["qualifiers"] = list(qualifiers)
        if location:
            record["location"] = location
        record["narrative"] = narrative
        record["people"] = [w.mention for w in people]
        if vehicles:
            record["vehicles"] = list(vehicles)
        if crime_refs:
            record["crime_refs"] = list(crime_refs)
        if officer:
            record["officer"] = officer
        if arrest is not None and officer:
            record["arrest"] = {**arrest, "by": officer}
        self._incidents(_line(record))
        if series is not None:
            series.incident_refs.append(ref)
        else:
            self.background_incidents += 1
        self._write_truth(ref, "incident", series, people=self._people_truth(people))
        self.summary.incidents += 1
        return ref

    def next_crime_ref(self, at: int) -> str:
        year = local_time(at)[:4]
        if year != self._crime_year:
            self._crime_year, self._crime_count = year, 0
        self._crime_count += 1
        return f"CRM-{year}-{self._crime_count:06d}"

    def crime(
        self,
        ref: str,
        at: int,
        *,
        offence: str,
        incident_ref: str,
        people: Sequence[Written],
        narrative: str,
        offence_code: str | None = None,
        officer: str | None = None,
        series: Series | None = None,
    ) -> None:
        """Write a crime recorded at ``at`` from one incident (ref from :meth:`next_crime_ref`)."""
        record: dict[str, Any] = {"kind": "crime", "ref": ref, "offence": offence}
        if offence_code:
            record["offence_code"] = offence_code
        record["recorded_at"] = local_time(at)
        record["incident_refs"] = [incident_ref]
        record["people"] = [w.mention for w in people]
        record["narrative"] = narrative
        if officer:
            record["officer"] = officer
        self._crimes(_line(record))
        self._write_truth(ref, "crime", series, people=self._people_truth(people))
        if series is not None:
            series.crime_refs.append(ref)
        self.summary.crimes += 1

    def order(
        self,
        *,
        order_type: str,
        interim: bool,
        respondent: Written,
        protected: Sequence[Written],
        starts: str,
        ends: str | None,
        conditions: str,
        court: str,
        series: Series | None = None,
        served: str | None = None,
        on_notice: bool | None = None,
    ) -> dict[str, Any]:
        """Write a court order; returns its truth entry (breach refs are appended to it later).

        ``on_notice`` (the respondent knew of the hearing) or ``served`` (the day a without-notice
        order was served) say when it binds (Family Law Act 1996 s42A(2))."""
        self.summary.orders += 1
        ref = f"ORD-{self.summary.orders:05d}"
        record: dict[str, Any] = {
            "kind": "order",
            "ref": ref,
            "order_type": order_type,
            "interim": interim,
            "respondent": respondent.mention,
            "protected": [w.mention for w in protected],
            "starts": starts,
        }
        if ends:
            record["ends"] = ends
        if served:
            record["served"] = served
        if on_notice is not None:
            record["on_notice"] = on_notice
        record["conditions"] = conditions
        record["court"] = court
        self._orders(_line(record))
        people = self._people_truth([respondent, *protected])
        self._write_truth(ref, "order", series, respondent=people[0], protected=people[1:])
        entry = {
            "ref": ref,
            "series": series.sid if series else None,
            "order_type": order_type,
            "respondent": respondent.pid,
            "protected": [w.pid for w in protected],
            "starts": starts,
            "ends": ends,
            "served": served,
            "on_notice": on_notice,
            "breach_refs": [],
        }
        if series is not None:
            series.orders.append(entry)
        return entry

    def assessment(
        self,
        at: int,
        *,
        checklist: str,
        incident_ref: str,
        subject: Written,
        answers: dict[str, str],
        grade: str | None,
        officer: str | None,
        series: Series | None = None,
    ) -> str:
        self.summary.assessments += 1
        ref = f"RA-{self.summary.assessments:07d}"
        record: dict[str, Any] = {
            "kind": "risk_assessment",
            "ref": ref,
            "checklist": checklist,
            "incident_ref": incident_ref,
            "subject": subject.mention,
            "assessed_at": local_time(at),
            "answers": answers,
        }
        if officer:
            record["officer"] = officer
        if grade:
            record["judgement_grade"] = grade
            record["safety_plan"] = grade != "standard"
        self._assessments(_line(record))
        subject_truth = self._people_truth([subject])[0]
        self._write_truth(ref, "risk_assessment", series, subject=subject_truth)
        if series is not None:
            series.assessment_refs.append(ref)
        return ref


@dataclass
class Desk:
    """What a scenario or the background needs to write an incident: randomness, people, output."""

    rng: random.Random
    scribe: Scribe
    population: Population
    recorder: Recorder
    config: SynthConfig

    def officer(self) -> str:
        return f"PC {self.rng.randrange(1000, 9999)}"

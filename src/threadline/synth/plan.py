"""The plan of a synthetic force: every scenario and trap laid out in time before streaming starts.

A :class:`Plan` holds the scenario people (a few per thousand incidents), the series they form and
a list of timed events, each a small function that writes its incident when the stream reaches its
time. Only these events are kept in memory; background incidents are made as the stream goes.

Scenario people get their phone numbers once everything is planned (:meth:`Plan.assign_phones`):
the drama range leaves only 300 numbers for them, so the people whose phone is part of the story
are served first (ex-partner stalking victims and stalkers, then the victims and suspects of the
other series in planning order, then family, friends and trap people).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from threadline.synth.config import SynthConfig
from threadline.synth.population import Person, Population, whatsapp_handle
from threadline.synth.recorder import Desk, Series

Render = Callable[[Desk, int], Any]
"""Writes a planned event; called with the desk and the event's time (epoch seconds)."""
DAY = 86_400


@dataclass
class Plan:
    """Scenario people, series, traps and the timed events that will write their incidents."""

    population: Population
    rng: random.Random
    config: SynthConfig
    t0: int
    t1: int
    budget: int
    """Incidents the scenarios and traps may still use (the rest of N is background)."""
    events: list[tuple[int, int, Render]] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    traps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    incidents: int = 0
    phones_wanted: dict[str, int] = field(default_factory=dict)
    """Numbers each scenario person should have (person id → count), handed out at the end."""
    whatsapp: set[str] = field(default_factory=set)
    """People who use WhatsApp on every number they are given."""
    without_phone: list[str] = field(default_factory=list)
    """People who wanted a number after the 300 scenario numbers ran out."""
    campaigns: list[Any] = field(default_factory=list)
    """Ex-partner campaigns whose communications evidence is written after the force
    (:class:`threadline.synth.comms.Campaign`)."""

    def fits(self, incidents: int) -> bool:
        return self.incidents + incidents <= self.budget

    def new_series(self, kind: str) -> Series:
        series = Series(f"S{len(self.series) + 1:05d}", kind)
        self.series.append(series)
        return series

    def add(self, at: int, render: Render, incident: bool = True) -> None:
        """Schedule ``render`` at ``at``; ``incident`` says whether it writes one incident."""
        self.events.append((at, len(self.events), render))
        if incident:
            self.incidents += 1

    def window(self, days: float) -> tuple[int, int]:
        """A random stretch of ``days`` inside the period (the whole period if it is shorter)."""
        length = min(int(days * DAY), self.t1 - self.t0 - 1)
        start = self.rng.randrange(self.t0, self.t1 - length)
        return start, start + length

    def times(self, start: int, end: int, n: int) -> list[int]:
        """``n`` sorted random moments in [start, end), mostly in waking hours."""
        out = []
        for _ in range(n):
            at = self.rng.randrange(start, end)
            hour = (at // 3600) % 24
            if hour < 7 and self.rng.random() < 0.7:
                at += 9 * 3600
            out.append(min(at, end))
        return sorted(out)

    def newcomer(self, *, phone: bool = True, **kwargs: Any) -> Person:
        """A new scenario person; with ``phone`` they get a number from :meth:`assign_phones`."""
        person = self.population.newcomer(self.rng, phone=False, **kwargs)
        self.people[person.pid] = person
        if phone:
            self.phones_wanted[person.pid] = 1
        return person

    def assign_phones(self) -> None:
        """Hand out the scenario numbers, most important people first, each number to one person.

        Order: victims and suspects of ex-partner stalking, then those of the other series (in the
        order they were planned), then everyone else. Whoever comes after the last number has no
        phone recorded and is listed in :attr:`without_phone`.
        """
        ex_partner = {
            pid
            for s in self.series
            if s.kind == "ex_partner_stalking"
            for pid in (*s.victims, *s.suspects)
        }
        principals = {pid for s in self.series for pid in (*s.victims, *s.suspects)}

        def rank(pid: str) -> int:
            return 0 if pid in ex_partner else 1 if pid in principals else 2

        # sorted() is stable: within a rank, people keep their planning order.
        for pid in sorted(self.phones_wanted, key=rank):
            person = self.people[pid]
            for _ in range(self.phones_wanted[pid]):
                number = self.population.scenario_phone()
                if number is None:
                    if not person.phones:
                        self.without_phone.append(pid)
                    break
                person.phones.append(number)
                if pid in self.whatsapp:
                    person.accounts.append(("whatsapp", whatsapp_handle(number)))

    def register(self, person: Person) -> Person:
        self.people[person.pid] = person
        return person

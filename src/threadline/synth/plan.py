"""The plan of a synthetic force: every scenario and trap laid out in time before streaming starts.

A :class:`Plan` holds the scenario people (a few per thousand incidents), the series they form and
a list of timed events, each a small function that writes its incident when the stream reaches its
time. Only these events are kept in memory; background incidents are made as the stream goes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from threadline.synth.config import SynthConfig
from threadline.synth.population import Person, Population
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

    def newcomer(self, **kwargs: Any) -> Person:
        person = self.population.newcomer(self.rng, **kwargs)
        self.people[person.pid] = person
        return person

    def register(self, person: Person) -> Person:
        self.people[person.pid] = person
        return person

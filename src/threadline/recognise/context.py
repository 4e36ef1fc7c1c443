"""What every rule sees when one new event arrives: the event, its linked history, shared lookups.

A :class:`Context` is built once per new event and indexes only that event's linked history, so
rule evaluation costs O(size of the linked history), never O(the whole force). Lookups several
rules share (the course-of-conduct series, the behaviours an incident shows, the crimes on an
incident) are computed once and cached on the context.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import cached_property
from typing import TypeVar

from threadline.recognise.behaviours import BehaviourSign, find_behaviours
from threadline.recognise.conduct import Link, Series, associates, build_series, links_of
from threadline.recognise.history import ContactEvidence, Event, History, Order, by_time
from threadline.recognise.occasions import several_occasions
from threadline.recognise.thresholds import Thresholds

T = TypeVar("T")


class Context:
    """The new ``event`` together with its ``history`` (which may or may not already contain it)."""

    def __init__(self, event: Event, history: History, thresholds: Thresholds) -> None:
        self.event = event
        self.history = history.with_event(event)
        self.thresholds = thresholds
        self._memo: dict[str, object] = {}

    # -- display ---------------------------------------------------------------------------------

    def label(self, key: str | None) -> str:
        """Display name of an entity or location (its id when no name was given)."""
        if key is None:
            return "unknown"
        return self.history.labels.get(key, key)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a value shared by several rules once per context."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    # -- events ----------------------------------------------------------------------------------

    @cached_property
    def events(self) -> Mapping[str, Event]:
        return {e.ref: e for e in self.history.events}

    @cached_property
    def incidents(self) -> list[Event]:
        """All incidents in the linked history, the new one included, in time order."""
        return by_time(e for e in self.history.events if e.is_incident)

    @cached_property
    def crimes_by_incident(self) -> Mapping[str, list[Event]]:
        found: dict[str, list[Event]] = defaultdict(list)
        for event in self.history.events:
            if event.kind == "crime":
                for ref in event.incident_refs:
                    found[ref].append(event)
        return found

    def crimes_on(self, incident: Event) -> list[Event]:
        """Crime records on an incident, from either side of the link.

        A crime the incident names but the history does not hold is left out (offence unknown).
        """
        crimes = list(self.crimes_by_incident.get(incident.ref, ()))
        known = {c.ref for c in crimes}
        for ref in incident.crime_refs:
            record = self.events.get(ref)
            if ref not in known and record is not None and record.kind == "crime":
                crimes.append(record)
                known.add(ref)
        return crimes

    def has_crime(self, incident: Event) -> bool:
        """Whether any crime is recorded on the incident (a bare crime ref is enough)."""
        return bool(incident.crime_refs) or bool(self.crimes_by_incident.get(incident.ref))

    def within_window(self, incident: Event) -> bool:
        """Reported in the repeat window ending at the new event (never after it)."""
        window = timedelta(days=self.thresholds.repeat_window_days)
        return self.event.reported_at - window < incident.reported_at <= self.event.reported_at

    def severity(self, incident: Event) -> int:
        return self.thresholds.severity(incident.categories)

    def behaviours(self, incident: Event) -> list[BehaviourSign]:
        return self.memo(f"behaviours:{incident.ref}", lambda: find_behaviours(incident))

    # -- course of conduct -----------------------------------------------------------------------

    @cached_property
    def links_by_ref(self) -> Mapping[str, list[Link]]:
        ties = associates(self.history.associations)
        return {e.ref: links_of(e, ties) for e in self.incidents}

    @cached_property
    def anchors(self) -> list[Event]:
        """The incidents the new event is about: itself, or for a crime the incidents it is on.

        A crime arriving re-examines its incidents, so a recording gap it fills can be cleared.
        """
        if self.event.is_incident:
            return [self.event]
        return [
            e
            for e in self.incidents
            if e.ref in self.event.incident_refs or self.event.ref in e.crime_refs
        ]

    @cached_property
    def anchor_refs(self) -> frozenset[str]:
        return frozenset(e.ref for e in self.anchors)

    @cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """(suspect, victim) pairs of the anchors, then their reverse (counter-allegations)."""
        forward: list[tuple[str, str]] = []
        for anchor in self.anchors:
            for link in self.links_by_ref.get(anchor.ref, ()):
                if (link.suspect, link.victim) not in forward:
                    forward.append((link.suspect, link.victim))
        reverse = [(v, s) for s, v in forward if (v, s) not in forward]
        return forward + reverse

    def _series(self) -> list[Series]:
        found = []
        for suspect, victim in self.pairs:
            series = build_series(suspect, victim, self.incidents, self.links_by_ref)
            if series is not None:
                found.append(series)
        return found

    @cached_property
    def all_series(self) -> list[Series]:
        """Series of the new event's (suspect, victim) pairs and of their reverse, any length."""
        return self._series()

    def several_occasions(self, incident: Event) -> str | None:
        """The words by which ``incident``'s report describes conduct on two or more occasions
        ("a dozen texts"), or ``None`` (see :mod:`threadline.recognise.occasions`)."""
        return self.memo(f"occasions:{incident.ref}", lambda: several_occasions(incident.narrative))

    def occasions(self, series: Series) -> int:
        """The occasions of conduct a series' reports disclose: one a report, two for a report
        describing several (PHA 1997 s7(3): occasions, not reports); and each contact in the
        victim's communications evidence attributed to the suspect (issue 25)."""
        reported = sum(2 if self.several_occasions(e) else 1 for e in series.incidents)
        evidence = self.contact_evidence(series.suspect, series.victim)
        return reported + (evidence.contacts if evidence is not None else 0)

    def contact_evidence(self, sender: str, victim: str) -> ContactEvidence | None:
        """The communications ``sender`` sent ``victim``, as attributed, or ``None``."""
        for evidence in self.history.contacts:
            if evidence.sender == sender and evidence.victim == victim:
                return evidence
        return None

    def evident_at(self, series: Series) -> Event | None:
        """The report at which the series first disclosed conduct on the occasions a course of
        conduct needs (the NCRS 24-hour clock starts there), or ``None`` if it has not."""
        seen = 0
        for event in series.incidents:
            seen += 2 if self.several_occasions(event) else 1
            if seen >= self.thresholds.course_min_incidents:
                return event
        return None

    @cached_property
    def courses(self) -> list[Series]:
        """Series that include an anchor and make a course of conduct: conduct on 2+ occasions,
        in two reports or in one that describes several."""
        minimum = self.thresholds.course_min_incidents
        return [
            s
            for s in self.all_series
            if self.anchor_refs & set(s.refs) and self.occasions(s) >= minimum
        ]

    # -- orders ----------------------------------------------------------------------------------

    @cached_property
    def orders(self) -> list[Order]:
        return sorted(self.history.orders, key=lambda o: (o.starts, o.ref))

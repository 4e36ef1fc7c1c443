"""Course of conduct: which incidents make one suspect's series of conduct against one victim.

An incident joins the series of suspect S against victim V when S is a suspect in it and

- ``direct``: V is a victim in it (or the caller, when no victim is recorded); or
- ``relationship``: the victim is someone else, X, and V is named in it as caller or third party
  whose recorded relationship to X is family, partner, household, friend or colleague (S got at V
  through the people around V); or
- ``association``: the victim X is known (an :class:`~threadline.recognise.history.Association`)
  to be V's family, friend or colleague.

A series needs at least one ``direct`` incident, and contact through other people counts only from
the first direct incident on, and only when S targets V more than the person contacted (more direct
incidents; on a tie, earlier): contact with someone's family counts towards a course of conduct
against the person S is known to be after, not the other way round. People who share only a witness
role are never linked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from threadline.recognise.history import Association, Event, by_time

LinkKind = Literal["direct", "relationship", "association"]

#: Relationships (of a named person to the incident's victim) that make them "people around" them.
RELATED_RELATIONSHIPS = frozenset(
    {
        "partner",
        "parent",
        "child",
        "sibling",
        "other_family",
        "household_member",
        "friend",
        "colleague",
    }
)
#: Association kinds that make two people each other's family, friends or colleagues.
RELATED_ASSOCIATIONS = frozenset(
    {"family", "partner", "lives_with", "household", "friend", "colleague", "works_with"}
)


@dataclass(frozen=True)
class Link:
    """Why one incident belongs to the series of ``suspect`` against ``victim``."""

    incident_ref: str
    suspect: str
    victim: str
    kind: LinkKind
    via: str | None = None
    relation: str | None = None


def associates(associations: Iterable[Association]) -> Mapping[str, list[tuple[str, str]]]:
    """Entity id -> [(other entity, kind)] for the related kinds only."""
    index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for tie in associations:
        if tie.kind in RELATED_ASSOCIATIONS and tie.a != tie.b:
            index[tie.a].append((tie.b, tie.kind))
            index[tie.b].append((tie.a, tie.kind))
    return index


def links_of(event: Event, ties: Mapping[str, list[tuple[str, str]]]) -> list[Link]:
    """Every (suspect, victim) series this incident belongs to, and how."""
    if not event.is_incident:
        return []
    links: list[Link] = []
    suspects = event.suspects
    victims = [v for v in event.victims if v not in suspects]
    for s in suspects:
        for v in victims:
            links.append(Link(event.ref, s, v, "direct"))
        for party in event.parties:
            relation = party.relationship_to_victim
            named = party.entity_id
            if (
                party.role in ("caller", "third_party")
                and relation in RELATED_RELATIONSHIPS
                and named not in victims
                and named not in suspects
            ):
                for x in victims:
                    links.append(
                        Link(event.ref, s, named, "relationship", via=x, relation=relation)
                    )
        for x in victims:
            for other, kind in ties.get(x, ()):
                if other != s and other not in victims:
                    links.append(Link(event.ref, s, other, "association", via=x, relation=kind))
    # One link per (suspect, victim) per incident; the most direct wins.
    rank = {"direct": 0, "relationship": 1, "association": 2}
    best: dict[tuple[str, str], Link] = {}
    for link in links:
        key = (link.suspect, link.victim)
        if key not in best or rank[link.kind] < rank[best[key].kind]:
            best[key] = link
    return list(best.values())


def _direct_targets(
    suspect: str, incidents: Iterable[Event], links_by_ref: Mapping[str, list[Link]]
) -> dict[str, tuple[int, tuple[datetime, str]]]:
    """Victim -> (number of direct incidents by ``suspect``, when the first one was)."""
    found: dict[str, tuple[int, tuple[datetime, str]]] = {}
    for event in incidents:
        for link in links_by_ref.get(event.ref, ()):
            if link.suspect == suspect and link.kind == "direct":
                when = (event.reported_at, event.ref)
                count, first = found.get(link.victim, (0, when))
                found[link.victim] = (count + 1, min(first, when))
    return found


def _main_target(
    victim: str, via: str | None, targets: Mapping[str, tuple[int, tuple[datetime, str]]]
) -> bool:
    """Whether ``victim`` rather than ``via`` is the one the suspect is after.

    Contact with X counts towards V's series only when the suspect targets V more than X directly
    (more incidents; on a tie, V first). Otherwise abuse of V would also read as contact "through"
    V in X's series.
    """
    mine = targets.get(victim)
    theirs = targets.get(via) if via else None
    if mine is None:
        return False
    if theirs is None:
        return True
    if mine[0] != theirs[0]:
        return mine[0] > theirs[0]
    return mine[1] < theirs[1]


@dataclass(frozen=True)
class Series:
    """A candidate course of conduct: the incidents linking one suspect to one victim, in order.

    ``counter_refs`` are incidents where the victim is the suspect and the suspect the victim
    (counter-allegations). ``relationship`` is what the suspect was recorded as to the victim, most
    recent first (``former_partner``...), when known.
    """

    suspect: str
    victim: str
    incidents: tuple[Event, ...]
    links: tuple[Link, ...]
    counter_refs: tuple[str, ...]
    relationship: str | None

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(e.ref for e in self.incidents)

    @property
    def key(self) -> str:
        return f"{self.suspect}->{self.victim}"

    def includes(self, ref: str) -> bool:
        return ref in self.refs

    @property
    def third_party_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.kind != "direct")


def build_series(
    suspect: str,
    victim: str,
    incidents: Iterable[Event],
    links_by_ref: Mapping[str, list[Link]],
) -> Series | None:
    """The series of ``suspect`` against ``victim``; ``None`` when no incident is direct."""
    members: list[Event] = []
    member_links: list[Link] = []
    counters: list[Event] = []
    for event in incidents:
        for link in links_by_ref.get(event.ref, ()):
            if link.suspect == suspect and link.victim == victim:
                members.append(event)
                member_links.append(link)
            elif link.suspect == victim and link.victim == suspect and link.kind == "direct":
                counters.append(event)
    direct = [e for e, link in zip(members, member_links, strict=True) if link.kind == "direct"]
    if not direct:
        return None
    first = min((e.reported_at, e.ref) for e in direct)
    targets = _direct_targets(suspect, incidents, links_by_ref)
    kept = [
        (e, link)
        for e, link in zip(members, member_links, strict=True)
        if link.kind == "direct"
        or ((e.reported_at, e.ref) >= first and _main_target(victim, link.via, targets))
    ]
    members = [e for e, _ in kept]
    member_links = [link for _, link in kept]
    ordered = by_time(members)
    order = {e.ref: i for i, e in enumerate(ordered)}
    relationship = None
    for event in reversed(ordered):
        if victim in event.victims and (relationship := event.relationship(suspect)):
            break
    return Series(
        suspect=suspect,
        victim=victim,
        incidents=tuple(ordered),
        links=tuple(sorted(member_links, key=lambda link: order[link.incident_ref])),
        counter_refs=tuple(e.ref for e in by_time(counters)),
        relationship=relationship,
    )

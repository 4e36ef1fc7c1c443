"""The POLE link graph around entities, loaded lazily from the store one neighbourhood at a time.

Nodes are people (entity ids such as ``P0000001``; a person mention not yet resolved is
``mention:<mention_key>``), objects (``phone:+447700900123``, ``email:...``,
``account:facebook:...``, ``vehicle:AB12CDE``), locations (``location:<address key>``) and events
(the record key: ``incident:cad:INC-1``, ``crime:rms:CRM-1``, ``order:courts:ORD-1``).

Edges (:func:`edge_kinds`) each carry their evidence in words:

* ``party_to`` person → event, with the role ("INC-1: suspect, former partner of the victim");
* ``has_<kind>`` (``has_phone``, ``has_email``, ..., one per identifier kind of
  :mod:`threadline.model.kinds`) person → object, from the
  identifiers of the person's mentions ("phone +447700900123 recorded for Alys Penhallow in INC-1
  and INC-9");
* ``lives_at`` person → location, from the address given in a mention; ``occurred_at``
  incident → location;
* ``relationship`` person → victim, from ``relationship_to_victim`` in an incident or crime;
* ``association`` person → person, from an association record (kind, source, date);
* ``order`` respondent → protected person, from a court order.

:func:`expand` reads the edges of a set of nodes with indexed queries and nothing else: the store
is never loaded whole. An object or location linked to more than ``degree_cap`` people and
incidents (a phone shared by a whole hostel, a shopping centre) is *capped*: it comes back marked
with ``capped=True`` and without its edges, so searches report it but do not pass through it.
:class:`LinkGraph` keeps what has been expanded so that a search reads each neighbourhood once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, literal, select

from threadline.model.kinds import identifier_kinds

#: Plain-English names of order types: one definition, in threadline.recognise.history.
from threadline.recognise.history import ORDER_LABELS as ORDER_WORDS
from threadline.store import tables as t
from threadline.store.queries import chunks

#: The kinds of link that are not a person's identifier (``has_<kind>``, one per identifier kind).
OTHER_EDGE_KINDS: frozenset[str] = frozenset(
    {"party_to", "lives_at", "occurred_at", "relationship", "association", "order"}
)
EVENT_KINDS = ("incident", "crime", "order")


def object_kinds() -> tuple[str, ...]:
    """The node kinds of objects: every registered identifier kind (``phone``, ``email``...)."""
    return tuple(kind.name for kind in identifier_kinds())


def edge_kinds() -> frozenset[str]:
    """Every kind of link, as the ``kinds`` filters of searches name them."""
    return OTHER_EDGE_KINDS | {kind.edge for kind in identifier_kinds()}


def node_kinds() -> tuple[str, ...]:
    """Every kind of node: people, objects, locations and events."""
    return ("person", *object_kinds(), "location", *EVENT_KINDS)


#: An object or location linked to more people and incidents than this is not expanded through.
DEFAULT_DEGREE_CAP = 50
#: Refs named one by one in an edge's evidence before "and N more".
REFS_SHOWN = 5
MENTION_PREFIX = "mention:"


@dataclass(frozen=True)
class Node:
    """One node of the link graph. ``capped`` nodes were too busy to expand through; ``degree``
    then says how many people and incidents were counted before giving up (at least that many)."""

    id: str
    kind: str
    label: str
    capped: bool = False
    degree: int | None = None


@dataclass(frozen=True)
class Edge:
    """One link with its evidence. ``detail`` says which link of a kind (the relationship, the
    association or order record); ``refs`` are the records it comes from."""

    source: str
    target: str
    kind: str
    evidence: str
    refs: tuple[str, ...] = ()
    detail: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.source, self.target, self.kind, self.detail)

    def other(self, node_id: str) -> str:
        return self.target if node_id == self.source else self.source


def node_kind(node_id: str) -> str:
    """The kind of node an id names (``person`` for entity ids and unresolved mentions)."""
    if ":" not in node_id:
        if not node_id.strip():
            raise ValueError("a node id must not be empty")
        return "person"
    prefix = node_id.split(":", 1)[0]
    if prefix == "mention":
        return "person"
    objects = object_kinds()
    if prefix in objects or prefix == "location" or prefix in EVENT_KINDS:
        return prefix
    raise ValueError(
        f"{node_id!r} is not a link-graph node: use an entity id (P0000001), a mention key, "
        f"or one of {', '.join(p + ':...' for p in (*objects, 'location', *EVENT_KINDS))}"
    )


def check_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    """The edge kinds to follow (all when ``None``); an unknown kind is an error naming it."""
    every = edge_kinds()
    if kinds is None:
        return every
    chosen = frozenset(kinds)
    unknown = sorted(chosen - every)
    if unknown:
        expected = ", ".join(sorted(every))
        raise ValueError(f"unknown link kind {', '.join(unknown)}; expected some of {expected}")
    return chosen


def refs_text(refs: Sequence[str]) -> str:
    """``INC-1``, ``INC-1 and INC-9``, ``INC-1, INC-2, ... INC-5 and 3 more``."""
    refs = list(refs)
    if len(refs) > REFS_SHOWN:
        return f"{', '.join(refs[:REFS_SHOWN])} and {len(refs) - REFS_SHOWN} more"
    if len(refs) <= 1:
        return "".join(refs)
    return f"{', '.join(refs[:-1])} and {refs[-1]}"


def _words(value: str) -> str:
    return value.replace("_", " ")


def _ref(record_key: str) -> str:
    return record_key.split(":", 2)[2]


def _person_id(entity_id: str | None, mention_key: str) -> str:
    return entity_id or f"{MENTION_PREFIX}{mention_key}"


@dataclass
class _Draft:
    """An edge being gathered from several rows; its evidence is written once labels are known."""

    source: str
    target: str
    kind: str
    detail: str | None
    refs: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add_ref(self, ref: str) -> None:
        if ref not in self.refs:
            self.refs.append(ref)


class _Expansion:
    """One call of :func:`expand`: rows read, then nodes and edges written out."""

    def __init__(self, conn: Connection, degree_cap: int | None) -> None:
        self.conn = conn
        self.cap = degree_cap
        self.drafts: dict[tuple[str, str, str, str | None], _Draft] = {}
        self.events: dict[str, dict[str, Any]] = {}  # record key -> row facts
        self.mention_names: dict[str, str] = {}  # mention node id -> name as written
        self.location_text: dict[str, str] = {}
        self.capped: dict[str, int] = {}
        self.touched: set[str] = set()

    # -- drafting ---------------------------------------------------------------------------

    def draft(self, source: str, target: str, kind: str, detail: str | None = None) -> _Draft:
        key = (source, target, kind, detail)
        found = self.drafts.get(key)
        if found is None:
            found = self.drafts[key] = _Draft(source, target, kind, detail)
            self.touched.update((source, target))
        return found

    def note_mention(self, row: Any) -> str:
        person = _person_id(row.entity_id, row.mention_key)
        if row.entity_id is None:
            name = " ".join(p for p in (row.forenames, row.surname) if p) or "unnamed person"
            self.mention_names[person] = (
                f"{name} ({row.role} in {_ref(row.record_key)}, unresolved)"
            )
        return person

    # -- reading ----------------------------------------------------------------------------

    def parties(self, record_keys: Iterable[str]) -> list[Any]:
        m, em = t.mentions, t.entity_members
        rows: list[Any] = []
        for chunk in chunks(sorted(set(record_keys))):
            rows += self.conn.execute(
                select(
                    m.c.record_key,
                    m.c.record_kind,
                    m.c.mention_key,
                    m.c.position,
                    m.c.role,
                    m.c.relationship_to_victim,
                    m.c.forenames,
                    m.c.surname,
                    em.c.entity_id,
                )
                .outerjoin(em, em.c.mention_key == m.c.mention_key)
                .where(m.c.record_key.in_(chunk))
                .order_by(m.c.id)
            ).all()
        return rows

    def read_events(self, record_keys: Iterable[str]) -> None:
        by_kind: dict[str, list[str]] = {}
        for key in set(record_keys) - set(self.events):
            by_kind.setdefault(key.split(":", 1)[0], []).append(key)
        i, c, o, a = t.incidents, t.crimes, t.orders, t.associations
        queries = {
            "incident": (
                i,
                (i.c.ref, i.c.category, i.c.reported_at, i.c.location_key, i.c.location_text),
            ),
            "crime": (c, (c.c.ref, c.c.offence, c.c.recorded_at)),
            "order": (o, (o.c.ref, o.c.order_type, o.c.interim, o.c.starts, o.c.ends)),
            "association": (a, (a.c.ref, a.c.source, a.c.kind, a.c.since, a.c.document)),
        }
        for kind, keys in by_kind.items():
            if kind not in queries:
                continue
            table, columns = queries[kind]
            for chunk in chunks(sorted(keys)):
                for row in self.conn.execute(
                    select(table.c.record_key, *columns).where(table.c.record_key.in_(chunk))
                ):
                    self.events[row.record_key] = dict(row._mapping)

    # -- expanding each kind of node ----------------------------------------------------------

    def people(self, person_ids: Sequence[str]) -> None:
        entity_ids = [p for p in person_ids if not p.startswith(MENTION_PREFIX)]
        mention_keys = [
            p[len(MENTION_PREFIX) :] for p in person_ids if p.startswith(MENTION_PREFIX)
        ]
        m, em = t.mentions, t.entity_members
        record_keys: set[str] = set()
        for chunk in chunks(entity_ids):
            record_keys.update(
                self.conn.execute(
                    select(m.c.record_key)
                    .join(em, em.c.mention_key == m.c.mention_key)
                    .where(em.c.entity_id.in_(chunk))
                ).scalars()
            )
        for chunk in chunks(mention_keys):
            record_keys.update(
                self.conn.execute(
                    select(m.c.record_key).where(m.c.mention_key.in_(chunk))
                ).scalars()
            )
        wanted = set(person_ids)
        parties = self.parties(record_keys)
        self.read_events(record_keys)
        own_mentions: dict[str, str] = {}  # mention key -> person node id
        by_record: dict[str, list[tuple[str, Any]]] = {}
        for row in parties:
            person = self.note_mention(row)
            by_record.setdefault(row.record_key, []).append((person, row))
            if person in wanted:
                own_mentions[row.mention_key] = person
        for record_key, rows in by_record.items():
            kind = record_key.split(":", 1)[0]
            if kind in EVENT_KINDS:
                for person, row in rows:
                    if person in wanted:
                        self.party_to(person, row)
            if kind in ("incident", "crime"):
                self.relationships(record_key, rows, wanted)
            elif kind == "order":
                self.order(record_key, rows, wanted)
            elif kind == "association":
                self.association(record_key, rows, wanted)
        self.objects_of(own_mentions)
        self.addresses_of(own_mentions)

    def party_to(self, person: str, row: Any) -> None:
        draft = self.draft(person, row.record_key, "party_to")
        draft.add_ref(_ref(row.record_key))
        roles = draft.facts.setdefault("roles", [])
        if row.role not in roles:
            roles.append(row.role)
        if row.relationship_to_victim and row.role != "victim":
            draft.facts.setdefault("relationship", row.relationship_to_victim)

    def relationships(self, record_key: str, rows: list[tuple[str, Any]], wanted: set[str]) -> None:
        victims = [person for person, row in rows if row.role == "victim"]
        for person, row in rows:
            relation = row.relationship_to_victim
            if row.role == "victim" or not relation or relation == "not_known":
                continue
            for victim in victims:
                if victim == person or not ({person, victim} & wanted):
                    continue
                draft = self.draft(person, victim, "relationship", relation)
                draft.add_ref(_ref(record_key))
                draft.facts.setdefault("role", row.role)

    def order(self, record_key: str, rows: list[tuple[str, Any]], wanted: set[str]) -> None:
        respondents = [p for p, row in rows if row.position == "respondent"]
        protected = [p for p, row in rows if row.position.startswith("protected")]
        for respondent in respondents:
            for person in protected:
                if respondent != person and {respondent, person} & wanted:
                    self.draft(respondent, person, "order", record_key).add_ref(_ref(record_key))

    def association(self, record_key: str, rows: list[tuple[str, Any]], wanted: set[str]) -> None:
        ends = {row.position: person for person, row in rows}
        a, b = ends.get("a"), ends.get("b")
        if a and b and a != b and {a, b} & wanted:
            self.draft(a, b, "association", record_key).add_ref(_ref(record_key))

    def objects_of(self, own_mentions: dict[str, str]) -> None:
        i = t.identifiers
        for chunk in chunks(sorted(own_mentions)):
            rows = self.conn.execute(
                select(i.c.mention_key, i.c.record_key, i.c.kind, i.c.value)
                .where(i.c.mention_key.in_(chunk), i.c.value.is_not(None))
                .order_by(i.c.id)
            )
            for row in rows:
                person = own_mentions[row.mention_key]
                target = f"{row.kind}:{row.value}"
                self.draft(person, target, f"has_{row.kind}").add_ref(_ref(row.record_key))

    def addresses_of(self, own_mentions: dict[str, str]) -> None:
        f, m = t.mention_features, t.mentions
        for chunk in chunks(sorted(own_mentions)):
            rows = self.conn.execute(
                select(
                    f.c.mention_key, f.c.record_key, f.c.address_key, m.c.address_text, m.c.postcode
                )
                .join(m, m.c.mention_key == f.c.mention_key)
                .where(f.c.mention_key.in_(chunk), f.c.address_key.is_not(None))
                .order_by(m.c.id)
            )
            for row in rows:
                self.lives_at(own_mentions[row.mention_key], row)

    def lives_at(self, person: str, row: Any) -> None:
        location = f"location:{row.address_key}"
        written = ", ".join(p for p in (row.address_text, row.postcode) if p)
        self.location_text.setdefault(location, written)
        draft = self.draft(person, location, "lives_at")
        draft.add_ref(_ref(row.record_key))
        draft.facts.setdefault("written", written)

    def events_expand(self, record_keys: Sequence[str]) -> None:
        self.read_events(record_keys)
        for row in self.parties(record_keys):
            person = self.note_mention(row)
            self.party_to(person, row)
        for key in record_keys:
            facts = self.events.get(key)
            if facts and facts.get("location_key"):
                location = f"location:{facts['location_key']}"
                self.location_text.setdefault(location, facts.get("location_text") or "")
                self.draft(key, location, "occurred_at").add_ref(facts["ref"])

    def busy(self, node_id: str, counted: int) -> bool:
        if self.cap is not None and counted > self.cap:
            self.capped[node_id] = counted
            return True
        return False

    def object_expand(self, node_id: str) -> None:
        kind, value = node_id.split(":", 1)
        i, em = t.identifiers, t.entity_members
        person = func.coalesce(em.c.entity_id, literal(MENTION_PREFIX) + i.c.mention_key)
        where = (i.c.kind == kind, i.c.value == value, i.c.mention_key.is_not(None))
        joined = i.outerjoin(em, em.c.mention_key == i.c.mention_key)
        if self.cap is not None:
            counted = self.conn.execute(
                select(person).select_from(joined).where(*where).distinct().limit(self.cap + 1)
            ).all()
            if self.busy(node_id, len(counted)):
                return
        m = t.mentions
        rows = self.conn.execute(
            select(
                i.c.record_key,
                m.c.mention_key,
                m.c.role,
                m.c.forenames,
                m.c.surname,
                em.c.entity_id,
            )
            .select_from(joined.join(m, m.c.mention_key == i.c.mention_key))
            .where(*where)
            .order_by(i.c.id)
        )
        for row in rows:
            owner = self.note_mention(row)
            self.draft(owner, node_id, f"has_{kind}").add_ref(_ref(row.record_key))

    def location_expand(self, node_id: str) -> None:
        key = node_id.split(":", 1)[1]
        f, em, m, i = t.mention_features, t.entity_members, t.mentions, t.incidents
        joined = f.outerjoin(em, em.c.mention_key == f.c.mention_key)
        if self.cap is not None:
            person = func.coalesce(em.c.entity_id, literal(MENTION_PREFIX) + f.c.mention_key)
            people = self.conn.execute(
                select(person)
                .select_from(joined)
                .where(f.c.address_key == key)
                .distinct()
                .limit(self.cap + 1)
            ).all()
            incidents = self.conn.execute(
                select(i.c.id).where(i.c.location_key == key).limit(self.cap + 1)
            ).all()
            if self.busy(node_id, len(people) + len(incidents)):
                return
        rows = self.conn.execute(
            select(
                f.c.record_key,
                f.c.address_key,
                m.c.mention_key,
                m.c.role,
                m.c.forenames,
                m.c.surname,
                m.c.address_text,
                m.c.postcode,
                em.c.entity_id,
            )
            .select_from(joined.join(m, m.c.mention_key == f.c.mention_key))
            .where(f.c.address_key == key)
            .order_by(m.c.id)
        )
        for row in rows:
            self.lives_at(self.note_mention(row), row)
        keys = self.conn.execute(select(i.c.record_key).where(i.c.location_key == key)).scalars()
        self.events_expand(list(keys))

    # -- writing out ------------------------------------------------------------------------

    def entity_labels(self, ids: Iterable[str]) -> dict[str, str]:
        labels: dict[str, str] = {}
        for chunk in chunks(sorted(ids)):
            rows = self.conn.execute(
                select(t.entities.c.id, t.entities.c.label).where(t.entities.c.id.in_(chunk))
            )
            labels.update({row.id: row.label or row.id for row in rows})
        return labels

    def finish(self, expanded: Iterable[str]) -> tuple[dict[str, Node], list[Edge]]:
        ids = self.touched | set(expanded)
        self.read_events(i for i in ids if node_kind(i) in EVENT_KINDS)
        entities = self.entity_labels(
            i for i in ids if node_kind(i) == "person" and not i.startswith(MENTION_PREFIX)
        )
        nodes = {i: self.node(i, entities) for i in ids}
        edges = [self.edge(d, nodes) for d in self.drafts.values()]
        return nodes, edges

    def node(self, node_id: str, entities: dict[str, str]) -> Node:
        kind = node_kind(node_id)
        if kind == "person":
            label = entities.get(node_id) or self.mention_names.get(node_id) or node_id
        elif kind in EVENT_KINDS:
            label = self.event_label(node_id)
        elif kind == "location":
            label = self.location_text.get(node_id) or node_id.split(":", 1)[1]
        else:
            label = f"{kind} {node_id.split(':', 1)[1]}"
        degree = self.capped.get(node_id)
        return Node(node_id, kind, label, capped=degree is not None, degree=degree)

    def event_label(self, key: str) -> str:
        facts = self.events.get(key)
        if not facts:
            return _ref(key)
        kind = key.split(":", 1)[0]
        if kind == "incident":
            return f"{facts['ref']} ({_words(facts['category'])}, {facts['reported_at']:%Y-%m-%d})"
        if kind == "crime":
            return f"{facts['ref']} ({facts['offence']}, {facts['recorded_at']:%Y-%m-%d})"
        return f"{facts['ref']} ({self.order_words(facts)}, from {facts['starts']})"

    @staticmethod
    def order_words(facts: dict[str, Any]) -> str:
        name = ORDER_WORDS.get(facts["order_type"], _words(facts["order_type"]))
        return f"interim {name}" if facts.get("interim") else name

    def edge(self, draft: _Draft, nodes: dict[str, Node]) -> Edge:
        refs = tuple(draft.refs)
        kind, facts = draft.kind, draft.facts
        source, target = nodes[draft.source], nodes[draft.target]
        if kind == "party_to":
            text = f"{refs_text(refs)}: {', '.join(_words(r) for r in facts['roles'])}"
            if facts.get("relationship"):
                text += f", {_words(facts['relationship'])} of the victim"
        elif kind.startswith("has_"):
            value = draft.target.split(":", 1)[1]
            text = f"{kind[4:]} {value} recorded for {source.label} in {refs_text(refs)}"
        elif kind == "lives_at":
            written = facts.get("written") or target.label
            text = f"address {written} given for {source.label} in {refs_text(refs)}"
        elif kind == "occurred_at":
            text = f"{refs_text(refs)} happened at {target.label}"
        elif kind == "relationship":
            text = (
                f"{refs_text(refs)}: {_words(facts['role'])}, {_words(draft.detail or '')} "
                f"of the victim"
            )
        elif kind == "association":
            text = self.association_text(draft.detail or "")
        else:  # order
            text = self.order_text(draft.detail or "", source, target)
        return Edge(draft.source, draft.target, kind, text, refs, draft.detail)

    def association_text(self, record_key: str) -> str:
        facts = self.events.get(record_key) or {}
        document = facts.get("document") or {}
        link = _words(facts.get("kind") or "link")
        family = document.get("family_kind")
        text = f"association {link}"
        if family:
            text += f" ({_words(family)})"
        text += f" from {facts.get('source', '?')} ref {facts.get('ref', _ref(record_key))}"
        if facts.get("since"):
            text += f" since {facts['since']}"
        if document.get("note"):
            text += f": {document['note']}"
        return text

    def order_text(self, record_key: str, respondent: Node, protected: Node) -> str:
        facts = self.events.get(record_key)
        if not facts:
            return f"{_ref(record_key)}: order"
        until = f" to {facts['ends']}" if facts.get("ends") else ""
        return (
            f"{facts['ref']}: {self.order_words(facts)} binds {respondent.label} and protects "
            f"{protected.label}, from {facts['starts']}{until}"
        )


def expand(
    conn: Connection,
    node_ids: Iterable[str],
    *,
    degree_cap: int | None = DEFAULT_DEGREE_CAP,
) -> tuple[dict[str, Node], list[Edge]]:
    """The edges of ``node_ids`` and the nodes at their ends, read with indexed queries.

    Returns every node seen (the expanded ones and their neighbours) by id, and the edges that
    touch an expanded node. An object or location with more than ``degree_cap`` people and
    incidents comes back ``capped`` and without edges (``None``: no cap).
    """
    ids = sorted(set(node_ids))
    work = _Expansion(conn, degree_cap)
    by_kind: dict[str, list[str]] = {}
    for node_id in ids:
        by_kind.setdefault(node_kind(node_id), []).append(node_id)
    if by_kind.get("person"):
        work.people(by_kind["person"])
    events = [i for k in EVENT_KINDS for i in by_kind.get(k, [])]
    if events:
        work.events_expand(events)
    for kind in object_kinds():
        for node_id in by_kind.get(kind, []):
            work.object_expand(node_id)
    for node_id in by_kind.get("location", []):
        work.location_expand(node_id)
    return work.finish(ids)


class LinkGraph:
    """The part of the link graph read so far: each node is expanded once, on demand."""

    def __init__(self, conn: Connection, degree_cap: int | None = DEFAULT_DEGREE_CAP) -> None:
        self.conn = conn
        self.degree_cap = degree_cap
        self.nodes: dict[str, Node] = {}
        self.expanded: set[str] = set()
        self._adjacent: dict[str, dict[str, dict[tuple[str, str, str, str | None], Edge]]] = {}

    def expand(self, node_ids: Iterable[str], *, uncapped: bool = False) -> None:
        """Read the neighbourhoods of ``node_ids`` not read yet (``uncapped``: ignore the cap)."""
        todo = sorted(set(node_ids) - self.expanded)
        if not todo:
            return
        nodes, edges = expand(self.conn, todo, degree_cap=None if uncapped else self.degree_cap)
        for node_id, node in nodes.items():
            known = self.nodes.get(node_id)
            if known is None or node.capped or node_id in todo:
                self.nodes[node_id] = node
        for edge in edges:
            for end in (edge.source, edge.target):
                self._adjacent.setdefault(end, {}).setdefault(edge.other(end), {})[edge.key] = edge
        self.expanded.update(todo)

    def is_capped(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return bool(node and node.capped)

    @property
    def capped(self) -> list[Node]:
        """The busy nodes met so far, which searches did not pass through."""
        return sorted((n for n in self.nodes.values() if n.capped), key=lambda n: n.id)

    def neighbours(
        self, node_id: str, kinds: frozenset[str] | None = None
    ) -> dict[str, list[Edge]]:
        """Neighbour id → the edges (of ``kinds``, all if ``None``) joining it to ``node_id``;
        expand first."""
        found: dict[str, list[Edge]] = {}
        for other, edges in self._adjacent.get(node_id, {}).items():
            chosen = [e for e in edges.values() if kinds is None or e.kind in kinds]
            if chosen:
                found[other] = chosen
        return found

    def edges_between(self, a: str, b: str, kinds: frozenset[str] | None = None) -> list[Edge]:
        edges = self._adjacent.get(a, {}).get(b, {})
        chosen = (e for e in edges.values() if kinds is None or e.kind in kinds)
        return sorted(chosen, key=lambda e: e.key)

    def node(self, node_id: str) -> Node:
        found = self.nodes.get(node_id)
        if found is None:
            self.expand([node_id])
            found = self.nodes[node_id]
        return found

"""What a role may be shown: one decision for every view, page, export and API answer.

:mod:`threadline.guard.policy` says which roles see the contact details of victims, witnesses,
callers and third parties (:func:`~threadline.guard.policy.sees_contact_details`) and why. This
module applies that decision to each kind of data Threadline shows:

* a person or mention (:func:`disclose_person`): protected mentions' contact fields blanked;
* an identifier or a location (:func:`disclose_identifier`, :func:`disclose_location`);
* an alert (:func:`disclose_alerts`): the place a repeat-location alert is about, wherever
  the alert names it (details, key, reason, action);
* join evidence (:func:`disclose_evidence`): each piece says itself whether it discloses contact
  detail (its ``contact`` flag, set where the evidence is made, from the comparison, not from
  its words); a flagged piece is put into words without its values. Nothing here reads a
  sentence to decide: rewording an explanation cannot change what a role sees;
* a person profile and an incident picture (:func:`disclose_profile`, :func:`disclose_picture`),
  which gather the above;
* the link graph (:class:`GraphDisclosure`, :func:`disclose_network`): nodes that locate or
  reach someone (every kind but people and records) shown as their kind, under an id that does
  not carry the value; the links and their kinds stay.

Pages, routes and exports call these and nothing else to decide; a new view should too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from threadline.guard.policy import (
    PROTECTED_PERSON_ROLES,
    UserRole,
    redact_person,
    sees_contact_details,
)
from threadline.model.kinds import identifier_kind, identifier_kinds

__all__ = [
    "OPEN_NODE_KINDS",
    "WITHHELD",
    "Disclosable",
    "GraphDisclosure",
    "alert_records",
    "disclose_alerts",
    "disclose_evidence",
    "disclose_identifier",
    "disclose_location",
    "disclose_members",
    "disclose_network",
    "disclose_person",
    "disclose_picture",
    "disclose_profile",
    "may_see_contact",
]

WITHHELD = "(withheld)"


@runtime_checkable
class Disclosable(Protocol):
    """A piece of evidence that says whether its values locate or reach someone, and can be put
    into words with or without them (:class:`threadline.resolve.explain.Evidence`)."""

    @property
    def contact(self) -> bool: ...

    def sentence(self, withhold: bool = False) -> str: ...


def may_see_contact(role: str | UserRole, person_role: str | None = None) -> bool:
    """Whether ``role`` may see the contact details of a mention in ``person_role`` (``None``:
    of someone who may be protected). A suspect's details are shown to every role that may view
    the person; anyone else's only to roles that act on them."""
    if sees_contact_details(role):
        return True
    return person_role is not None and person_role not in PROTECTED_PERSON_ROLES


def disclose_person(person: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """A mention or profile fit for ``role`` (:func:`~threadline.guard.policy.redact_person`)."""
    return redact_person(person, role)


def disclose_identifier(
    value: str, role: str | UserRole, person_role: str | None = None, kind: str | None = None
) -> str:
    """An identifier as ``role`` may see it: the value or ``(withheld)``. A value of a kind
    not declared contact detail (:mod:`threadline.model.kinds`) is shown as it is; any other
    (or a value of a kind not said) only to those who may see the person's contact details."""
    if kind is not None and not identifier_kind(kind).contact:
        return value
    return value if may_see_contact(role, person_role) else WITHHELD


def disclose_location(value: str | None, role: str | UserRole) -> str | None:
    """An address, postcode or location key as ``role`` may see it (a place may be anyone's
    home, so only roles that see contact details see it)."""
    if value is None or sees_contact_details(role):
        return value
    return WITHHELD


def disclose_evidence(items: Iterable[Disclosable | str], role: str | UserRole) -> list[str]:
    """Join evidence in words for ``role``: a piece flagged as contact detail loses its values
    for roles without contact-detail access; its kind and weight stay. A plain string is a note
    (a reviewer's, an inference's) and is shown as written."""
    withhold = not sees_contact_details(role)
    shown = []
    for item in items:
        if isinstance(item, Disclosable):
            shown.append(item.sentence(withhold and item.contact))
        else:
            shown.append(str(item))
    return shown


# -- alerts ---------------------------------------------------------------------------------------


def _replace_all(value: Any, secrets: Sequence[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, WITHHELD)
        return value
    if isinstance(value, list):
        return [_replace_all(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _replace_all(v, secrets) for k, v in value.items()}
    return value


def _places(alert: Mapping[str, Any]) -> list[str]:
    """The places an alert is about, as its structured details name them (longest first)."""
    details = alert.get("details")
    if not isinstance(details, dict):
        return []
    found = {
        str(v)
        for k, v in details.items()
        if ("location" in k or "address" in k or "postcode" in k) and isinstance(v, str) and v
    }
    return sorted(found, key=len, reverse=True)


def _copy(value: Any) -> Any:
    """A copy of JSON-like data (dicts and lists copied, the rest shared)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _withhold_places(alerts: list[dict[str, Any]]) -> None:
    for alert in alerts:
        secrets = _places(alert)
        if secrets:
            for key in list(alert):
                alert[key] = _replace_all(alert[key], secrets)


def disclose_alerts(alerts: list[dict[str, Any]], role: str | UserRole) -> list[dict[str, Any]]:
    """Copies of alert rows fit for ``role``: for roles without contact-detail access, the place
    an alert is about (a repeat location is often a home) is withheld wherever it appears."""
    result: list[dict[str, Any]] = _copy(alerts)
    if not sees_contact_details(role):
        _withhold_places(result)
    return result


def alert_records(alerts: Iterable[Mapping[str, Any]], entity: str | None = None) -> list[str]:
    """What an audit row names for a read of ``alerts``: each person in them (and ``entity``,
    the person asked about, even when nothing was found)."""
    people = {str(p) for a in alerts for p in (a.get("people") or [])}
    if entity:
        people.add(entity)
    return [f"person:{p}" for p in sorted(people)]


# -- gathered views -------------------------------------------------------------------------------


#: The free text of a case's steps (a note of what was done, a reason for closing): written by
#: officers, it may say where the victim is, like a narrative.
CASE_FREE_TEXT = ("note", "reason")
WITHHELD = "(withheld)"


def disclose_case(case: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """A copy of a case (:func:`threadline.crossref.cases.case_view`) fit for ``role``: for
    roles without contact-detail access, the free text of its steps is withheld whole, as a
    narrative is; who did what and when stays."""
    result: dict[str, Any] = _copy(case)
    if sees_contact_details(role):
        return result
    for step in result.get("steps", []):
        detail = step.get("detail") or {}
        if step.get("role") != "system":
            for name in CASE_FREE_TEXT:
                if detail.get(name):
                    detail[name] = WITHHELD
    return result


def disclose_profile(profile: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """A person profile (``PersonProfile.to_dict()``) fit for ``role``: protected mentions'
    contact fields blanked, each mention's join evidence in words for the role, alert places
    withheld."""
    result = redact_person(profile, role)
    for mention in result.get("mentions", []):
        if isinstance(mention, dict) and isinstance(mention.get("evidence"), list):
            mention["evidence"] = disclose_evidence(mention["evidence"], role)
    if not sees_contact_details(role):
        alerts = result.get("alerts", [])
        # the folded alerts name their alerts by key, and a key can hold the place (a repeat
        # location's): withheld alike, so a folded entry still finds its alert
        secrets = sorted({p for a in alerts for p in _places(a)}, key=len, reverse=True)
        _withhold_places(alerts)
        if secrets and "folded_alerts" in result:
            result["folded_alerts"] = _replace_all(result["folded_alerts"], secrets)
    return result


def disclose_members(members: list[dict[str, Any]], role: str | UserRole) -> list[dict[str, Any]]:
    """Rows each with ``evidence`` (why a record is this person, a search hit, a call-time
    decision) with the evidence in words for ``role``."""
    return [{**m, "evidence": disclose_evidence(m.get("evidence") or [], role)} for m in members]


def disclose_picture(picture: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """An incident picture (``Picture.to_dict()``) fit for ``role``: each person's evidence in
    words for the role; for roles without contact-detail access, the incident's location,
    postcode and narrative (free text that may name where the victim lives) withheld and listed
    under ``withheld``, shared objects' values and alert places withheld while the links stay."""
    result: dict[str, Any] = _copy(picture)
    sees = sees_contact_details(role)
    for person in result.get("people", []):
        person["evidence"] = disclose_evidence(person.get("evidence") or [], role)
        for sender in (person.get("communications") or {}).get("senders", []):
            # a sender is a number, a handle or a name: contact detail (issue 25)
            withheld = sender.pop("reason_withheld", sender.get("reason", ""))
            if not sees:
                sender["sender"] = WITHHELD
                sender["reason"] = withheld
    if sees:
        return result
    incident = result.get("incident", {})
    withheld = []
    for name in ("location", "postcode", "narrative"):
        if incident.get(name):
            incident[name] = None
            withheld.append(name)
    if withheld:
        incident["withheld"] = withheld
    for link in result.get("linked_by_objects", []):
        link["value"] = WITHHELD
    _withhold_places(result.get("alerts", []))
    return result


# -- the link graph -------------------------------------------------------------------------------

#: Kinds of link-graph node that name no way to find or reach anyone: people (by name) and the
#: records they appear in. Every other kind (phone, e-mail, account, vehicle, place, and any kind
#: added later) is a value that locates or reaches someone, withheld from roles that may not see
#: contact details: an object in the graph may be shared by a suspect and a victim.
OPEN_NODE_KINDS: frozenset[str] = frozenset({"person", "incident", "crime", "order"})


class GraphNode(Protocol):
    """A link-graph node (:class:`threadline.links.Node`, a frozen dataclass)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...


class GraphEdge(Protocol):
    """A link-graph edge (:class:`threadline.links.Edge`, a frozen dataclass)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def kind(self) -> str: ...


class GraphView(Protocol):
    """A link chart (:class:`threadline.links.Network`, a dataclass)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def root(self) -> str: ...
    @property
    def nodes(self) -> Sequence[Any]: ...
    @property
    def edges(self) -> Sequence[Any]: ...


N = TypeVar("N", bound=GraphNode)
E = TypeVar("E", bound=GraphEdge)
G = TypeVar("G", bound=GraphView)


def _open_identifier(kind: str) -> bool:
    """Whether ``kind`` is a registered identifier kind that is not contact detail (a kind the
    registry does not know, a place, is withheld)."""
    known = {k.name: k for k in identifier_kinds()}
    return kind in known and not known[kind].contact


class GraphDisclosure:
    """The link graph as ``role`` may see it, one node or edge at a time.

    For a role that may not see contact details, a node of a kind not in
    :data:`OPEN_NODE_KINDS` keeps its kind but loses its value: its label becomes
    ``"phone (withheld)"`` and its id (``phone:+447700900123``) one that names only the kind and
    a number (``phone:withheld-1``), the same for every mention of that node in one answer, so
    the links between them still join up; an edge touching it says its kind, not the value.
    """

    def __init__(self, role: str | UserRole) -> None:
        self.withholds = not may_see_contact(role)
        self._ids: dict[str, str] = {}

    def hides(self, kind: str) -> bool:
        """Whether a node of ``kind`` is shown as its kind alone."""
        return self.withholds and kind not in OPEN_NODE_KINDS and not _open_identifier(kind)

    def node_id(self, node_id: str) -> str:
        """The id under which ``node_id`` is shown (itself unless its value is withheld)."""
        kind = node_id.split(":", 1)[0] if ":" in node_id else "person"
        if not self.hides(kind):
            return node_id
        if node_id not in self._ids:
            self._ids[node_id] = f"{kind}:withheld-{len(self._ids) + 1}"
        return self._ids[node_id]

    def node(self, node: N) -> N:
        if not self.hides(node.kind):
            return node
        shown = self.node_id(node.id)
        return dataclasses.replace(node, id=shown, label=f"{node.kind} {WITHHELD}")

    def edge(self, edge: E) -> E:
        source, target = self.node_id(edge.source), self.node_id(edge.target)
        if (source, target) == (edge.source, edge.target):
            return edge
        evidence = f"{edge.kind.replace('_', ' ')} {WITHHELD}"
        return dataclasses.replace(edge, source=source, target=target, evidence=evidence)


def disclose_network(network: G, role: str | UserRole) -> G:
    """A link chart (:class:`threadline.links.Network`) as ``role`` may see it
    (:class:`GraphDisclosure`): the chart itself when nothing is withheld, else a copy."""
    graph = GraphDisclosure(role)
    if not graph.withholds:
        return network
    return dataclasses.replace(
        network,
        root=graph.node_id(network.root),
        nodes=[graph.node(n) for n in network.nodes],
        edges=[graph.edge(e) for e in network.edges],
    )

"""Who is behind each sender of a victim's communications evidence, and why.

Each sender (a number, a handle, a display name) is an identifier, resolved like any other
(issue 25, part 2). A sender joins a person when the evidence says so:

- ``on_record``: the number or handle is on that person's records (the store's identifiers),
  one person holding it, or one of the victim's suspects among those who do;
- ``named_in_report``: a report of hers names the number and its one suspect ("he is now texting
  her from a new number 07700 900123"): her word;
- ``contact_name``: her own export names the sender as one of her suspects is recorded (the
  name she saved him under, the profile he writes from), one suspect of hers having that name;
- ``reviewed``: a reviewer judged it theirs (``reviewed_different``: not theirs); a
  reviewer's latest judgement stands over the evidence;
- ``shared_content``: the sender writes at least :data:`SHARED_TO_JOIN` distinctive sentences
  (:data:`MIN_WORDS` words or more) that a sender already joined to the person writes, and that
  no sender joined to anyone else, and not she, writes.

A sender with some evidence that is not enough (one shared sentence; two people it could be) is
``review``: for a person to judge. A sender nothing links to anyone is ``unattributed``, and
also goes to review against her suspects, so that nobody is left uncounted without a decision;
a withheld number is ``withheld`` (nobody can say whose it is from the entry). Her own entries
are ``owner``.

Evidence is data (:class:`Clue`): its basis, the values it rests on and the records; words are
rendered when shown (:meth:`Clue.sentence`). Pure: no store, no clock.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from threadline.model.comms import CommsKind, Direction
from threadline.normalise import clean_phones, normalise_phone
from threadline.normalise.accounts import normalise_account
from threadline.normalise.text import fold_text

__all__ = [
    "Attribution",
    "Clue",
    "Holder",
    "Message",
    "Report",
    "Suspect",
    "attribute",
    "sender_identifier",
]

#: Words a sentence needs to be distinctive (short ones, "answer me", anyone writes).
MIN_WORDS = 6
#: Distinctive sentences shared with a joined sender that join a new one; fewer go to review.
SHARED_TO_JOIN = 2
#: How a call log or a handset writes a caller it does not show.
WITHHELD = frozenset(
    {"withheld", "number withheld", "private", "private number", "unknown", "no caller id",
     "restricted", "anonymous"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Message:
    """A stored communication as attribution and the counts need it."""

    at: datetime
    channel: str
    kind: str
    sender: str | None
    direction: str | None
    text: str | None
    thread: str | None
    file: str
    line: int
    recipients: tuple[str, ...] = ()

    @property
    def conversation(self) -> str:
        """The conversation it belongs to: in a call and SMS log, the other party's number (a
        log is many conversations); otherwise its thread, or its file (a chat export is one
        chat)."""
        if self.channel in ("sms", "call"):
            other = self.recipients[0] if self.direction == "outgoing" and self.recipients else None
            return f"{self.file}|{other if other is not None else self.sender}"
        return self.thread or self.file


@dataclass(frozen=True)
class Holder:
    """A person holding an identifier on a record: the store's identifiers, resolved."""

    value: str
    entity_id: str
    mention_key: str
    ref: str


@dataclass(frozen=True)
class Suspect:
    """A suspect in the victim's reports, with the names their records give them."""

    entity_id: str
    names: frozenset[str]  # folded full names
    mention_key: str  # one of their mentions: a stable anchor across re-resolution
    label: str = ""


@dataclass(frozen=True)
class Report:
    """One of the victim's reports: its narrative and its suspects."""

    ref: str
    reported_at: datetime
    narrative: str
    suspects: tuple[str, ...]  # entity ids


@dataclass(frozen=True)
class Clue:
    """One piece of evidence about a sender, as data."""

    #: on_record | named_in_report | contact_name | shared_content | reviewed |
    #: reviewed_different | none
    basis: str
    entity_id: str | None = None
    value: str | None = None
    refs: tuple[str, ...] = ()
    with_sender: str | None = None
    sentences: tuple[str, ...] = ()
    count: int = 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"basis": self.basis}
        for name in ("entity_id", "value", "with_sender"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.refs:
            data["refs"] = list(self.refs)
        if self.sentences:
            data["sentences"] = list(self.sentences)
        if self.count:
            data["count"] = self.count
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Clue:
        return cls(
            basis=str(data["basis"]),
            entity_id=data.get("entity_id"),
            value=data.get("value"),
            refs=tuple(data.get("refs") or ()),
            with_sender=data.get("with_sender"),
            sentences=tuple(data.get("sentences") or ()),
            count=int(data.get("count") or 0),
        )

    @property
    def contact(self) -> bool:
        """Whether the words quote a number, handle or the sender it shares with."""
        return self.basis in ("on_record", "named_in_report", "shared_content")

    def sentence(self, withhold: bool = False) -> str:
        """The evidence in words; with ``withhold``, without the number or handle."""
        refs = ", ".join(self.refs)
        value = "(withheld)" if withhold else self.value
        if self.basis == "on_record":
            return f"{value} is on the records of this person ({refs})"
        if self.basis == "named_in_report":
            return f"the victim's report names {value} as the suspect's ({refs})"
        if self.basis == "contact_name":
            return f"the victim's own export names the sender as the suspect ({refs})"
        if self.basis == "reviewed":
            return f"a reviewer ({self.value}) judged it this person's"
        if self.basis == "reviewed_different":
            return f"a reviewer ({self.value}) judged it not this person's"
        if self.basis == "shared_content":
            other = "(withheld)" if withhold else self.with_sender
            quoted = "; ".join(f'"{s}"' for s in self.sentences[:2])
            return (
                f"writes {self.count} distinctive sentence{'s' if self.count != 1 else ''} that "
                f"{other}, already attributed, writes: {quoted}"
            )
        return "nothing in the evidence links this sender to anyone"


@dataclass
class Attribution:
    """What is decided about one sender."""

    sender: str
    kind: str  # phone | handle | name | withheld | owner
    value: str | None
    status: str  # attributed | review | unattributed | withheld | owner
    entity_id: str | None = None
    mention_key: str | None = None
    clues: list[Clue] = field(default_factory=list)
    candidates: tuple[str, ...] = ()  # for review: whom it could be
    #: for review: a mention of each candidate, to queue the sender against
    candidate_mentions: dict[str, str] = field(default_factory=dict)

    def reason(self, withhold: bool = False) -> str:
        return "; ".join(c.sentence(withhold) for c in self.clues)


@lru_cache(maxsize=4096)  # a download has few senders and many messages
def sender_identifier(sender: str | None, channel: str) -> tuple[str, str | None]:
    """What a sender as written identifies: ``("phone", E.164)``, ``("handle",
    "platform:handle")`` for a handle of a service that has them, ``("name", folded)`` for a
    display name, ``("withheld", None)``."""
    if sender is None or sender.strip().lower() in WITHHELD or not sender.strip():
        return "withheld", None
    phone = normalise_phone(sender)
    if phone is not None:
        return "phone", phone
    if " " not in sender.strip() and channel in ("instagram", "facebook"):
        account = normalise_account(channel, sender)
        if account is not None:
            return "handle", account
    return "name", _fold(sender)


def _fold(text: str) -> str:
    return " ".join(fold_text(text).split())


_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_NOT_WORD = re.compile(r"[^\w\s]")


def distinctive_sentences(text: str | None) -> frozenset[str]:
    """The sentences of ``text`` with :data:`MIN_WORDS` words or more, folded."""
    if not text or text.count(" ") < MIN_WORDS - 1:
        return frozenset()  # too few words for any sentence to be distinctive
    return _distinctive(text)


@lru_cache(maxsize=65_536)  # a victim's download repeats its messages ("answer me")
def _distinctive(text: str) -> frozenset[str]:
    found = set()
    for part in _SENTENCES.split(text):
        words = _NOT_WORD.sub("", _fold(part)).split()
        if len(words) >= MIN_WORDS:
            found.add(" ".join(words))
    return frozenset(found)


def _is_owner(m: Message) -> bool:
    return m.direction == Direction.outgoing


def attribute(
    messages: Iterable[Message],
    holders: Mapping[str, Sequence[Holder]],
    suspects: Sequence[Suspect],
    reports: Sequence[Report],
    judged: Mapping[str, tuple[str, str, str | None, str]] | None = None,
) -> list[Attribution]:
    """Decide each sender of ``messages`` (see the module docstring). ``holders``: for each
    identifier value (E.164, ``platform:handle``, ``whatsapp:+44...``), who holds it on record.
    ``judged``: a reviewer's latest judgement on a sender as written (judgement, the mention it
    was judged against, that mention's person, the reviewer), which stands over the evidence:
    "same" joins it to that person, "different" takes it from them, "unsure" leaves it for
    review."""
    by_sender: dict[str, list[Message]] = defaultdict(list)
    owner: set[str] = set()
    owner_sentences: set[str] = set()
    for m in messages:
        if m.kind == CommsKind.system:
            continue
        if _is_owner(m):
            if m.sender:
                owner.add(m.sender)
            owner_sentences |= distinctive_sentences(m.text)
            continue
        by_sender[m.sender or ""].append(m)
    suspect_ids = {s.entity_id for s in suspects}
    by_name: dict[str, list[Suspect]] = defaultdict(list)
    for s in suspects:
        for name in s.names:
            by_name[name].append(s)
    anchor = {s.entity_id: s.mention_key for s in suspects}
    named = _numbers_named(reports)

    results: dict[str, Attribution] = {}
    sentences: dict[str, set[str]] = {}
    for sender, sent in sorted(by_sender.items()):
        kind, value = sender_identifier(sender or None, sent[0].channel)
        result = Attribution(sender, kind, value, "unattributed")
        results[sender] = result
        sentences[sender] = set().union(*(distinctive_sentences(m.text) for m in sent))
        if kind == "withheld":
            result.status = "withheld"
            continue
        people: dict[str, list[Clue]] = defaultdict(list)
        mentions: dict[str, str] = {}
        if value is not None:
            looked = [value, f"whatsapp:{value}"] if kind == "phone" else [value]
            held = [h for v in looked for h in holders.get(v, ())]
            by_person: dict[str, list[Holder]] = defaultdict(list)
            for h in held:
                by_person[h.entity_id].append(h)
            for entity_id, hs in by_person.items():
                refs = tuple(sorted({h.ref for h in hs}))
                people[entity_id].append(Clue("on_record", entity_id, value, refs))
                mentions.setdefault(entity_id, hs[0].mention_key)
        if kind == "phone" and value is not None:
            for entity_id, refs in named.get(value, {}).items():
                people[entity_id].append(Clue("named_in_report", entity_id, value, refs))
                mentions.setdefault(entity_id, anchor.get(entity_id, ""))
        if kind == "name" and value is not None:
            for s in by_name.get(value, ()):
                refs = tuple(r.ref for r in reports if s.entity_id in r.suspects)[:3]
                people[s.entity_id].append(Clue("contact_name", s.entity_id, None, refs))
                mentions.setdefault(s.entity_id, s.mention_key)
        _decide(result, people, mentions, suspect_ids)

    # shared content, until nothing more joins
    changed = True
    while changed:
        changed = False
        joined: dict[str, set[str]] = defaultdict(set)  # entity -> its senders' sentences
        first_sender: dict[tuple[str, str], str] = {}
        for sender, result in results.items():
            if result.status == "attributed" and result.entity_id is not None:
                joined[result.entity_id] |= sentences[sender]
                for line in sentences[sender]:
                    first_sender.setdefault((result.entity_id, line), sender)
        for sender, result in results.items():
            if result.status not in ("unattributed", "review") or result.kind == "withheld":
                continue
            if any(c.basis != "shared_content" for c in result.clues):
                continue  # a conflict of records is for a person, whatever is written
            mine = sentences[sender] - owner_sentences
            clues: dict[str, list[Clue]] = {}
            for entity_id, theirs in joined.items():
                elsewhere = set().union(*(v for k, v in joined.items() if k != entity_id))
                shared = sorted((mine & theirs) - elsewhere)
                if shared:
                    other = first_sender[(entity_id, shared[0])]
                    clue = Clue(
                        "shared_content",
                        entity_id,
                        with_sender=other,
                        sentences=tuple(shared[:3]),
                        count=len(shared),
                    )
                    clues[entity_id] = [clue]
            if not clues:
                continue
            before = (result.status, result.entity_id)
            result.clues = []
            strong = {e: c for e, c in clues.items() if c[0].count >= SHARED_TO_JOIN}
            source = {
                e: results[c[0].with_sender or ""].mention_key or "" for e, c in clues.items()
            }
            if len(strong) == 1 and len(clues) == 1:
                _decide(result, strong, source, suspect_ids)
            else:
                result.status, result.entity_id = "review", None
                result.clues = [c for cs in clues.values() for c in cs]
                result.candidates = tuple(sorted(clues))
                result.candidate_mentions = {e: source[e] for e in clues if source.get(e)}
            changed |= before != (result.status, result.entity_id)
    for result in results.values():
        if result.status == "unattributed":
            result.clues = [Clue("none")]
            result.candidates = tuple(sorted(suspect_ids))
            result.candidate_mentions = dict(anchor)
    for sender, (judgement, mention, entity, user) in (judged or {}).items():
        found = results.get(sender)
        if found is None or entity is None or found.kind == "withheld":
            continue
        result = found
        if judgement == "same":
            kept = [c for c in result.clues if c.entity_id == entity]
            result.status, result.entity_id, result.mention_key = "attributed", entity, mention
            result.clues = [Clue("reviewed", entity, user), *kept]
        elif judgement == "different":
            if result.entity_id == entity or entity in result.candidates:
                result.status, result.entity_id, result.mention_key = "unattributed", None, None
                result.clues = [Clue("reviewed_different", entity, user)]
                result.candidates = tuple(c for c in result.candidates if c != entity)
        else:
            result.status, result.entity_id = "review", None
    for sender in owner:
        results[sender] = Attribution(sender, "owner", None, "owner")
    return sorted(results.values(), key=lambda a: a.sender)


def _decide(
    result: Attribution,
    people: Mapping[str, list[Clue]],
    mentions: Mapping[str, str],
    suspect_ids: set[str],
) -> None:
    """Join ``result`` to the one person the clues point at; to review if they point at more
    than one (one of them her suspect is preferred only for a number on record)."""
    if not people:
        return
    chosen: str | None = None
    if len(people) == 1:
        chosen = next(iter(people))
    else:
        hers = [e for e in people if e in suspect_ids]
        if len(hers) == 1 and all(
            c.basis == "on_record" for e, cs in people.items() if e != hers[0] for c in cs
        ):
            chosen = hers[0]
    if chosen is None:
        result.status = "review"
        result.candidates = tuple(sorted(people))
        result.candidate_mentions = {e: mentions[e] for e in people if mentions.get(e)}
        result.clues = [c for cs in people.values() for c in cs]
        return
    result.status = "attributed"
    result.entity_id = chosen
    result.mention_key = mentions.get(chosen) or None
    result.clues = list(people[chosen])


def _numbers_named(reports: Sequence[Report]) -> dict[str, dict[str, tuple[str, ...]]]:
    """E.164 number -> {suspect entity: refs of reports with that one suspect naming it}."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for report in reports:
        if len(set(report.suspects)) != 1:
            continue  # whose number it is would be a guess
        for phone in clean_phones(report.narrative):
            found[phone.e164][report.suspects[0]].append(report.ref)
    return {v: {e: tuple(sorted(set(r))) for e, r in by.items()} for v, by in found.items()}

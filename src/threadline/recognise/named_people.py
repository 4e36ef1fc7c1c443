"""People named in a narrative who are already known around the victim: "Mark was there again".

A suspect is often named only in the words of a report, not listed as a person in it, so the course
of conduct would wait for a report that lists him. :func:`people_named` finds, in one narrative, the
people of a given list (those already linked to the victim: earlier suspects, family, associates)
whose name is written there, and says what part the words give them:

- ``suspect`` when the sentence that names them shows a stalking behaviour and they come before it
  in that sentence ("Mark was there again", "Gaz followed her home");
- ``third_party`` otherwise ("he rang her sister Jane").

A forename alone names someone only when exactly one known person answers to it (nicknames count:
"Gaz" is Gareth, through :func:`threadline.normalise.names.are_nickname_equivalent`); a forename and
surname pick out that person; a surname alone ("Evans was outside") needs a unique surname. A name
that fits two known people names neither: the words cannot say which. Pure: no store, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from threadline.normalise.names import are_nickname_equivalent, normalise_name, split_forenames
from threadline.recognise.behaviours import lexicon
from threadline.recognise.history import Event, History, Party

if TYPE_CHECKING:
    from spacy.tokens import Span

NamedRole = Literal["suspect", "third_party"]

#: Capitalised words that are never a person's name in a narrative.
_NOT_NAMES = frozenset(
    {
        "he",
        "she",
        "i",
        "her",
        "his",
        "they",
        "the",
        "a",
        "an",
        "victim",
        "caller",
        "ip",
        "v",
        "vic",
        "susp",
        "suspect",
        "informant",
        "police",
        "pc",
        "officers",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    }
)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr"})


@dataclass(frozen=True)
class KnownPerson:
    """A person already linked to the victim, as the store knows them."""

    entity: str
    forenames: str | None
    surname: str | None


@dataclass(frozen=True)
class NamedPerson:
    """A known person named in a narrative: who, in what part, and the words that named them."""

    entity: str
    role: NamedRole
    name: str
    """The name as written ("Mark", "Gaz Evans")."""
    words: str
    """The sentence that names them ("Mark was there again.")."""
    behaviours: tuple[str, ...] = ()
    """Behaviours that sentence shows, when the role is ``suspect``."""


def people_named(
    narrative: str | None,
    known: Sequence[KnownPerson],
    exclude: Iterable[str] = (),
) -> list[NamedPerson]:
    """The people of ``known`` (minus the entities in ``exclude``) named in ``narrative``.

    Each person at most once, at their first naming, in the order they are named.
    """
    if not narrative or not narrative.strip() or not known:
        return []
    skip = set(exclude)
    matcher = lexicon()
    doc = matcher.doc(narrative)
    found: dict[str, NamedPerson] = {}
    for sent in doc.sents:
        spans = _name_spans(sent)
        if not spans:
            continue
        signs = matcher.find_in(sent.as_doc())
        for i, span in enumerate(spans):
            entity = _who(span, known)
            if entity is None or entity in skip or entity in found:
                continue
            # the behaviours between this name and the next are this person's doing
            start = span.end_char - sent.start_char
            end = (
                spans[i + 1].start_char - sent.start_char if i + 1 < len(spans) else len(sent.text)
            )
            own = tuple(f.behaviour for f in signs if start <= f.start < end)
            found[entity] = NamedPerson(
                entity=entity,
                role="suspect" if own else "third_party",
                name=span.text,
                words=sent.text,
                behaviours=own,
            )
    return list(found.values())


def _name_spans(sent: Span) -> list[Span]:
    """Runs of capitalised words (one or two) that could be a name."""
    spans: list[Span] = []
    i = sent.start
    doc = sent.doc
    while i < sent.end:
        token = doc[i]
        if token.lower_ in _TITLES and i + 1 < sent.end and _capitalised(doc[i + 1]):
            spans.append(doc[i : i + 2])
            i += 2
            continue
        if _capitalised(token):
            end = i + 1
            if end < sent.end and _capitalised(doc[end]):
                end += 1
            spans.append(doc[i:end])
            i = end
            continue
        i += 1
    return spans


def _capitalised(token: object) -> bool:
    text = getattr(token, "text", "")
    return (
        isinstance(text, str)
        and text[:1].isupper()
        and text.isalpha()
        and not text.isupper()
        and text.lower() not in _NOT_NAMES
    )


def _who(span: Span, known: Sequence[KnownPerson]) -> str | None:
    """The one known person this name picks out, or ``None`` (nobody, or more than one)."""
    words = [w for w in (normalise_name(t.text) for t in span) if w]
    titled = bool(words) and words[0] in _TITLES
    words = [w for w in words if w not in _TITLES]
    if not words:
        return None
    if len(words) == 2:
        full = [
            p.entity
            for p in known
            if _forename_fits(words[0], p) and normalise_name(p.surname) == words[1]
        ]
        if len(set(full)) == 1:
            return full[0]
        words = words[:1]
    name = words[0]
    by_surname = {p.entity for p in known if normalise_name(p.surname) == name}
    if titled:
        return next(iter(by_surname)) if len(by_surname) == 1 else None
    by_forename = {p.entity for p in known if _forename_fits(name, p)}
    if len(by_forename) == 1:
        return next(iter(by_forename))
    if not by_forename and len(by_surname) == 1:
        return next(iter(by_surname))
    return None


def _forename_fits(name: str, person: KnownPerson) -> bool:
    forenames = split_forenames(person.forenames)
    return bool(forenames) and (name == forenames[0] or are_nickname_equivalent(name, forenames[0]))


def known_around(event: Event, history: History) -> list[KnownPerson]:
    """The people already linked to this event's victims: the suspects of their earlier events
    and their known associates, with the names the store shows for them (``history.labels``,
    "Forename Surname")."""
    victims = set(event.victims)
    if not victims:
        return []
    linked: dict[str, None] = {}
    for earlier in history.events:
        if earlier.ref != event.ref and victims & set(earlier.victims):
            for suspect in earlier.suspects:
                linked.setdefault(suspect, None)
    for tie in history.associations:
        for mine, theirs in ((tie.a, tie.b), (tie.b, tie.a)):
            if mine in victims:
                linked.setdefault(theirs, None)
    people = []
    for entity in linked:
        words = (history.labels.get(entity) or "").split()
        if len(words) >= 2 and entity not in victims:
            people.append(KnownPerson(entity, " ".join(words[:-1]), words[-1]))
    return people


def with_named_suspects(event: Event, history: History) -> tuple[Event, list[NamedPerson]]:
    """``event`` with the suspects its narrative names (and does not list) added as suspects, and
    everyone it names: a suspect named only in the words ("Mark was there again") joins the course
    of conduct on this report instead of waiting for one that lists him. Third parties named are
    returned, not added (their part is less certain than a suspect's act)."""
    named = people_named(event.narrative, known_around(event, history), exclude=event.entities())
    suspects = [Party(n.entity, "suspect") for n in named if n.role == "suspect"]
    if not suspects:
        return event, named
    return replace(event, parties=(*event.parties, *suspects)), named

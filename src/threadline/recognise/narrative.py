"""The language layer under the behaviour lexicon: spaCy's tokenizer, lookup lemmatizer and Matcher.

A narrative is read as words, not characters: ``followed``, ``follows`` and ``following`` share the
lemma ``follow`` (the lookup table of ``spacy-lookups-data``, plus :data:`SPELLINGS` for the
shorthand and slips a call handler types: ``txting``, ``attnd``, ``folowed``), and a pattern may let
a few words sit between its parts ("sat in his van across the road"). No trained pipeline is used
(none can be downloaded here): :func:`language` builds ``spacy.blank("en")`` with the lookup
lemmatizer and a sentencizer, once per process.

A :class:`Rule` is a set of token patterns for one behaviour, with three checks a match must pass:

- **negation**: a negating word (``not``, ``n't``, ``never``, ``no``, ``nobody``, ``denies``...)
  within :data:`NEGATION_WINDOW` words before it in the same clause negates it, unless a "stop"
  verb follows the negator ("he won't stop following her" is still following);
- **actor** (rules that describe something the suspect does): the nearest subject before the verb
  in the same clause must not be the victim, the caller or an official ("she rang her sister", "the
  school contacted her mum");
- **marker** (rules whose words are also everyday, such as calling someone): the sentence must also
  say the contact is unwanted or persistent ("after she blocked him", "again", "30 times").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # spaCy takes a second or two to import: only the first narrative pays for it
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

Actor = Literal["", "not_official", "not_other", "suspect"]
"""Whose act a rule's words must be: anyone's; not an official's (officers, a PC); not plainly the
victim's or an official's; the suspect's (a suspect named as the subject of the clause)."""

Slot = Any
"""One position of a pattern: a token spec (dict), or alternatives (a list of runs of specs)."""

#: Spellings the lookup table does not know, as a call handler or a victim writes them.
SPELLINGS: dict[str, str] = {
    "texting": "text",
    "texted": "text",
    "number": "number",  # the lookup table says "numb"
    "putting": "put",  # the lookup table says "putt"
    "repeated": "repeated",
    "graffiti": "graffiti",
    "graffitied": "graffiti",
    "dms": "dm",
    "dmed": "dm",
    "dm'd": "dm",
    "dming": "dm",
    "facetimed": "facetime",
    "facetiming": "facetime",
    "snapchats": "snapchat",
    "whatsapps": "whatsapp",
    "usernames": "username",
    "sims": "sim",
    "kerbed": "kerb",
    "kerbing": "kerb",
    "voicemailed": "voicemail",
    "txting": "text",
    "txted": "text",
    "txt": "text",
    "txts": "text",
    "msg": "message",
    "msgs": "message",
    "msging": "message",
    "messaged": "message",
    "messageing": "message",
    "emailing": "email",
    "emailed": "email",
    "emails": "email",
    "e-mailed": "email",
    "e-mailing": "email",
    "e-mails": "email",
    "whatsapped": "whatsapp",
    "whatsapping": "whatsapp",
    "snapchatted": "snapchat",
    "snapchatting": "snapchat",
    "folowed": "follow",
    "foll": "follow",
    "flwd": "follow",
    "followd": "follow",
    "folowing": "follow",
    "followin": "follow",
    "lurkin": "lurk",
    "loiterin": "loiter",
    "hangin": "hang",
    "attnd": "attend",
    "attnded": "attend",
    "attended": "attend",
    "attending": "attend",
    "rang": "ring",
    "rung": "ring",
    "sat": "sit",
    "stood": "stand",
    "keyed": "key",
    "vandalised": "vandalise",
    "vandalized": "vandalise",
    "photographed": "photograph",
    "photographing": "photograph",
    "filmed": "film",
    "filming": "film",
    "logged": "log",
    "logging": "log",
    "hacked": "hack",
    "hacking": "hack",
    "rocked": "rock",
    "popping": "pop",
    "popped": "pop",
    "bombarded": "bombard",
    "bombarding": "bombard",
    "airtags": "airtag",
    "voicemails": "voicemail",
    "uploaded": "upload",
    "uploading": "upload",
    "posted": "post",
    "posting": "post",
    "shadowing": "shadow",
    "shadowed": "shadow",
    "stalked": "stalk",
    "stalking": "stalk",
    "tailgating": "tailgate",
}

NEGATION_WINDOW = 6
_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "none",
        "deny",
        "denies",
        "denied",
        "didnt",
        "doesnt",
        "dont",
        "hasnt",
        "havent",
        "hadnt",
        "wasnt",
        "werent",
        "isnt",
        "wont",
        "cant",
        "couldnt",
        "wouldnt",
        "no-one",
        "noone",
        "whether",
        "if",
    }
)
_IRREALIS = frozenset({"threaten", "threatened", "threatens", "plan", "intend", "offer"})
_STOP_WORDS = frozenset({"stop", "quit", "leave", "give", "cease", "let"})
#: Words that end a clause: a negation or a subject before them does not reach past them.
CLAUSE_BREAKS = frozenset(
    {
        ".",
        ";",
        ":",
        "!",
        "?",
        ",",
        "(",
        ")",
        "–",
        "but",
        "however",
        "although",
        "though",
        "whereas",
        "and",
        "then",
        "so",
        "because",
        "while",
        "whilst",
        "until",
        "when",
        "after",
        "since",
        "which",
    }
)
#: Words a gap in a pattern may not cross (a pattern stays inside one clause of one sentence).
GAP_BREAKS = [".", ";", "!", "?", "but", "however", "although", "though", "whereas"]

#: Subjects that make an act the suspect's, and subjects that make it someone else's.
SUSPECT_SUBJECTS = frozenset(
    {
        "he",
        "him",
        "his",
        "ex",
        "bf",
        "x-bf",
        "ex-bf",
        "exbf",
        "ex-partner",
        "susp",
        "suspect",
        "male",
        "man",
        "someone",
        "somebody",
        "stalker",
        "offender",
        "perpetrator",
        "subject",
        "defendant",
        "accused",
        "respondent",
        "husband",
        "boyfriend",
        "partner",
        "former",
        "they",
        "who",
    }
)
#: "V states ...", "caller reports ...": the subject before one of these is the one reporting.
REPORTING_VERBS = frozenset(
    {"state", "say", "report", "rpt", "rpts", "believe", "think", "tell", "explain", "allege"}
)
#: Subjects whose acts are their job: "officers kept watch on the address".
OFFICIAL_SUBJECTS = frozenset(
    {
        "officer",
        "officers",
        "police",
        "pc",
        "pcso",
        "staff",
        "driver",
        "courier",
        "postman",
        "council",
        "workmen",
        "builders",
        "contractors",
        "engineers",
        "landlord",
        "bank",
        "nurse",
        "doctor",
        "solicitor",
        "security",
    }
)
OTHER_SUBJECTS = OFFICIAL_SUBJECTS | frozenset(
    {
        "she",
        "i",
        "we",
        "victim",
        "vic",
        "v",
        "ip",
        "caller",
        "informant",
        "complainant",
        "school",
        "officer",
        "officers",
        "police",
        "pc",
        "driver",
        "courier",
        "postman",
        "staff",
        "customer",
        "landlord",
        "bank",
        "nurse",
        "doctor",
        "solicitor",
        "scammer",
        "scammers",
        "fraudster",
        "fraudsters",
        "workmen",
        "builders",
        "contractors",
        "council",
        "workers",
        "engineers",
        "colleague",
        "mum",
        "mother",
    }
)


def gap(n: int) -> dict[str, Any]:
    """Up to ``n`` words of any kind, inside one clause."""
    return {"LOWER": {"NOT_IN": GAP_BREAKS}, "OP": f"{{0,{n}}}"}


def lem(*words: str) -> dict[str, Any]:
    """A word whose lemma is one of ``words`` (several may be given in one string)."""
    return {"LEMMA": {"IN": _split(words)}}


#: Shorthand written for a whole word: "o/s her addy", "turned up @ work".
_SHORTHAND = {"outside": "o/s", "at": "@"}


def low(*words: str) -> dict[str, Any]:
    """A word spelt (case-insensitively) as one of ``words`` (or its shorthand)."""
    spelt = _split(words)
    return {"LOWER": {"IN": sorted({*spelt, *(_SHORTHAND[w] for w in spelt if w in _SHORTHAND)})}}


def opt(spec: dict[str, Any]) -> dict[str, Any]:
    return {**spec, "OP": "?"}


def alt(*runs: Any) -> list[list[dict[str, Any]]]:
    """Alternatives for one slot: token specs, runs of them, or another slot's alternatives."""
    choices: list[list[dict[str, Any]]] = []
    for r in runs:
        if isinstance(r, dict):
            choices.append([r])
        elif r and all(isinstance(x, list) for x in r):
            choices.extend(list(x) for x in r)
        else:
            choices.append(list(r))
    return choices


def _split(words: Iterable[str]) -> list[str]:
    return sorted({w for group in words for w in group.split()})


@dataclass(frozen=True)
class Rule:
    """Token patterns that show one behaviour, and the checks each match must pass."""

    behaviour: str
    patterns: tuple[tuple[Slot, ...], ...]
    actor: Actor = ""
    marker: bool = False
    veto_after: frozenset[str] = field(default_factory=frozenset)
    veto_window: int = 4
    not_after: frozenset[str] = field(default_factory=frozenset)
    """Words that must not come just before the match ("his phone" is a noun, not a call)."""
    subject_first: bool = False
    """The patterns start at the subject, so a negation may sit inside ("he has not followed")."""

    def expanded(self) -> list[list[dict[str, Any]]]:
        """Every alternative spelled out as a flat spaCy Matcher pattern."""
        flat: list[list[dict[str, Any]]] = []
        for pattern in self.patterns:
            choices = [slot if isinstance(slot, list) else [[slot]] for slot in pattern]
            for combo in itertools.product(*choices):
                flat.append([spec for run in combo for spec in run])
        return flat


def rule(
    behaviour: str,
    *patterns: Sequence[Slot],
    actor: Actor = "",
    marker: bool = False,
    veto_after: str = "",
    veto_window: int = 4,
    not_after: str = "",
    subject_first: bool = False,
) -> Rule:
    return Rule(
        behaviour,
        tuple(tuple(p) for p in patterns),
        actor=actor,
        marker=marker,
        veto_after=frozenset(veto_after.split()),
        veto_window=veto_window,
        not_after=frozenset(not_after.split()),
        subject_first=subject_first,
    )


@dataclass(frozen=True)
class Found:
    """One behaviour shown in one narrative, with the words that show it."""

    behaviour: str
    evidence: str
    start: int
    """Character offset of the evidence in the (whitespace-normalised) narrative."""


@lru_cache(maxsize=1)
def language() -> Language:
    """``spacy.blank("en")``, lookup lemmatizer and sentencizer; built once per process."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("threadline_spellings"):
        Language.component("threadline_spellings", func=_spellings)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("threadline_spellings")
    nlp.initialize()
    lemmatizer: Any = nlp.get_pipe("lemmatizer")
    _LOOKUP.append(lemmatizer.lookups.get_table("lemma_lookup"))
    return nlp


_LOOKUP: list[Any] = []
"""The lemmatizer's lookup table, once :func:`language` has loaded it."""


def _spellings(doc: Doc) -> Doc:
    """Lower-case every lemma, and lemmatise the shorthand the lookup table does not know:
    :data:`SPELLINGS`, and -ing forms written without their g ("walkin", "followin")."""
    table = _LOOKUP[0] if _LOOKUP else None
    for token in doc:
        lower = token.lower_
        lemma = SPELLINGS.get(lower)
        if lemma is None and table is not None and len(lower) > 4 and lower.endswith("in"):
            if lower == token.lemma_.lower():  # the table does not know it as written
                lemma = table.get(lower + "g")
        token.lemma_ = lemma or token.lemma_.lower()
    return doc


class NarrativeMatcher:
    """The rules of a lexicon compiled into one spaCy Matcher, with their checks."""

    def __init__(self, rules: Sequence[Rule], markers: Sequence[Sequence[Slot]]) -> None:
        from spacy.matcher import Matcher

        self.nlp = language()
        self.rules = tuple(rules)
        # One Matcher per rule, run only on narratives holding one of the rule's anchor words:
        # most narratives (a burglary, a crash) hold none of most rules' words, and the Matcher's
        # cost is its patterns times the narrative's words.
        self.matchers: list[tuple[frozenset[tuple[frozenset[str], ...]], Any]] = []
        for index, r in enumerate(self.rules):
            matcher = Matcher(self.nlp.vocab)
            patterns = r.expanded()
            matcher.add(str(index), patterns)
            self.matchers.append((frozenset(_anchors(p) for p in patterns), matcher))
        self.markers = Matcher(self.nlp.vocab)
        self.markers.add("marker", Rule("marker", tuple(tuple(m) for m in markers)).expanded())

    def doc(self, narrative: str) -> Doc:
        return self.nlp(normalise(narrative))

    def find(self, narrative: str) -> list[Found]:
        """The first un-negated mention of each behaviour, in the lexicon's order."""
        return self.find_in(self.doc(narrative))

    def find_many(self, narratives: Iterable[str], batch_size: int = 256) -> Iterator[list[Found]]:
        """:meth:`find` over many narratives, tokenised in batches."""
        texts = (normalise(n) for n in narratives)
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self.find_in(doc)

    def find_in(self, doc: Doc) -> list[Found]:
        vocab = self.nlp.vocab.strings
        words = {t.lemma_ for t in doc} | {t.lower_ for t in doc}
        found = [
            m
            for anchors, matcher in self.matchers
            if _may_match(anchors, words)
            for m in matcher(doc)
        ]
        # earliest, then shortest; a match that starts at its subject only when nothing else shows
        # the behaviour (its evidence, "he just turns up", says less than "turned up at her work")
        matches = sorted(
            found,
            key=lambda m: (self.rules[int(vocab[m[0]])].subject_first, m[1], m[2] - m[1]),
        )
        marked: set[int] | None = None
        best: dict[str, Found] = {}
        for match_id, start, end in matches:
            r = self.rules[int(vocab[match_id])]
            if r.behaviour in best:
                continue
            span = doc[start:end]
            if is_negated_at(doc, start) or (r.subject_first and _negated_inside(span)):
                continue
            if r.actor and not _actor_fits(doc, start, r.actor):
                continue
            if r.not_after and start > 0 and doc[start - 1].lower_ in r.not_after:
                continue
            if r.veto_after and _vetoed(doc, start, end, r.veto_after, r.veto_window):
                continue
            if r.marker:
                if marked is None:
                    marked = {doc[s].sent.start for _, s, _ in self.markers(doc)}
                if span.sent.start not in marked:
                    continue
            best[r.behaviour] = Found(r.behaviour, span.text, span.start_char)
        order: dict[str, int] = {}
        for i, r in enumerate(self.rules):
            order.setdefault(r.behaviour, i)
        return sorted(best.values(), key=lambda f: order[f.behaviour])


#: Words too common to tell whether a pattern can match.
_COMMON = frozenset(
    "her my their our his the a an at on in to of from by he she i me him them us "
    "'s ’s ' be was were is".split()
)


def _anchors(pattern: list[dict[str, Any]]) -> tuple[frozenset[str], ...]:
    """Word sets a narrative must hold one word of each for ``pattern`` to match: its required
    word tests that name no common word (none: always try the pattern)."""
    sets: list[frozenset[str]] = []
    for spec in pattern:
        if spec.get("OP") in ("?", "*") or str(spec.get("OP", "")).startswith("{0"):
            continue
        for key in ("LEMMA", "LOWER"):
            test = spec.get(key)
            if isinstance(test, dict) and "IN" in test:
                values = frozenset(test["IN"])
                if values.isdisjoint(_COMMON):
                    sets.append(values)
    return tuple(sets)


def _may_match(anchors: frozenset[tuple[frozenset[str], ...]], words: set[str]) -> bool:
    """Whether some pattern of a rule has a word of each of its anchor sets in ``words``."""
    return any(all(not s.isdisjoint(words) for s in sets) for sets in anchors)


def normalise(narrative: str) -> str:
    """One space between words: evidence quotes read cleanly and patterns see no blank tokens."""
    return " ".join(narrative.split())


def _clause_before(doc: Doc, start: int) -> list[Token]:
    """The words of the clause before token ``start`` (nearest last)."""
    sent_start = doc[start].sent.start
    words: list[Token] = []
    for i in range(start - 1, sent_start - 1, -1):
        if doc[i].lower_ in CLAUSE_BREAKS:
            break
        words.append(doc[i])
    return words


def is_negated_at(doc: Doc, start: int) -> bool:
    """Whether a negating word just before token ``start`` (same clause) negates it, or the act is
    only threatened or feared ("threatened to share photos", "is scared he will follow her")."""
    before = _clause_before(doc, start)[:NEGATION_WINDOW]
    if len(before) >= 2 and before[0].lower_ == "to" and before[1].lemma_ in _IRREALIS:
        return True
    for i, token in enumerate(before):
        if token.lemma_ in _NEGATORS or token.lower_ in _NEGATORS:
            # ``before`` runs backwards: words after the negator are before[:i]
            if not any(t.lemma_ in _STOP_WORDS for t in before[:i]):
                return True
    return False


def _negated_inside(span: Span) -> bool:
    """A negating word inside a match that starts at its subject ("he has not been watching")."""
    words = list(span)
    for i, token in enumerate(words[:-1]):
        if token.lemma_ in _NEGATORS or token.lower_ in _NEGATORS:
            if not any(t.lemma_ in _STOP_WORDS for t in words[i + 1 :]):
                return True
    return False


def _actor_fits(doc: Doc, start: int, actor: Actor) -> bool:
    """Whether the nearest subject before ``start`` in its clause fits ``actor``."""
    for token in _clause_before(doc, start)[:8]:
        after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if after in ("'s", "’s", "'"):
            continue  # a possessive ("vic's workplace") is not the subject
        if token.lemma_ in REPORTING_VERBS:
            break  # "V states he...": the reported clause has no subject of its own before here
        if token.lower_ in OTHER_SUBJECTS:
            return actor == "not_official" and token.lower_ not in OFFICIAL_SUBJECTS
        if token.lower_ in SUSPECT_SUBJECTS or (token.is_title and not token.is_sent_start):
            return True
    return actor != "suspect"


def _vetoed(doc: Doc, start: int, end: int, words: frozenset[str], window: int) -> bool:
    """Whether a veto word is inside the match (after its first word) or just after it."""
    sent_end = doc[end - 1].sent.end
    seen = doc[start + 1 : min(end + window, sent_end)]
    return any(t.lemma_ in words or t.lower_ in words for t in seen)


def negated(doc: Doc, char_offset: int) -> bool:
    """:func:`is_negated_at` for a character offset into the doc's text."""
    span: Span | None = doc.char_span(char_offset, char_offset + 1, alignment_mode="expand")
    return span is not None and is_negated_at(doc, span.start)

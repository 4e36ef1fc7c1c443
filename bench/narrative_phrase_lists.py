"""The stalking behaviour lexicon: what in an incident shows following, watching, loitering...

Each :class:`Behaviour` is declared with a plain-English label, the phrases (regular expressions,
matched case-insensitively on word boundaries) that show it in a narrative, and the incident
categories that show it on their own. Harassment as a category is deliberately *not* a behaviour: it
names the course of conduct itself, and mapping it would make every harassment series "stalking".

Negation is simple and local: a match is ignored when one of a few negating words (``no``, ``not``,
``never``, ``without``, ``nothing``, ``n't``) comes within five words before it in the same clause,
unless a "stop" verb sits between them ("he won't stop following her" is still following).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from threadline.recognise.history import Event

_OBJ = r"(?:me|her|him|them|us|the\s+victim|the\s+caller|the\s+informant)"
_POSS = r"(?:my|her|his|their|our|the\s+victim's|the\s+caller's)"
_PLACE = r"(?:home|house|flat|address|work|workplace|office|school|gym|door|front\s+door)"
_KIN = (
    r"(?:mum|mother|dad|father|parents|sister|brother|family|relatives|friends?|colleagues?"
    r"|employer|boss|manager|workplace|new\s+partner|partner|children|kids|son|daughter)"
)
_CONTACT_VERB = (
    r"(?:contact(?:s|ed|ing)?|messag(?:es|ed|ing)|text(?:s|ed|ing)?|call(?:s|ed|ing)?|ring(?:s|ing)?"
    r"|rang|phon(?:es|ed|ing)|e-?mail(?:s|ed|ing)?|visit(?:s|ed|ing)?|approach(?:es|ed|ing)?)"
)


@dataclass(frozen=True)
class Behaviour:
    """One act associated with stalking (Protection from Harassment Act 1997 s2A(3), guidance)."""

    id: str
    label: str
    phrases: tuple[str, ...] = ()
    categories: frozenset[str] = frozenset()

    @property
    def pattern(self) -> re.Pattern[str] | None:
        if not self.phrases:
            return None
        return _compiled(self.phrases)


_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _compiled(phrases: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _CACHE.get(phrases)
    if pattern is None:
        pattern = re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)
        _CACHE[phrases] = pattern
    return pattern


BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour(
        "following",
        "following",
        (
            rf"follow(?:s|ed|ing)?\s+{_OBJ}",
            r"followed\s+(?:home|to\s+work)",
            rf"tail(?:s|ed|ing)\s+{_OBJ}",
            rf"drove\s+behind\s+{_OBJ}",
        ),
    ),
    Behaviour(
        "watching",
        "watching or spying",
        (
            rf"watch(?:es|ed|ing)?\s+{_OBJ}",
            rf"watch(?:es|ed|ing)?\s+{_POSS}\s+{_PLACE}",
            r"watch(?:es|ed|ing)?\s+the\s+(?:house|flat|home|windows?)",
            r"sp(?:y|ied|ying|ies)\s+on",
            rf"star(?:es|ed|ing)\s+(?:at|into)\s+{_POSS}\s+(?:{_PLACE}|windows?)",
            rf"(?:taking|took)\s+(?:photos|pictures)\s+of\s+(?:{_OBJ}|{_POSS}\s+{_PLACE})",
        ),
    ),
    Behaviour(
        "loitering",
        "loitering",
        (
            r"loiter(?:s|ed|ing)?",
            r"hanging\s+around",
            r"hung\s+around",
            r"lurk(?:s|ed|ing)?",
            rf"(?:sat|sitting|parked|waiting|waited|standing|stood)\s+outside\s+{_POSS}\s+{_PLACE}",
            r"(?:sat|sitting|parked|waiting|waited)\s+in\s+(?:a|his|the)\s+(?:car|van)\b[^.]{0,40}?"
            rf"\boutside\s+{_POSS}\s+{_PLACE}",
            r"same\s+(?:car|van)\b[^.]{0,30}?\bparked\s+(?:on|in|outside)\s+"
            rf"{_POSS}\s+(?:street|road|{_PLACE})",
        ),
    ),
    Behaviour(
        "turning_up",
        "turning up at home or work",
        (
            rf"(?:turn(?:s|ed|ing)?|show(?:s|ed|ing)?)\s+up\s+(?:at|outside)\s+{_POSS}\s+{_PLACE}",
            r"(?:turn(?:s|ed|ing)?|show(?:s|ed|ing)?)\s+up\s+(?:unannounced|uninvited)",
            rf"(?:came|comes|coming|went|goes|going)\s+(?:to|round\s+to)\s+{_POSS}\s+{_PLACE}",
        ),
    ),
    Behaviour(
        "unwanted_contact",
        "contact by any means after being told to stop",
        (
            rf"(?:told|asked|warned|begged)\s+{_OBJ}\s+(?:to\s+stop|not\s+to|to\s+leave\s+{_OBJ}\s+alone)",
            r"despite\s+being\s+(?:told|asked|warned)",
            r"(?:keeps?|kept|won't\s+stop|will\s+not\s+stop|continues\s+to|continued\s+to)\s+"
            r"(?:contacting|calling|ringing|phoning|texting|messaging|e-?mailing|contact|call"
            r"|ring|phone|text|message|e-?mail)",
            r"(?:hundreds|dozens|scores|thousands)\s+of\s+(?:calls|messages|texts|e-?mails|voicemails)",
            r"\d{2,}\s+(?:calls|messages|texts|e-?mails|voicemails)",
            r"unwanted\s+(?:contact|calls|messages|texts)",
            r"bombard(?:s|ed|ing)",
        ),
        frozenset({"malicious_communications", "breach_of_order"}),
    ),
    Behaviour(
        "new_accounts",
        "new accounts or numbers to get round blocks",
        (
            r"new\s+(?:phone\s+)?(?:number|numbers|accounts?|profiles?|sim)",
            r"(?:different|another|fake|false|second)\s+(?:phone\s+)?(?:number|numbers|accounts?"
            r"|profiles?)",
            r"(?:after|since|despite|even\s+though)\s+(?:she|he|i|they|the\s+victim)\s+"
            r"(?:had\s+|has\s+)?blocked",
            r"get\s+(?:round|around)\s+(?:the\s+)?blocks?",
        ),
    ),
    Behaviour(
        "third_party_contact",
        "contacting family, friends or colleagues",
        (
            rf"{_CONTACT_VERB}\s+{_POSS}\s+{_KIN}",
            rf"(?:turn(?:s|ed)?|show(?:s|ed)?)\s+up\s+at\s+{_POSS}\s+{_KIN}",
        ),
    ),
    Behaviour(
        "interfering_with_property",
        "interfering with property",
        (
            r"(?:slash(?:es|ed|ing)?|punctur(?:es|ed|ing)|let\s+down|damag(?:es|ed|ing)|key(?:s|ed|ing)"
            r"|scratch(?:es|ed|ing)|smash(?:es|ed|ing)|broke|tamper(?:s|ed|ing)\s+with"
            r"|interfer(?:es|ed|ing)\s+with|vandalis(?:es|ed|ing)|took|stole|went\s+through)\s+"
            rf"{_POSS}\s+(?:car|tyres?|windows?|windscreen|door|front\s+door|post|mail|bins?"
            r"|property|belongings|garden|bike|phone)",
        ),
        frozenset({"criminal_damage"}),
    ),
    Behaviour(
        "monitoring_online",
        "monitoring phone or online activity, or tracking",
        (
            r"trackers?",
            r"tracking\s+device",
            r"gps",
            r"air\s?tags?",
            r"spyware|stalkerware",
            r"(?:hack(?:s|ed|ing)?(?:\s+into)?|logg?(?:s|ed|ing)?\s+into|access(?:es|ed|ing)"
            r"|got\s+into|read(?:s|ing)?|monitor(?:s|ed|ing)?|check(?:s|ed|ing)?)\s+"
            rf"{_POSS}\s+(?:accounts?|e-?mails?|messages|phone|facebook|instagram|whatsapp"
            r"|snapchat|social\s+media|online\s+activity|location|icloud)",
            rf"track(?:s|ed|ing)?\s+{_POSS}\s+(?:phone|location|car|movements)",
            r"(?:knew|knows)\s+where\s+(?:she|i|he|they)\s+(?:was|is|were|had\s+been)",
        ),
    ),
    Behaviour(
        "unwanted_gifts",
        "unwanted gifts or notes",
        (
            r"unwanted\s+(?:gifts?|presents?|flowers)",
            r"(?:notes?|letters?|cards?)\s+(?:was\s+|were\s+)?(?:left|put|pushed|posted|tucked)\s+"
            r"(?:on|through|under|in)\b[^.]{0,30}?\b(?:car|windscreen|door|letterbox|wipers?)\b",
            rf"(?:sent|sends|sending|left|leaves|leaving|deliver(?:s|ed|ing)?)\s+(?:{_OBJ}\s+)?"
            r"(?:a\s+|an\s+|some\s+)?(?:flowers|bunch\s+of\s+flowers|gifts?|presents?|parcels?"
            r"|chocolates|jewellery|teddy\s+bears?)",
        ),
    ),
    Behaviour(
        "publishing",
        "publishing material about the person",
        (
            r"(?:post(?:s|ed|ing)?|publish(?:es|ed|ing)?|shar(?:es|ed|ing)|upload(?:s|ed|ing)?)\s+"
            r"(?:(?:intimate|private|explicit|nude|sexual)\s+)?(?:photos|pictures|images|videos"
            rf"|material|details|comments|lies|rumours)\s+(?:of|about)\s+{_OBJ}",
            r"(?:post(?:s|ed|ing)?|publish(?:es|ed|ing)?|shar(?:es|ed|ing))\s+"
            rf"{_POSS}\s+(?:address|photos|pictures|images|details|number)",
        ),
    ),
    Behaviour(
        "reported_stalking",
        "reported as stalking",
        categories=frozenset({"stalking"}),
    ),
)

BEHAVIOURS_BY_ID = {b.id: b for b in BEHAVIOURS}

SignSource = Literal["narrative", "category", "third_party"]


@dataclass(frozen=True)
class BehaviourSign:
    """Evidence of one behaviour in one event: the words, category or link that shows it."""

    behaviour: str
    incident_ref: str
    evidence: str
    source: SignSource

    @property
    def label(self) -> str:
        return BEHAVIOURS_BY_ID[self.behaviour].label

    def describe(self) -> str:
        """``following (INC-2: "followed her home")``."""
        if self.source == "narrative":
            return f'{self.label} ({self.incident_ref}: "{self.evidence}")'
        return f"{self.label} ({self.incident_ref}: {self.evidence})"


_NEGATORS = frozenset({"no", "not", "never", "without", "nothing", "nobody", "neither", "nor"})
_STOP_WORDS = frozenset({"stop", "stops", "stopped", "stopping", "quit", "leave", "leaving"})
_CLAUSE_BREAK = re.compile(r"[.;:!?\n]|\b(?:but|however|although|though|whereas|and)\b", re.I)
_WORD = re.compile(r"[a-z']+", re.I)
NEGATION_WINDOW = 5


def is_negated(text: str, start: int) -> bool:
    """Whether the words just before ``start`` (same clause, up to five words) negate it."""
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    words = [w.lower() for w in _WORD.findall(clause)][-NEGATION_WINDOW:]
    for i, word in enumerate(words):
        if word in _NEGATORS or word.endswith("n't"):
            if not any(w in _STOP_WORDS for w in words[i + 1 :]):
                return True
    return False


def narrative_signs(ref: str, narrative: str) -> list[BehaviourSign]:
    """Behaviours the narrative describes, first un-negated mention of each."""
    return list(_narrative_signs(ref, narrative))


@lru_cache(maxsize=50_000)
def _narrative_signs(ref: str, narrative: str) -> tuple[BehaviourSign, ...]:
    """:func:`narrative_signs`, kept: every submission reads its people's whole history again,
    and a stored narrative's signs do not change."""
    signs: list[BehaviourSign] = []
    for behaviour in BEHAVIOURS:
        pattern = behaviour.pattern
        if pattern is None:
            continue
        for match in pattern.finditer(narrative):
            if not is_negated(narrative, match.start()):
                evidence = " ".join(match.group(0).split())
                signs.append(BehaviourSign(behaviour.id, ref, evidence, "narrative"))
                break
    return tuple(signs)


def find_behaviours(event: Event) -> list[BehaviourSign]:
    """Every stalking behaviour one event shows, from its narrative and its categories."""
    signs = narrative_signs(event.ref, event.narrative)
    shown = {s.behaviour for s in signs}
    for behaviour in BEHAVIOURS:
        hit = sorted(behaviour.categories & event.categories)
        if hit and behaviour.id not in shown:
            signs.append(
                BehaviourSign(behaviour.id, event.ref, f"recorded as {hit[0]}", "category")
            )
    return signs

"""Threats in an incident's narrative that are red flags in their own right (issue 23, part 3).

A call handler writes what the victim says: "he said if he can't have her nobody will", "he put
his hands round her neck", "threatened to kill himself if she left". Each :class:`Threat` is
declared with its label, what it is in law or guidance, and the phrases (regular expressions,
matched case-insensitively on word boundaries) that show it. :func:`find_threats` returns one
:class:`ThreatSign` per kind found, with the words that showed it, so an alert can quote them.

The kinds, and why each matters on its own (``/work/shared/domain.md``, "Risk"; the DASH
question each mirrors, numbered as on the 2009 police form, ``risk/checklists/dash-2009.json``):

- ``threat_to_kill``: threats to kill the victim or someone else (DASH Q17; an offence in itself,
  Offences Against the Person Act 1861 s16);
- ``possessive_threat``: "if I can't have you, nobody will": a threat to the victim's life framed
  as ownership, said when she leaves or tries to (DASH Q6 and Q17 together);
- ``strangulation``: strangling, choking, smothering, a hand on the neck (DASH Q18; non-fatal
  strangulation or suffocation is an offence in itself, Serious Crime Act 2015 s75A, inserted by
  the Domestic Abuse Act 2021 s70);
- ``suicide``: the abuser threatening suicide (DASH Q25), or the victim saying she is suicidal
  (DASH Q5).

Negation is local, as in :mod:`threadline.recognise.behaviours`: a match is ignored when a
negating word (``not``, ``no``, ``never``, ``denies``, ``n't``...) comes within
:data:`NEGATION_WINDOW` words before it in the same clause ("he denies threatening to kill her",
"no threats were made"). The wording the patterns were written against is not the synthetic
force's: ``bench/data/threats/threats.jsonl`` holds sentences drawn from court reports and
public guidance, and ``tests/recognise/test_threats.py`` measures the patterns on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Who the threat is to: the victim (or another person), or the speaker himself.
_YOU = r"(?:you|u|ya|her|me|him|them|the\s+(?:victim|caller|ip|kids|children)|my\s+\w+|her\s+\w+)"
_SELF = r"(?:him|my|her|them|your|our)sel(?:f|ves)"
_WILL = (
    r"(?:i'?ll|i\s+will|i'?m\s+(?:going\s+to|gonna)|i\s+am\s+(?:going\s+to|gonna)|he'?ll"
    r"|he\s+(?:will|would|was\s+going\s+to|is\s+going\s+to)|he'?s\s+(?:going\s+to|gonna)"
    r"|she'?ll|she\s+(?:will|would)|they'?ll|going\s+to|gonna|would|will)"
)
_KILL_VERB = (
    r"(?:kill|murder|stab|shoot|strangle|slit|slice|gut|knife|burn|bury|end|finish)(?:ed|s|ing)?"
)
_NECK = r"(?:neck|throat|windpipe)"
_BODY_OWNER = r"(?:her|my|his|their|the\s+(?:victim|caller|ip)'?s|your|v'?s)"


@dataclass(frozen=True)
class Threat:
    """One kind of narrative threat: a stable id, its label, and the phrases that show it."""

    id: str
    label: str
    phrases: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.phrases)


@lru_cache(maxsize=16)
def _compiled(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


THREATS: tuple[Threat, ...] = (
    Threat(
        "possessive_threat",
        'a threat framed as ownership ("if I can\'t have her, nobody will")',
        (
            r"if\s+(?:i|he|she)\s+(?:can'?t|cannot|can\s+not|couldn'?t|could\s+not|don'?t|"
            r"doesn'?t)\s+have\s+(?:you|u|her|him)\W{0,3}\s*(?:then\s+)?"
            r"(?:no\s*-?\s*one|nobody|no\s+body|noone|no\s+other\s+\w+)\s+(?:else\s+)?"
            r"(?:will|can|could|would|is\s+going\s+to|shall)",
            r"(?:no\s*-?\s*one|nobody|noone)\s+(?:else\s+)?(?:will|can|could|would)\s+"
            r"(?:have|get)\s+(?:you|u|her)\s+if\s+(?:i|he)\s+(?:can'?t|cannot|don'?t)",
            r"death\s+before\s+divorce",
            r"(?:you'?re|you\s+are|she'?s|she\s+is)\s+mine\s+or\s+(?:no\s*-?\s*one|nobody)'?s",
        ),
    ),
    Threat(
        "threat_to_kill",
        "a threat to kill",
        (
            rf"threat(?:en(?:ed|ing|s)?|s)?\s+(?:\w+\s+){{0,3}}?(?:to\s+)?{_KILL_VERB}"
            rf"(?!\s+{_SELF})(?!\s+(?:\w+\s+)?(?:car|tyres?|phone|house|property|belongings))"
            rf"(?!\s+(?:the|his|her|their|my)\s+(?:dog|cat|pet|puppy|horse)s?)",
            r"(?:death|kill)\s+threats?",
            r"threats?\s+(?:of|to)\s+(?:death|murder|kill)",
            rf"{_WILL}\s+(?:\w+\s+){{0,2}}?(?:kill|murder|stab|shoot|strangle)\s+{_YOU}"
            rf"(?!\s*self)",
            rf"{_WILL}\s+(?:\w+\s+){{0,2}}?(?:slit|cut|slice)\s+{_BODY_OWNER}\s+throat",
            r"(?:put|see)\s+(?:you|her)\s+in\s+(?:a|the|your|her)\s+(?:grave|coffin|box)",
            r"(?:you'?re|you\s+are|she'?s|she\s+is|ur)\s+(?:a\s+)?dead(?:\s+(?:woman|man|girl))?"
            r"(?!\s+(?:tired|right|on|set|end|battery|phone))",
            r"(?:both|all)\s+(?:gonna|going\s+to)\s+die",
            r"(?:won'?t|will\s+not|not\s+going\s+to|never)\s+(?:live|make\s+it)\s+to\s+see",
            rf"(?:dispose\s+of|get\s+rid\s+of|bury|hide)\s+{_BODY_OWNER}\s+body",
            r"do\s+with\s+her\s+body",
            r"(?:end|take)\s+(?:your|her)\s+life",
            r"(?:wants?|wanted)\s+(?:you|her)\s+dead",
        ),
    ),
    Threat(
        "strangulation",
        "strangulation, choking or smothering",
        (
            r"strangl(?:e|ed|es|ing|ation)",
            r"throttl(?:e|ed|es|ing)",
            r"chok(?:e|ed|es|ing)(?!\s+(?:on|back|up))",
            r"choke\s*-?\s*hold",
            r"head\s*-?\s*lock",
            r"suffocat(?:e|ed|es|ing|ion)",
            r"smother(?:ed|s|ing)?",
            rf"(?:hands?|arms?|fingers|forearm|knee|belt|cord|rope)\s+(?:\w+\s+){{0,2}}?"
            rf"(?:a?round|on|over|across|against|to)\s+{_BODY_OWNER}\s+{_NECK}",
            rf"(?:grab|grabb?ed|grabbing|held|hold|holding|gripp?ed|gripping|pinn?ed|squeez\w*|"
            rf"press\w*|seized?|took)\s+(?:\w+\s+){{0,3}}?(?:by|round|around|on|at)\s+"
            rf"(?:the|{_BODY_OWNER})\s+{_NECK}",
            r"(?:could\s*n[o']?t|could\s+not|unable\s+to)\s+breathe",
            r"(?:pillow|hand)\s+over\s+(?:her|my|his|the\s+victim'?s)\s+(?:face|mouth|nose)",
        ),
    ),
    Threat(
        "suicide",
        "threats or thoughts of suicide",
        (
            rf"threat(?:en(?:ed|ing|s)?|s)?\s+(?:\w+\s+){{0,2}}?(?:to\s+)?"
            rf"(?:kill|hang|harm|hurt|stab|shoot|drown|end)\s+{_SELF}",
            rf"{_WILL}\s+(?:\w+\s+){{0,2}}?(?:kill|hang|harm|hurt|top)\s+{_SELF}",
            rf"(?:tried|tries|trying|attempt\w*|as\s+if|wants?|wanted)\s+to\s+(?:kill|hang|harm)\s+{_SELF}",
            r"threat(?:en(?:ed|ing|s)?|s)?\s+(?:\w+\s+){0,2}?suicide",
            r"suicid(?:e|al)",
            r"(?:take|end|taking|ending|took|ended)\s+(?:his|my|her|their|your)\s+(?:own\s+)?life",
            r"end\s+it\s+all",
            r"over\s*-?\s*dos(?:e|ed|ing)",
            r"(?:nothing|no\s+reason)\s+to\s+live\s+for",
            r"(?:can'?t|cannot|could\s*n'?t)\s+live\s+without\s+(?:you|her)",
        ),
    ),
)

THREATS_BY_ID = {threat.id: threat for threat in THREATS}

#: How many words before a match a negating word reaches, within the same clause.
NEGATION_WINDOW = 5
_NEGATORS = frozenset(
    {"not", "no", "never", "without", "nothing", "denies", "denied", "deny", "none", "nobody"}
)
_CLAUSE_BREAK = re.compile(r"[.;:!?()]|\b(?:but|however|although|though|whereas)\b", re.I)
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class ThreatSign:
    """One kind of threat found in a narrative, and the words that showed it."""

    threat: str
    words: str


def _normal(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def is_negated(text: str, start: int) -> bool:
    """Whether a negating word comes within :data:`NEGATION_WINDOW` words before ``start``, in
    the same clause (``n't`` counts: "he didn't threaten to kill her")."""
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    words = _WORD.findall(before.lower())[-NEGATION_WINDOW:]
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


def find_threats(narrative: str) -> list[ThreatSign]:
    """The kinds of threat the narrative shows, in the order of :data:`THREATS`, each once with
    the first words that showed it (a negated mention does not count)."""
    if not narrative:
        return []
    text = _normal(narrative)
    found = []
    for threat in THREATS:
        for match in threat.pattern.finditer(text):
            if not is_negated(text, match.start()):
                found.append(ThreatSign(threat.id, match.group(0)))
                break
    return found


__all__ = ["THREATS", "THREATS_BY_ID", "Threat", "ThreatSign", "find_threats", "is_negated"]

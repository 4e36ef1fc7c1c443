"""Being told to stop: in the victim's own message ("leave me alone", "don't text me again") or in
a report of hers ("she has told him to stop contacting her").

Why it matters (../shared/domain.md, Law and recording rules): "contacting or attempting to
contact by any means" is an act associated with stalking (Protection from Harassment Act 1997
s2A), and each contact after she told him to stop is one more occasion of a course of conduct,
counted as occasions, not reports (s7(3): "a dozen texts after she told him to stop").

Pure: words in, yes or no out. The patterns are built from how people ask someone to stop (a
verb of stopping with a verb of contact, a "do not" with a verb of contact and "me", "leave me
alone", "no contact", "nothing to do with you"), not from any one generator's sentences, and a
negated ask ("I can't stop thinking about you", "don't stop") is not one.
"""

from __future__ import annotations

import re

__all__ = ["asks_to_stop", "reports_told_to_stop"]

_CONTACT_VERBS = (
    r"(?:contact(?:ing)?|messag(?:e|ing)|text(?:ing)?|call(?:ing)?|ring(?:ing)?|phon(?:e|ing)|"
    r"email(?:ing)?|e-mail(?:ing)?|writ(?:e|ing)(?: to)?|dm(?:ing)?|snap(?:ping)?|"
    r"bother(?:ing)?|harass(?:ing)?|pester(?:ing)?|follow(?:ing)?|com(?:e|ing) (?:round|near|to)|"
    r"turn(?:ing)? up|send(?:ing)?)"
)
_STOP = r"(?:stop|quit|cease|pack in|give up)"
_APOSTROPHE = "[\u2019']"

#: The victim asking, in her own words.
_ASKS = [
    # "stop messaging me", "quit calling", "please cease contacting me"
    rf"\b{_STOP}\s+(?:\w+\s+){{0,2}}?{_CONTACT_VERBS}\b",
    # "stop it", "just stop", "please stop", "STOP." on its own
    r"(?:^|[.!?]\s*)(?:please\s+|just\s+|now\s+)*stop(?:\s+(?:it|this|now|please))*\s*(?:[.!]+|$)",
    # "do not / don't / never ... contact me (again)"
    rf"\b(?:do not|don{_APOSTROPHE}?t|dont|never|no more)\s+(?:\w+\s+){{0,2}}?{_CONTACT_VERBS}\b"
    rf"(?:\s+\w+){{0,2}}?\s+(?:me|my)\b",
    r"\bleave me alone\b",
    rf"\b(?:i\s+(?:do not|don{_APOSTROPHE}?t)\s+want|i\s+want\s+no|no)\s+(?:more\s+|any\s+)*"
    rf"contact\b",
    r"\b(?:want|have)\s+nothing\s+(?:more\s+)?to do with you\b",
    r"\bget out of my life\b",
    r"\blose my number\b",
]
_ASK = re.compile("|".join(f"(?:{p})" for p in _ASKS), re.IGNORECASE | re.MULTILINE)
#: Not an ask: the stop negated or the subject someone else ("I can't stop", "don't stop").
_NEGATED = re.compile(
    rf"\b(?:can{_APOSTROPHE}?t|cannot|couldn{_APOSTROPHE}?t|won{_APOSTROPHE}?t|will not|"
    rf"don{_APOSTROPHE}?t|do not|never|didn{_APOSTROPHE}?t)\s+(?:\w+\s+)?stop\b",
    re.IGNORECASE,
)

_TOLD = r"(?:told|asked|begged|warned|instructed|made (?:it )?clear to|said to)"
_WHOM = r"(?:him|her|them|the suspect|the male|the female|[A-Z][a-z]+(?: [A-Z][a-z'-]+)?)"
#: A report saying the victim told the suspect to stop (third person).
_REPORTS = [
    rf"\b{_TOLD}\s+{_WHOM}\s+(?:\w+\s+){{0,2}}?to\s+{_STOP}\b",
    rf"\b{_TOLD}\s+{_WHOM}\s+(?:\w+\s+){{0,2}}?(?:not to|never to)\s+(?:\w+\s+)?{_CONTACT_VERBS}",
    rf"\b{_TOLD}\s+{_WHOM}\s+(?:\w+\s+){{0,2}}?to leave (?:her|him|them) alone\b",
    rf"\b{_TOLD}\s+{_WHOM}\s+(?:\w+\s+){{0,3}}?(?:she|he|they)\s+(?:wants?|does not want|"
    rf"doesn{_APOSTROPHE}?t want)\s+(?:no|any)\s+(?:more\s+)?contact",
    r"\b(?:has|have|had)\s+(?:repeatedly\s+|already\s+)?asked for no contact\b",
]
_REPORT = re.compile("|".join(f"(?:{p})" for p in _REPORTS), re.IGNORECASE)
_REPORT_NEGATED = re.compile(
    rf"\b(?:has not|hasn{_APOSTROPHE}?t|did not|didn{_APOSTROPHE}?t|never)\s+(?:\w+\s+)?{_TOLD}",
    re.IGNORECASE,
)


#: Words without one of which no pattern above can match (a cheap first test).
_CUES = ("stop", "quit", "cease", "pack in", "give up", "alone", "contact", "nothing",
         "get out", "lose my", "don", "do not", "never", "no more")  # fmt: skip


def asks_to_stop(text: str | None) -> bool:
    """Whether a message (from the victim) asks its recipient to stop contacting her."""
    if not text:
        return False
    lowered = text.lower()
    if not any(cue in lowered for cue in _CUES):
        return False
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if _ASK.search(sentence) and not _NEGATED.search(sentence):
            return True
    return False


def reports_told_to_stop(narrative: str | None) -> bool:
    """Whether a report says the victim told the suspect to stop (or to leave her alone, or not
    to contact her)."""
    if not narrative:
        return False
    for sentence in re.split(r"(?<=[.!?])\s+", narrative):
        if _REPORT.search(sentence) and not _REPORT_NEGATED.search(sentence):
            return True
    return False

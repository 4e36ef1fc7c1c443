"""What one report says beyond its own occasion: conduct on several occasions, and its effect on
the victim's day-to-day life.

**Occasions, not reports** (Protection from Harassment Act 1997 s7(3): a course of conduct "must
involve conduct on at least two occasions"). One report can disclose many occasions ("a dozen
texts after she told him to stop", "he has been outside every night this week"): the course of
conduct, and the NCRS 24-hour clock, then start with that report, not with the second one.

**A substantial adverse effect on day-to-day activities** (s4A(1)(b)(ii): stalking that causes
serious alarm or distress which has a substantial adverse effect on the victim's usual
day-to-day activities): "too frightened to leave the house", "has stopped going to work", "moved
house because of him". Either is found in a narrative with the same matcher as the stalking
behaviours (:mod:`threadline.recognise.narrative`: lemmas, negation checked), so "he has not
called her every day" is not several occasions.

Pure: plain functions on text, with the matcher built once per process.
"""

from __future__ import annotations

from functools import lru_cache

from threadline.recognise.narrative import (
    Found,
    NarrativeMatcher,
    Rule,
    alt,
    gap,
    lem,
    low,
    opt,
    rule,
)

#: A count of two or more: "2", "12", "two", "a dozen", "dozens of", "several".
_MANY_NUMBER = {"TEXT": {"REGEX": r"^(?:[2-9]|[1-9]\d+)$"}}
_MANY_WORDS = (
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "hundred several numerous multiple countless repeated many dozens hundreds scores loads lots "
    "endless constant"
)
MANY = alt([_MANY_NUMBER], low(_MANY_WORDS), [low("a"), low("dozen couple few")])
#: Each a separate act: messages, calls, visits, and "times", "occasions".
ACTS = (
    "text message messages call calls email e-mail voicemail letter note visit time occasion "
    "whatsapp dm snapchat post comment"
)
PERIODS = "day night morning evening afternoon weekend week"

#: The id of each finding kind.
SEVERAL_OCCASIONS = "several_occasions"
DAILY_LIFE_AFFECTED = "daily_life_affected"

_FEAR = "frightened scared afraid terrified petrified fearful anxious worried"


def _rules() -> list[Rule]:
    return [
        rule(
            SEVERAL_OCCASIONS,
            # "a dozen texts", "12 calls", "several messages", "dozens of voicemails"
            [MANY, opt(low("of")), gap(1), lem(ACTS)],
            # "every night this week", "each morning", "every single day"
            [low("every each"), opt(low("single")), low(PERIODS)],
            [low("twice"), opt(low("a")), opt(low(PERIODS))],
            [low("again"), low("and"), low("again")],
            [low("over"), low("and"), low("over")],
            [low("day"), low("after"), low("day")],
            [low("night"), low("after"), low("night")],
            [low("on"), MANY, low("occasions separate")],
        ),
        rule(
            DAILY_LIFE_AFFECTED,
            # "too frightened to leave the house", "too scared to go out / go to work"
            [low("too so"), low(_FEAR), gap(1), lem("leave go walk answer sleep open drive")],
            # "afraid of leaving the house", "scared of going out"
            [low(_FEAR), low("of"), lem("leave go walk")],
            # "has stopped going out / going to work / using social media"
            [lem("stop"), lem("go leave use attend walk")],
            # "had to move house", "was forced to move out" (not "he moved out": his own move)
            [lem("have be"), opt(low("forced made")), low("to"), lem("move")],
            # "changed her route / routine / number / job"
            [lem("change"), gap(1), low("route routine routes number job hours")],
            # "given up her job", "gave up work"
            [lem("give"), low("up"), gap(1), low("job work course")],
            # "off work with anxiety", "signed off work"
            [low("off"), low("work"), gap(2), low("stress anxiety depression fear")],
            # "cannot / can't sleep", "is not sleeping" is negated and so not matched
            [low("can't cannot unable"), gap(1), lem("sleep eat")],
            [lem("stay"), low("indoors in inside"), low("all")],
            [lem("keep"), low("the")] + [low("curtains blinds"), low("closed shut drawn")],
        ),
    ]


@lru_cache(maxsize=1)
def matcher() -> NarrativeMatcher:
    """The matcher, compiled once per process."""
    return NarrativeMatcher(_rules(), [[low("nevermatchedmarker")]])


@lru_cache(maxsize=50_000)
def _found(narrative: str) -> tuple[Found, ...]:
    if not narrative or not narrative.strip():
        return ()
    return tuple(matcher().find(narrative))


def several_occasions(narrative: str) -> str | None:
    """The words showing that ``narrative`` describes conduct on two or more occasions, or
    ``None`` (PHA 1997 s7(3))."""
    return next((f.evidence for f in _found(narrative) if f.behaviour == SEVERAL_OCCASIONS), None)


def daily_life_affected(narrative: str) -> str | None:
    """The words showing a substantial adverse effect on the victim's day-to-day activities, or
    ``None`` (PHA 1997 s4A(1)(b)(ii))."""
    return next((f.evidence for f in _found(narrative) if f.behaviour == DAILY_LIFE_AFFECTED), None)

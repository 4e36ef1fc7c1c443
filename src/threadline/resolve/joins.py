"""The join rules, declared once: what may put a mention in a person, and what never may.

Batch resolution (:mod:`.batch`) and call time (:mod:`.calltime`) decide the same question, which
person a mention belongs to, over different inputs: the whole store at once, or one new record
against what is stored. Both apply the rules below, in this order, each decided by one pure
function that both call (named in :attr:`JoinRule.decided_by`), and each join, by whichever
path, must pass one guard: :func:`refusal`, the contradiction check against *every* member of the
person the mention would join, and the reviewers' "different" judgements. A mention that fits a
person's strongest record but contradicts another of its records (a twin: same surname, date of
birth and address, another forename, whose brother was joined to the person) does not join.

:data:`RULES` is the declaration; :func:`rule` looks one up by name. The reason text of each
rule is what a reader of a person's history is told the rule means; the evidence of each join
says how the rule applied to that mention.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from threadline.resolve import described, lineage, namesakes, victims
from threadline.resolve.clustering import cluster_with_reasons
from threadline.resolve.comparisons import CONTRADICTION_COLUMNS, contradiction
from threadline.resolve.linkage import score_pair_levels

__all__ = [
    "RULES",
    "PROVISIONAL",
    "JoinRule",
    "Provisional",
    "Refusal",
    "first_contradiction",
    "refusal",
    "rule",
]


@dataclass(frozen=True)
class Provisional:
    """When call time makes a rule's join provisionally, and undoes it as batch would.

    Call time sees only the records that have arrived. A rule that rests on there being no one
    else (no other person of the name) can be made wrong by a record that has not arrived yet.
    When the evidence for the pair is only what the absence rests on (:attr:`when`), call time
    still makes the join, so the call handler sees the likely person, but marks the membership
    provisional (``assigned_by`` :data:`PROVISIONAL`, and the ``joined`` event's ``by``), and
    undoes it at call time as soon as a record arrives that makes batch's rule refuse it (a
    namesake, dated or not, who could also be that person); the nightly batch decides every
    such join again (docs/reconciliation.md).
    """

    #: Whether a join is provisional, from the comparisons that weigh for the pair it rests on.
    when: Callable[[Iterable[str]], bool]
    #: Why, in words a reviewer reads.
    reason: str


@dataclass(frozen=True)
class JoinRule:
    """One way a mention comes to be a person's: its name, what it rests on, and where decided."""

    name: str
    #: What the rule rests on, in words a reviewer reads.
    reason: str
    #: The pure function that decides it, shared by batch and call time.
    decided_by: Callable[..., Any]
    #: The ``assigned_by`` / history tag of a join made by this rule at call time (batch joins
    #: carry the model's name).
    by: str
    #: When call time makes the join provisionally, to be undone when a later record makes
    #: batch refuse it; None: call time joins as batch does.
    provisional_at_call_time: Provisional | None = None


#: The history tag (``assigned_by``, ``by``) of a decision made at call time.
CALL_TIME = "call-time"
#: The ``assigned_by`` of a provisional call-time join, and the ``by`` of its ``joined`` event.
PROVISIONAL = "call-time:provisional"

RULES: tuple[JoinRule, ...] = (
    JoinRule(
        "crime-lineage",
        "a crime is recorded from an incident (NCRS): its victim and suspect are the incident's, "
        "written a second time; one mention of the same role whose name fits is that person",
        lineage.links_for,
        lineage.LINEAGE,
    ),
    JoinRule(
        "model-link",
        "the linkage model scores the pair at or above the match threshold (0.95), and what "
        "links to two people who contradict nobody links them both (batch: connected "
        "components; call time: the two people are merged)",
        score_pair_levels,
        CALL_TIME,
    ),
    JoinRule(
        "fits-two-people",
        "a mention whose links to two people who cannot be one are of like strength (within "
        "2^10) is held for a reviewer, joined to neither (father and son of one name at one "
        "house)",
        cluster_with_reasons,
        CALL_TIME,
    ),
    JoinRule(
        "suspect-through-victim",
        "two men of one name reported for targeting the same woman are far less likely than "
        "one man reported twice: a suspect joins the one suspect of his name recorded against "
        "the same victim (and a victim the one victim of her name of the same suspect)",
        victims.joins_by_victim,
        victims.INFERENCE,
    ),
    JoinRule(
        "described-alike",
        "an unnamed suspect described the same specific way against the same victim in "
        "targeting incidents is one unknown person",
        victims.joins_by_description,
        victims.INFERENCE,
    ),
    JoinRule(
        "only-dated-person-of-the-name",
        "a mention recorded by name only, whose only partners are one person, joins that "
        "person when he is the one of the name the force has identified with a date of birth",
        namesakes.sole_bearer_joins,
        CALL_TIME,
        Provisional(
            namesakes.rests_on_the_name,
            "when the two records share nothing beyond the name (and sex): at call time a "
            "namesake may simply not have arrived yet, so the join is provisional, undone at "
            "call time when a namesake who could also be that person arrives, and decided "
            "again by the nightly batch, which sees every record",
        ),
    ),
    JoinRule(
        "her-ex",
        'a nameless "her ex" is the victim\'s one recorded (former) partner',
        described.infer_ex_partners,
        described.INFERENCE,
    ),
)

#: The guard every rule passes, stated as the rules are.
GUARD = (
    "no mention joins a person one of whose members it contradicts (forenames that differ, "
    "dates of birth that differ, sexes that differ), nor one a reviewer judged different"
)


def rule(name: str) -> JoinRule:
    """The declared rule called ``name``."""
    for item in RULES:
        if item.name == name:
            return item
    raise KeyError(name)


@dataclass(frozen=True)
class Refusal:
    """Why a join was not made: the member it clashes with, and how."""

    mention_key: str
    member_key: str
    why: str

    @property
    def sentence(self) -> str:
        return (
            f"not joined: {self.mention_key} and {self.member_key}, already of that person, "
            f"cannot be one person ({self.why})"
        )


def first_contradiction(
    left: Iterable[Mapping[str, Any]], right: Iterable[Mapping[str, Any]]
) -> Refusal | None:
    """The first mention of ``left`` that contradicts a mention of ``right``, in key order."""
    others = sorted(right, key=lambda row: str(row["unique_id"]))
    seen: set[tuple[Any, ...]] = set()
    for one in sorted(left, key=lambda row: str(row["unique_id"])):
        for other in others:
            key = (_profile(one), _profile(other))
            if key in seen:
                continue
            seen.add(key)
            why = contradiction(one, other)
            if why is not None:
                return Refusal(str(one["unique_id"]), str(other["unique_id"]), why)
    return None


def refusal(
    joining: Iterable[Mapping[str, Any]],
    members: Iterable[Mapping[str, Any]],
    cannot_link: Iterable[frozenset[str]] = (),
) -> Refusal | None:
    """The guard of every join rule: why ``joining`` (the feature rows of a mention, or of a
    cluster of them) may not join the person whose members' feature rows are ``members``;
    ``None`` when it may. ``cannot_link`` holds the pairs reviewers judged different."""
    joining, members = list(joining), list(members)
    judged = set(cannot_link)
    if judged:
        for one in joining:
            for other in members:
                pair = frozenset((str(one["unique_id"]), str(other["unique_id"])))
                if pair in judged:
                    a, b = sorted(pair)
                    return Refusal(a, b, "judged to be different people")
    return first_contradiction(joining, members)


#: What decides a contradiction, nicknames apart (a list, kept as a tuple in :func:`_profile`).
_PROFILE = tuple(c for c in CONTRADICTION_COLUMNS if c != "forename_nicknames")


def _profile(row: Mapping[str, Any]) -> tuple[Any, ...]:
    nicknames = row.get("forename_nicknames")
    return (*(row.get(c) for c in _PROFILE), tuple(nicknames or ()))

"""Which training a table of mentions supports: the rules that teach the linkage model, and
the one declared choice of them by what the data carries.

A force's extract may lack any field the synthetic force always fills (no e-mail addresses, no
dates of birth). :func:`field_coverage` counts what a table carries and how many pairs each
training rule blocks; :func:`training_plan` turns that into the rules and estimates training
uses and, in words, what it skips and why (saved in the model's metadata and printed by
``threadline train``). Nothing is left to Splink to fail on: a rule that would block no pairs
is never run, and the prior always has a value between a floor and a ceiling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from threadline.features import feature_columns, features_table, list_columns

__all__ = [
    "FieldCoverage",
    "TrainingPlan",
    "TrainingRule",
    "field_coverage",
    "training_plan",
    "training_rules",
]


@dataclass(frozen=True)
class TrainingRule:
    """One rule that picks pairs for training: expectation maximisation (EM) learns what a match
    looks like from the pairs it blocks, or the prior is estimated from the pairs it finds.

    ``columns`` must be filled on both sides for the rule to find anything; ``sql`` is the
    Splink blocking rule (DuckDB dialect, ``l.`` and ``r.``).
    """

    name: str
    sql: str
    columns: tuple[str, ...]

    def rule(self) -> BlockingRuleCreator:
        return CustomRule(self.sql)


def _same(*columns: str) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)


def _same_list(column: str) -> str:
    return f'l."{column}" = r."{column}" AND len(l."{column}") > 0'


_FULL_NAME = _same("forename", "surname")
#: The name rules both the EM tiers and the prior tiers use: full name with date of birth, then,
#: where a force records no dates of birth, full name with address.
_NAME_AND_DOB = TrainingRule(
    "same full name and date of birth",
    _same("forename", "surname", "dob"),
    ("forename", "surname", "dob"),
)
_NAME_AND_ADDRESS = TrainingRule(
    "same full name and address",
    _same("forename", "surname", "address_key"),
    ("forename", "surname", "address_key"),
)

#: EM rules in tiers, tried in order: from each tier, the rules that block pairs in the data
#: are used; a later tier is used only when no rule of the tier before it blocked any.
#:
#: A rule on date of birth or surname and postcode also blocks twins, and fathers and sons of
#: the same name at the same address: EM takes those for matches and learns that "different
#: forename" or "different date of birth" is common among matches. So the rules for names,
#: dates of birth and addresses are a shared phone list and a shared e-mail list (households
#: rarely share every number and address), then, where a force records neither, a shared
#: account or vehicle list; the rule for phones, e-mails and accounts is the same full name and
#: full date of birth, then, where a force records no dates of birth, the same full name and
#: address.
TRAINING_RULE_TIERS: tuple[tuple[tuple[TrainingRule, ...], ...], ...] = (
    (
        (
            TrainingRule("same phone list", _same_list("phones"), ("phones",)),
            TrainingRule("same e-mail list", _same_list("emails"), ("emails",)),
        ),
        (
            TrainingRule("same account list", _same_list("accounts"), ("accounts",)),
            TrainingRule("same vehicle list", _same_list("vehicles"), ("vehicles",)),
        ),
    ),
    (
        (_NAME_AND_DOB,),
        (_NAME_AND_ADDRESS,),
    ),
)

#: Rules near-certain to pick out true matches, for the prior, in the same tiered form.
PRIOR_RULE_TIERS: tuple[tuple[TrainingRule, ...], ...] = (
    (_NAME_AND_DOB,),
    (
        _NAME_AND_ADDRESS,
        TrainingRule(
            "same full name and phone list",
            f"{_FULL_NAME} AND {_same_list('phones')}",
            ("forename", "surname", "phones"),
        ),
        TrainingRule(
            "same full name and e-mail list",
            f"{_FULL_NAME} AND {_same_list('emails')}",
            ("forename", "surname", "emails"),
        ),
    ),
)


@dataclass(frozen=True)
class FieldCoverage:
    """What a table of mentions carries: how many mentions, how many fill each feature column,
    and how many pairs each training rule (by name) blocks."""

    mentions: int
    filled: Mapping[str, int]
    rule_pairs: Mapping[str, int]


@dataclass(frozen=True)
class TrainingPlan:
    """What training does with a table of a given :class:`FieldCoverage`.

    ``em_rules`` run expectation maximisation, in order; ``prior_rules`` estimate the prior
    (none: the prior is :attr:`fallback_prior`); ``skipped`` says, in words, each rule or
    estimate left out and why (kept in the model's metadata, printed by ``threadline train``).
    """

    em_rules: tuple[TrainingRule, ...]
    prior_rules: tuple[TrainingRule, ...]
    estimate_u: bool
    skipped: tuple[str, ...]
    fallback_prior: float
    prior_floor: float


#: Training never uses a prior below this many true matches per mention: at one mention in
#: ten having another mention of the same person, a force is nearly all strangers.
PRIOR_FLOOR_MATCHES_PER_MENTION = 0.1
#: Where no rule can estimate the prior: each mention has on average one other mention of
#: the same person (about what a force of repeat callers, victims and suspects shows).
FALLBACK_MATCHES_PER_MENTION = 1.0
#: Nor above this: two random mentions are more likely two people than one.
PRIOR_CEILING = 0.5
#: EM on fewer blocked pairs than this learns nothing (and on a handful that are all one person
#: drives the prior to 1): the rule is skipped.
MIN_EM_PAIRS = 20
#: Fewer mentions than this and random pairs are too often one person for their agreement to
#: say how often strangers agree: u keeps Splink's starting values.
MIN_MENTIONS_FOR_U = 50


def training_plan(coverage: FieldCoverage) -> TrainingPlan:
    """Which training rules and estimates a table of mentions supports: the one place the
    choice depends on the data.

    From each tier of :data:`TRAINING_RULE_TIERS`, the rules that block :data:`MIN_EM_PAIRS` run
    EM; when none of a tier does, the next tier is tried, and when no tier does, the
    comparisons it would have trained keep Splink's starting m probabilities. The prior is
    estimated from the first tier of :data:`PRIOR_RULE_TIERS` that finds a pair, and held
    between a floor (:data:`PRIOR_FLOOR_MATCHES_PER_MENTION`) and :data:`PRIOR_CEILING`;
    with none, it is the fallback (:data:`FALLBACK_MATCHES_PER_MENTION`). Random sampling for
    u needs :data:`MIN_MENTIONS_FOR_U` mentions.
    """
    skipped: list[str] = []
    em: list[TrainingRule] = []
    for tiers in TRAINING_RULE_TIERS:
        for position, tier in enumerate(tiers):
            usable = tuple(r for r in tier if coverage.rule_pairs.get(r.name, 0) >= MIN_EM_PAIRS)
            for rule in tier:
                if rule not in usable:
                    skipped.append(f"EM rule {rule.name!r}: {_why_no_pairs(rule, coverage)}")
            if usable:
                em += usable
                break
            if position == len(tiers) - 1:
                skipped.append(
                    "EM for the comparisons these rules train: no rule blocked a pair, so "
                    "they keep Splink's starting m probabilities"
                )
    prior: tuple[TrainingRule, ...] = ()
    for tier in PRIOR_RULE_TIERS:
        usable = tuple(r for r in tier if coverage.rule_pairs.get(r.name, 0) > 0)
        for rule in tier:
            if rule not in usable:
                skipped.append(f"prior rule {rule.name!r}: {_why_no_pairs(rule, coverage)}")
        if usable:
            prior = usable
            break
    pairs = max(coverage.mentions * (coverage.mentions - 1) / 2, 1.0)
    floor = min(PRIOR_FLOOR_MATCHES_PER_MENTION * coverage.mentions / 2 / pairs, PRIOR_CEILING)
    fallback = min(FALLBACK_MATCHES_PER_MENTION * coverage.mentions / 2 / pairs, PRIOR_CEILING)
    if not prior:
        skipped.append(
            f"prior estimate: no rule found a pair; the prior is {fallback:.3g} "
            f"(each mention taken to have {FALLBACK_MATCHES_PER_MENTION:g} other mention of "
            "the same person)"
        )
    estimate_u = coverage.mentions >= MIN_MENTIONS_FOR_U
    if not estimate_u:
        skipped.append(
            f"u by random sampling: {coverage.mentions} mentions, fewer than "
            f"{MIN_MENTIONS_FOR_U}; Splink's starting u values kept"
        )
    return TrainingPlan(
        em_rules=tuple(em),
        prior_rules=prior,
        estimate_u=estimate_u,
        skipped=tuple(skipped),
        fallback_prior=fallback,
        prior_floor=floor,
    )


def _why_no_pairs(rule: TrainingRule, coverage: FieldCoverage) -> str:
    empty = [c for c in rule.columns if coverage.filled.get(c, 0) < 2]
    if empty:
        return f"fewer than two mentions give {', '.join(empty)}"
    pairs = coverage.rule_pairs.get(rule.name, 0)
    if pairs:
        return f"it blocks {pairs} pairs, fewer than {MIN_EM_PAIRS}"
    return "no two mentions agree on " + ", ".join(rule.columns)


def training_rules() -> list[TrainingRule]:
    """Every rule :func:`training_plan` may choose from (EM and prior), each once."""
    rules: dict[str, TrainingRule] = {}
    for tiers in TRAINING_RULE_TIERS:
        for tier in tiers:
            rules.update((r.name, r) for r in tier)
    for tier in PRIOR_RULE_TIERS:
        rules.update((r.name, r) for r in tier)
    return list(rules.values())


def field_coverage(features: pd.DataFrame) -> FieldCoverage:
    """How many mentions fill each feature column, and how many pairs each training rule of
    :func:`~threadline.resolve.comparisons.training_rules` blocks (DuckDB, in memory)."""
    connection = duckdb.connect(":memory:")
    try:
        table = features_table(features)
        connection.register("mentions", table)
        lists = list_columns()

        def filled(column: str) -> str:
            extra = f' AND len("{column}") > 0' if column in lists else ""
            return f'"{column}" IS NOT NULL{extra}'

        feature_names = feature_columns()[1:]
        counts = ", ".join(f"count(*) FILTER (WHERE {filled(c)})" for c in feature_names)
        row = connection.execute(f"SELECT count(*), {counts} FROM mentions").fetchone()
        assert row is not None
        rule_pairs = {}
        for rule in training_rules():
            columns = ", ".join(f'"{c}"' for c in rule.columns)
            where = " AND ".join(filled(c) for c in rule.columns)
            pairs = connection.execute(
                f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n "
                f"FROM mentions WHERE {where} GROUP BY {columns})"
            ).fetchone()
            rule_pairs[rule.name] = int(pairs[0]) if pairs else 0
    finally:
        connection.close()
    return FieldCoverage(
        mentions=int(row[0]),
        filled=dict(zip(feature_names, (int(v) for v in row[1:]), strict=True)),
        rule_pairs=rule_pairs,
    )

"""The person-mention linkage model: training, saving, batch prediction and call-time scoring.

The model is Splink's (Fellegi-Sunter) with the comparisons of
:mod:`threadline.resolve.comparisons`, run on DuckDB in memory. A trained model is data: the
Splink settings JSON with its m and u probabilities, the surname term frequencies it was trained
with, and metadata saying what it was trained on (:class:`LinkageModel`).

Two ways to score pairs, one set of weights:

* :func:`predict_pairs` scores a whole table in batch with Splink, generating candidate pairs
  with the model's blocking rules.
* :func:`score_pairs` scores one new mention against candidates the caller already has (at call
  time, from an index). Splink 5's own ``linker.inference.score_pairs`` gives the same numbers
  but builds its SQL afresh on each call (~110-160 ms for 50 candidates on the reference
  machine), so here each comparison's level is decided by its Python twin in
  :mod:`threadline.resolve.comparisons` and weighted with the model's own level weights, read
  from Splink's settings object: about 8 ms for 50 candidates. ``tests/resolve/test_linkage.py``
  checks on over a thousand pairs that the two agree to within 1e-9.

Surname weights are term-frequency adjusted (a shared rare surname says more than a shared
common one). Both paths use the frequencies stored in the model, not those of whatever table is
being scored, so a pair gets the same weight whichever batch it appears in.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
import math
import os
import re
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import splink
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT
from splink.internals.exceptions import SplinkException
from splink.internals.misc import prob_to_match_weight
from splink.internals.settings import Settings

from threadline.features import feature_columns, features_table, identifier_columns
from threadline.resolve.comparisons import (
    DOB_DIFFERS,
    NEAR_CONCLUSIVE_M,
    PersonComparison,
    blocking_table,
    crowded_pairs,
    person_comparisons,
    prediction_blocking_rules,
    settings_dict_extras,
)
from threadline.resolve.training import (
    PRIOR_CEILING,
    TrainingPlan,
    field_coverage,
    training_plan,
)

logger = logging.getLogger(__name__)

__all__ = [
    "THREADLINE_MODEL_VERSION",
    "LevelWeight",
    "LinkageModel",
    "load_model",
    "match_probability",
    "match_weight",
    "predict_pairs",
    "save_model",
    "score_pairs",
    "train_model",
]

#: Version of the model file layout and of the comparisons; bump when either changes.
THREADLINE_MODEL_VERSION = 5

#: Columns whose exact-match level is term-frequency adjusted by Splink.
TF_COLUMNS: tuple[str, ...] = ("surname", "forename", "address_key")
#: List columns whose "in both" level is term-frequency adjusted by the rarest value the two
#: share (Splink's adjustment takes one value a side, so this one is applied after it: see
#: :func:`shared_value_adjustments`).
#: Every identifier kind's column (:func:`.features.identifier_columns`).
list_tf_columns = identifier_columns


def whole_force_u_levels() -> dict[str, str]:
    """Shared identifiers whose "in both" / "same address" level has its u probability
    estimated over the whole force (comparison → column): the chance two random mentions share
    a value, a mention without one counting as not sharing (see :func:`whole_force_u`). Every
    identifier kind and the address."""
    return {**{column: column for column in identifier_columns()}, "address": "address_key"}


#: Term frequency tables keep the values at least this many mentions share; any other value
#: has the frequency of one mention in the force (``tf_mentions`` in the metadata).
TF_MIN_COUNT = 2

_DEFAULT_RECALL = 0.8

#: The smallest m probability a trained level keeps. EM on a few thousand pairs cannot tell
#: "one true match in ten thousand" from "never", and Splink would otherwise let m fall to
#: 1e-300 (a weight of -900: no evidence could outweigh a moved house). At 1e-4 the strongest
#: evidence against a match is about -13.
MIN_M_PROBABILITY = NEAR_CONCLUSIVE_M


@dataclass(frozen=True)
class LevelWeight:
    """One level of one comparison with its weight in the trained model.

    ``position`` counts the null level as 0; ``gamma`` is Splink's comparison vector value
    (-1 for the null level). ``tf_column`` is set when the level's weight is adjusted by the
    term frequency of the agreeing value.
    """

    comparison: str
    position: int
    gamma: int
    label: str
    match_weight: float
    m_probability: float | None
    u_probability: float | None
    is_null: bool
    tf_column: str | None = None
    tf_weight: float = 0.0
    tf_minimum_u: float = 0.0
    log2_u_exact: float = 0.0

    def tf_adjustment(self, tf_left: float | None, tf_right: float | None) -> float:
        """The term-frequency adjustment Splink adds to this level's weight (0 if none)."""
        if self.tf_column is None or self.tf_weight == 0:
            return 0.0
        tf_lr = tf_left if tf_left is not None else tf_right
        tf_rl = tf_right if tf_right is not None else tf_left
        if tf_lr is None or tf_rl is None:
            return 0.0
        tf_u = max(tf_lr, tf_rl, self.tf_minimum_u)
        return self.tf_weight * (self.log2_u_exact - math.log2(tf_u))


@dataclass(frozen=True)
class LinkageModel:
    """A trained linkage model: Splink settings, term frequencies and where they came from.

    ``metadata`` holds ``threadline_model_version``, ``trained_at``, ``training_rows``,
    ``training_data_fingerprint``, ``splink_version`` and how it was trained.
    ``term_frequencies`` maps a column to ``{value: relative frequency}``.
    """

    settings: dict[str, Any]
    metadata: dict[str, Any]
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The model as one JSON-ready dictionary (the saved file's content)."""
        return {
            "threadline": self.metadata,
            "term_frequencies": self.term_frequencies,
            "splink": self.settings,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkageModel:
        """Rebuild a model from :meth:`to_dict`'s output; refuses unknown keys and versions."""
        unknown = set(data) - {"threadline", "term_frequencies", "splink"}
        if unknown:
            raise ValueError(f"unknown keys in linkage model: {sorted(unknown)}")
        metadata = dict(data["threadline"])
        version = metadata.get("threadline_model_version")
        if version != THREADLINE_MODEL_VERSION:
            raise ValueError(
                f"linkage model version {version!r} is not {THREADLINE_MODEL_VERSION}: retrain it"
            )
        return cls(
            settings=dict(data["splink"]),
            metadata=metadata,
            term_frequencies={
                column: {str(k): float(v) for k, v in values.items()}
                for column, values in data.get("term_frequencies", {}).items()
            },
        )

    @cached_property
    def comparisons(self) -> list[PersonComparison]:
        """The model's comparisons with their Python twins, in the model's order. Every one must
        be this code's; an identifier kind registered after the model was trained has no
        comparison in it and is not weighed until the model is retrained."""
        known = {c.name: c for c in person_comparisons()}
        names = [c.output_column_name for c in self.splink_settings.comparisons]
        missing = [name for name in names if name not in known]
        if missing:
            raise ValueError(f"model comparisons {missing} are not this code's comparisons")
        for saved in self.splink_settings.comparisons:
            ours = known[saved.output_column_name].creator.get_comparison("duckdb")
            if _level_labels(saved) != _level_labels(ours):
                raise ValueError(
                    f"the model's {saved.output_column_name} comparison has other levels than "
                    "this code's (they changed since it was trained): retrain it"
                )
        return [known[name] for name in names]

    @cached_property
    def splink_settings(self) -> Settings:
        """Splink's settings object for this model (DuckDB dialect)."""
        return SettingsCreator.from_path_or_dict(self.settings).get_settings("duckdb")

    @cached_property
    def prior_match_weight(self) -> float:
        """The match weight of the prior: the chance two random mentions are one person."""
        prior = self.splink_settings.core_model_settings.probability_two_random_records_match
        return float(prob_to_match_weight(prior))

    @cached_property
    def level_weights(self) -> dict[str, list[LevelWeight]]:
        """Every comparison's levels with their trained weights, by comparison name."""
        out: dict[str, list[LevelWeight]] = {}
        for comparison in self.splink_settings.comparisons:
            levels = comparison.comparison_levels
            rows = []
            for position, level in enumerate(levels):
                tf_column = None
                tf_weight = 0.0
                log2_u_exact = 0.0
                if (
                    level._has_tf_adjustments
                    and not level.is_null_level
                    and not level._is_else_level
                ):
                    tf_column = level._tf_adjustment_input_column.input_name
                    tf_weight = float(level._tf_adjustment_weight)
                    u_exact = level._u_probability_corresponding_to_exact_match(levels)
                    log2_u_exact = math.log2(u_exact)
                elif comparison.output_column_name in list_tf_columns() and position == 1:
                    tf_column = comparison.output_column_name  # "in both": the rarest shared
                    tf_weight = 1.0
                    log2_u_exact = math.log2(float(cast(float, level.u_probability)))
                rows.append(
                    LevelWeight(
                        comparison=comparison.output_column_name,
                        position=position,
                        gamma=int(level.comparison_vector_value),
                        label=str(level.label_for_charts),
                        match_weight=float(level._match_weight),
                        m_probability=None if level.is_null_level else level.m_probability,
                        u_probability=None if level.is_null_level else level.u_probability,
                        is_null=bool(level.is_null_level),
                        tf_column=tf_column,
                        tf_weight=tf_weight,
                        tf_minimum_u=float(level._tf_minimum_u_value),
                        log2_u_exact=log2_u_exact,
                    )
                )
            out[comparison.output_column_name] = rows
        return out

    def level_for_gamma(self, comparison: str, gamma: int) -> LevelWeight:
        """The level of ``comparison`` whose comparison vector value is ``gamma``."""
        for level in self.level_weights[comparison]:
            if level.gamma == gamma:
                return level
        raise KeyError(f"{comparison} has no level with gamma {gamma}")

    @property
    def unseen_term_frequency(self) -> float:
        """The frequency of a value not in the tables: one mention of the force."""
        return 1.0 / max(int(self.metadata.get("tf_mentions", 1)), 1)

    def tf_adjustment(self, level: LevelWeight, left: Any, right: Any) -> float:
        """The term-frequency adjustment of ``level`` for a pair with these values of its
        ``tf_column`` (0 if the level has none). A list column is adjusted by the rarest value
        both sides hold; a value not in the tables counts as held by one mention."""
        if level.tf_column is None:
            return 0.0
        if level.tf_column not in list_tf_columns():
            return level.tf_adjustment(
                self.term_frequency(level.tf_column, left),
                self.term_frequency(level.tf_column, right),
            )
        shared = set(left if left is not None else ()) & set(right if right is not None else ())
        if not shared:
            return 0.0
        table = self.term_frequencies.get(level.tf_column, {})
        unseen = self.unseen_term_frequency
        tf = min(table.get(str(value), unseen) for value in shared)
        return level.tf_weight * (level.log2_u_exact - math.log2(max(tf, level.tf_minimum_u)))

    def term_frequency(self, column: str, value: Any) -> float | None:
        """The stored relative frequency of ``value`` in ``column`` (None if unseen)."""
        if value is None:
            return None
        return self.term_frequencies.get(column, {}).get(str(value))


# -- Training -----------------------------------------------------------------------------------


def _level_labels(comparison: Any) -> list[str]:
    """A comparison's levels by their labels, in order: what the Python twins' level positions
    (:func:`.comparisons.person_comparisons`) must line up with."""
    return [level.label_for_charts for level in comparison.comparison_levels]


def features_fingerprint(features: pd.DataFrame | pa.Table) -> str:
    """A SHA-256 of the feature rows, in unique_id order: which data a model was trained on.

    It hashes the Arrow IPC stream of the table sorted by ``unique_id`` (one contiguous chunk),
    not a JSON line per row: the same rows give the same digest in any order, eight times
    faster (0.12 s against 1.0 s at 55k mentions)."""
    table = features_table(features).sort_by("unique_id").combine_chunks()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return hashlib.sha256(sink.getvalue()).hexdigest()


def _labels_table(labels: pd.DataFrame) -> pa.Table:
    """Reviewer judgements as Splink's pairwise-labels table: only pairs judged the same."""
    missing = {"unique_id_l", "unique_id_r"} - set(labels.columns)
    if missing:
        raise ValueError(f"labels need columns unique_id_l and unique_id_r; missing {missing}")
    same = labels
    if "is_match" in labels.columns:
        same = labels[labels["is_match"].astype(bool)]
    return pa.table(
        {
            "unique_id_l": [str(v) for v in same["unique_id_l"]],
            "unique_id_r": [str(v) for v in same["unique_id_r"]],
        }
    )


#: Batch prediction splits the left side into chunks of about this many mentions. Each chunk
#: costs Splink nearly a whole run (its blocking over every mention): at a million incidents
#: (2.76M mentions) six chunks of 500,000 took 211.6 s of CPU, one 123.1 s, within DuckDB's
#: memory limit (:data:`DUCKDB_MEMORY_SHARE`) either way (``bench/bench_predict_chunks.py``).
#: The chunks are there for a larger store.
PREDICT_CHUNK_MENTIONS = 4_000_000
#: The share of this machine's memory DuckDB may use for training and prediction; beyond it
#: DuckDB spills to disk. At a million incidents on a 23 GiB machine, 0.4 (9.4 GB) and 0.2
#: (4.7 GB) trained the same model in the same CPU (62 s), and predicted unchunked in 133.6 s
#: and 123.1 s of CPU with peaks of 9.8 and 5.8 GiB: the process's other memory (its feature
#: table and the steps after scoring) needs the rest.
DUCKDB_MEMORY_SHARE = 0.2


def duckdb_memory_mb() -> int:
    """:data:`DUCKDB_MEMORY_SHARE` of the machine's memory, in MB (at least 1 GB)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(1024, int(total * DUCKDB_MEMORY_SHARE / 1024**2))


def _new_linker(
    table: pa.Table,
    settings: SettingsCreator | dict[str, Any],
    single_threaded: bool = False,
    validate_settings: bool = True,
) -> tuple[Linker, DuckDBAPI]:
    """A linker on ``table`` (the mentions with their blocking columns, :func:`blocking_table`)."""
    connection = duckdb.connect(":memory:")
    # Blocked pairs at a million incidents (20 million, measured) need not sit beside the
    # mentions in memory: DuckDB gets a share of it and spills the rest to disk.
    connection.execute(f"SET memory_limit = '{duckdb_memory_mb()}MB'")
    connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/threadline-duckdb'")
    connection.execute("SET preserve_insertion_order = false")
    if single_threaded:
        # Parallel aggregation adds floats in varying order; training sums millions of them,
        # and one thread makes the trained model bit-for-bit reproducible.
        connection.execute("SET threads TO 1")
    db_api = DuckDBAPI(connection)
    registered = db_api.register(table)
    return Linker(registered, settings, log_level=None, validate_settings=validate_settings), db_api


def train_model(
    features: pd.DataFrame | pa.Table,
    *,
    trained_at: dt.datetime | str,
    seed: int = 1,
    max_pairs: float = 1e6,
    prior: float | None = None,
    recall: float = _DEFAULT_RECALL,
    labels: pd.DataFrame | None = None,
) -> LinkageModel:
    """Train a linkage model on a table of mention features (unsupervised, reproducible).

    What the data supports is decided once, by
    :func:`~threadline.resolve.training.training_plan` over the table's field coverage. Steps:
    the prior (``prior`` if given, else estimated from the plan's prior rules assuming they find
    ``recall`` of true matches, held between a floor and a ceiling, or the plan's fallback when
    no rule finds a pair); u probabilities by random sampling of ``max_pairs`` pairs with
    ``seed``; m probabilities by expectation maximisation, once for each of the plan's EM rules.
    What was skipped, and why, is logged and kept in the metadata (``skipped``), with the EM
    rules used (``em_rules``) and how many mentions fill each field (``field_coverage``).

    ``labels`` is the hook for reviewer judgements: a frame with ``unique_id_l``,
    ``unique_id_r`` and optionally ``is_match``; the pairs judged the same (all, without
    ``is_match``) re-estimate m with Splink's ``estimate_m_from_pairwise_labels`` after EM, so
    the judgements win where they have something to say.

    ``trained_at`` is passed in, not read from a clock, so training is a pure function of its
    arguments.
    """
    # one Arrow table for every step (a frame is converted once, column by column): at a million
    # incidents the frame's Python objects were most of training's memory
    features = features_table(features)
    if features.num_rows == 0:
        raise ValueError("cannot train a linkage model on no mentions")
    if pc.count_distinct(features.column("unique_id")).as_py() != features.num_rows:
        raise ValueError("mention features have duplicate unique_id values")
    blocking_rules: list[BlockingRuleCreator | dict[str, Any]] = [*prediction_blocking_rules()]
    settings = SettingsCreator(
        comparisons=[c.creator for c in person_comparisons()],
        blocking_rules_to_generate_predictions=blocking_rules,
        probability_two_random_records_match=prior if prior is not None else 0.0001,
        **settings_dict_extras(),
    )
    with _splink_warnings_kept() as splink_warnings:
        return _train(
            features, settings, trained_at, seed, max_pairs, prior, recall, labels, splink_warnings
        )


def _train(
    features: pa.Table,
    settings: SettingsCreator,
    trained_at: dt.datetime | str,
    seed: int,
    max_pairs: float,
    prior: float | None,
    recall: float,
    labels: pd.DataFrame | None,
    splink_warnings: list[str],
) -> LinkageModel:
    linker, db_api = _new_linker(blocking_table(features), settings, single_threaded=True)
    coverage = field_coverage(features)
    plan = training_plan(coverage)
    skipped = list(plan.skipped)

    term_frequencies = term_frequency_tables(features)

    prior_text = "fixed"
    if prior is None:
        prior_text = _estimate_prior(linker, plan, recall, skipped)
    if plan.estimate_u:
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    em_trained: set[str] = set()
    for rule in plan.em_rules:
        before = copy.deepcopy(linker._settings_obj)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule.rule(), estimate_without_term_frequencies=True
            )
            em_trained |= {
                c.name for c in person_comparisons() if not set(c.columns) & set(rule.columns)
            }
        except SplinkException as error:  # EMTrainingException, or EM on all-match pairs
            linker._settings_obj = before  # a failed EM leaves comparisons switched off
            skipped.append(f"EM rule {rule.name!r}: Splink could not train on it ({error})")
    core = linker._settings_obj.core_model_settings
    after_em = float(core.probability_two_random_records_match)
    held = min(max(after_em, plan.prior_floor), PRIOR_CEILING)
    if held != after_em:  # EM on blocks of nothing but matches drives the prior towards 1
        core.probability_two_random_records_match = held
        skipped.append(f"prior {after_em:.3g} after EM: held at {held:.3g}")
    labelled_pairs = 0
    if labels is not None and not labels.empty:
        labels_table = _labels_table(labels)
        labelled_pairs = labels_table.num_rows
        if labelled_pairs:
            registered = db_api.register(labels_table)
            linker.training.estimate_m_from_pairwise_labels(registered)
    for reason in skipped:
        logger.info("training skipped %s", reason)

    trained = linker.misc.save_model_to_json()
    trained.pop("linker_uid", None)
    neutralised = _neutralise_unestimated_levels(
        linker, trained, max_pairs, sampled=plan.estimate_u, trained=frozenset(em_trained)
    )
    whole_force = whole_force_u(features)
    for comparison in trained["comparisons"]:
        name = comparison["output_column_name"]
        if name in whole_force and whole_force[name] > 0:
            comparison["comparison_levels"][1]["u_probability"] = whole_force[name]
    metadata = {
        "threadline_model_version": THREADLINE_MODEL_VERSION,
        "trained_at": trained_at.isoformat() if isinstance(trained_at, dt.datetime) else trained_at,
        "training_rows": len(features),
        "training_data_fingerprint": features_fingerprint(features),
        "splink_version": splink.__version__,
        "seed": seed,
        "max_pairs": max_pairs,
        "prior": prior_text,
        "labelled_pairs": labelled_pairs,
        "adjusted_levels": neutralised,
        "em_rules": [rule.name for rule in plan.em_rules],
        "skipped": skipped,
        "field_coverage": dict(coverage.filled),
        "tf_mentions": len(features),
        "whole_force_u": whole_force,
        "splink_warnings": list(dict.fromkeys(splink_warnings)),
    }
    return LinkageModel(settings=trained, metadata=metadata, term_frequencies=term_frequencies)


@contextmanager
def _splink_warnings_kept() -> Iterator[list[str]]:
    """Splink's warnings while training, kept (each as one line) instead of printed: an EM pass
    reports every comparison level its blocked pairs never reach, some twenty blocks of text
    on a small force, which :func:`splink_warnings_in_a_line` says in one line."""
    splink_logger = logging.getLogger("splink")
    kept: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(" ".join(record.getMessage().removeprefix("WARNING:").split()))

    handler = _Keep(logging.WARNING)
    propagate = splink_logger.propagate
    splink_logger.addHandler(handler)
    splink_logger.propagate = False
    try:
        yield kept
    finally:
        splink_logger.removeHandler(handler)
        splink_logger.propagate = propagate


_UNOBSERVED = re.compile(
    r"Level (?P<level>.+) on comparison (?P<comparison>\S+) not observed in dataset, "
    r"unable to train (?P<parameter>[mu]) value"
)


def splink_warnings_in_a_line(warnings: Sequence[str]) -> str | None:
    """One line for a model's ``splink_warnings``: the levels an EM pass never saw, by
    comparison, then any other warning as Splink wrote it; ``None`` when there were none."""
    unseen: dict[str, list[str]] = {}
    others: list[str] = []
    for warning in warnings:
        found = _UNOBSERVED.fullmatch(warning)
        if found is None:
            others.append(warning)
            continue
        levels = unseen.setdefault(found["comparison"], [])
        if found["level"] not in levels:
            levels.append(found["level"])
    parts = []
    if unseen:
        count = sum(len(levels) for levels in unseen.values())
        listed = "; ".join(f"{name}: {', '.join(levels)}" for name, levels in unseen.items())
        parts.append(
            f"{count} comparison levels were not seen in every EM pass (Splink could not train "
            f"them there; their values come from the other passes, or are neutral where none "
            f"saw them: the model's adjusted_levels) ({listed})"
        )
    parts.extend(others)
    return "Splink: " + "; ".join(parts) + "." if parts else None


def _value_counts(features: pa.Table, column: str) -> tuple[list[Any], np.ndarray]:
    """The values of ``column`` and how many mentions hold each (a list column's value counted
    once per mention that lists it), missing values left out; in no particular order."""
    values = features.column(column).combine_chunks()
    if column in list_tf_columns():
        held = pa.table({"row": pc.list_parent_indices(values), "value": pc.list_flatten(values)})
        values = held.group_by(["row", "value"]).aggregate([]).column("value")
    counted = pc.value_counts(pc.drop_null(values))
    return counted.field("values").to_pylist(), counted.field("counts").to_numpy()


def term_frequency_tables(features: pa.Table) -> dict[str, dict[str, float]]:
    """Each term-frequency column's ``{value: share of all mentions holding it}``.

    The share is over every mention of the force, a mention without the value counting as
    not holding it (Splink's own tables divide by the mentions that give a value: among the
    few that carry an account, one account is a large share). Names keep every value; the
    identifiers and addresses keep the values :data:`TF_MIN_COUNT` or more mentions hold,
    the only ones that can be shared in the data trained on.
    """
    n = max(len(features), 1)
    tables: dict[str, dict[str, float]] = {}
    for column in (*TF_COLUMNS, *list_tf_columns()):
        values, counts = _value_counts(features, column)
        keep = column in ("forename", "surname")
        tables[column] = {
            str(value): float(count) / n
            for value, count in zip(values, counts.tolist(), strict=True)
            if keep or count >= TF_MIN_COUNT
        }
    return tables


def whole_force_u(features: pa.Table) -> dict[str, float]:
    """The u probability of each :func:`whole_force_u_levels` agreement level: the chance two
    random mentions of the whole force share a value (sum over values of c(c-1), over n(n-1)).

    Random sampling among mentions that give a value counts, in a force where few give an
    account, mostly pairs of one person's own mentions: a shared account weighed about +0.6.
    Two mentions sharing several values are counted once per value (an upper bound, so the
    evidence is if anything understated).
    """
    n = features.num_rows
    if n < 2:
        return {}
    out = {}
    for comparison, column in whole_force_u_levels().items():
        counts = _value_counts(features, column)[1].astype(float)  # whole numbers: exact sums
        out[comparison] = float((counts * (counts - 1)).sum() / (n * (n - 1)))
    return out


def _estimate_prior(linker: Linker, plan: TrainingPlan, recall: float, skipped: list[str]) -> str:
    """Set the model's prior as ``plan`` says, held within its floor and ceiling; returns how
    it was set, in words, for the model's metadata."""
    core = linker._settings_obj.core_model_settings
    if not plan.prior_rules:
        core.probability_two_random_records_match = plan.fallback_prior
        return f"fallback {plan.fallback_prior:.3g} (no rule found a pair)"
    names = ", ".join(rule.name for rule in plan.prior_rules)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [rule.rule() for rule in plan.prior_rules], recall=recall
        )
        estimate = float(core.probability_two_random_records_match)
    except ValueError as error:  # the rules found more matches than ``recall`` allows
        skipped.append(f"prior estimate from {names}: {error}; held at the ceiling")
        estimate = PRIOR_CEILING
    held = min(max(estimate, plan.prior_floor), PRIOR_CEILING)
    core.probability_two_random_records_match = held
    if held != estimate:
        skipped.append(f"prior estimate {estimate:.3g} from {names}: held at {held:.3g}")
        return f"estimated from {names} (recall {recall}), held at {held:.3g}"
    return f"estimated from {names} (recall {recall})"


def _neutralise_unestimated_levels(
    linker: Linker,
    settings: dict[str, Any],
    sampled_pairs: float,
    *,
    sampled: bool = True,
    trained: frozenset[str] | None = None,
) -> list[str]:
    """Settle the m probabilities EM could not estimate, and floor those it set near zero.

    EM leaves a level "not observed" when none of its blocked pairs fell into it. For the last
    level of a comparison ("differs"), or for two different dates of birth, among pairs chosen
    to be near-certain matches, that is evidence: true matches rarely differ, so m is set to
    :data:`MIN_M_PROBABILITY`. For a level
    between agreement and disagreement (a sounds-alike forename, the same postcode sector) it
    only means the level is rare; Splink would use m = 1e-6 and so make a near-miss count as
    strong evidence *against* a match, so it is given m = u instead: no evidence either way.
    Every estimated m below :data:`MIN_M_PROBABILITY` is raised to it.

    A level of agreement never seen among the ``sampled_pairs`` random pairs (two mentions
    sharing an e-mail address) is rarer than one in ``sampled_pairs``: its u is set to that
    bound (u = 1 would make the strongest evidence there is weigh nothing). A "differs" level
    never seen there gets u = 1, so its weight is that of its m alone.

    Where training could not estimate at all (``sampled`` false: too few mentions for random
    sampling; a comparison not in ``trained``: no EM rule reached it), Splink's starting values
    stay: agreement counts for a match and disagreement against, by declared amounts.

    Edits ``settings`` (the saved JSON) in place; returns what was changed, in words, for the
    model's metadata.
    """
    changed = []
    live = linker._settings_obj.comparisons
    if trained is None:
        trained = frozenset(c.output_column_name for c in live)
    for comparison, saved in zip(live, settings["comparisons"], strict=True):
        levels = zip(comparison.comparison_levels, saved["comparison_levels"], strict=True)
        for level, saved_level in levels:
            if level.is_null_level:
                continue
            name = f"{comparison.output_column_name}: {level.label_for_charts}"
            differs = level._is_else_level or level.label_for_charts == DOB_DIFFERS
            if not sampled and level._u_probability is None:
                # too few mentions to sample: Splink's starting u stays
                changed.append(f"{name} (u not estimated, Splink's starting value kept)")
                continue
            if comparison.output_column_name not in trained and level._m_probability is None:
                # no training rule reached this comparison: Splink's starting m stays, so
                # agreement still counts for and disagreement against
                changed.append(f"{name} (m not estimated, Splink's starting value kept)")
                continue
            u_known = level._u_probability not in (None, LEVEL_NOT_OBSERVED_TEXT)
            if u_known:
                u = float(cast(float, level.u_probability))
            else:
                u = 1.0 if differs else 1.0 / sampled_pairs
            if not u_known:
                saved_level["u_probability"] = u
                changed.append(f"{name} (not seen among random pairs, u = {u:.1e})")
            m_known = level._m_probability not in (None, LEVEL_NOT_OBSERVED_TEXT)
            if not m_known and differs:
                saved_level["m_probability"] = MIN_M_PROBABILITY
                changed.append(f"{name} (not seen among matches, m = {MIN_M_PROBABILITY})")
            elif not m_known:
                saved_level["m_probability"] = u
                changed.append(f"{name} (not seen among matches, m = u)")
            elif float(cast(float, level.m_probability)) < MIN_M_PROBABILITY:
                saved_level["m_probability"] = MIN_M_PROBABILITY
                changed.append(f"{name} (m raised to {MIN_M_PROBABILITY})")
    return changed


def save_model(model: LinkageModel, path: str | Path) -> None:
    """Write the model to a JSON file."""
    Path(path).write_text(json.dumps(model.to_dict(), indent=2, sort_keys=True), encoding="utf-8")


def load_model(path: str | Path) -> LinkageModel:
    """Read a model written by :func:`save_model`."""
    return LinkageModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


# -- Batch prediction ---------------------------------------------------------------------------


def _register_term_frequencies(linker: Linker, db_api: DuckDBAPI, model: LinkageModel) -> None:
    for column in TF_COLUMNS:
        values = model.term_frequencies.get(column, {})
        table = pa.table(
            {column: list(values), f"tf_{column}": list(values.values())},
            schema=pa.schema([(column, pa.string()), (f"tf_{column}", pa.float64())]),
        )
        linker.table_management.register_term_frequency_lookup(db_api.register(table), column)


def _list_tf_levels(model: LinkageModel) -> list[LevelWeight]:
    return [
        level
        for name in list_tf_columns()
        for level in model.level_weights.get(name, [])
        if level.tf_column == name
    ]


def _largest_shared_value_boost(model: LinkageModel) -> float:
    """The most the shared-value adjustments can add to a pair's weight (every list column
    sharing a value held by one mention only)."""
    unseen = model.unseen_term_frequency
    return sum(
        max(0.0, lw.tf_weight * (lw.log2_u_exact - math.log2(max(unseen, lw.tf_minimum_u))))
        for lw in _list_tf_levels(model)
    )


_SQL_PROBABILITY = (
    "CASE WHEN {w} >= 0 THEN 1.0 / (1.0 + pow(2.0, -({w}))) "
    "ELSE pow(2.0, {w}) / (1.0 + pow(2.0, {w})) END"
)


def shared_value_adjustments(
    connection: duckdb.DuckDBPyConnection,
    predictions: str,
    model: LinkageModel,
    threshold_match_probability: float | None,
) -> duckdb.DuckDBPyRelation:
    """Splink's scored pairs (the table ``predictions``) with the term-frequency adjustment of
    each list column's "in both" level added to ``match_weight`` (the rarest value the two
    share, as :meth:`LinkageModel.tf_adjustment` at call time), ``match_probability``
    recomputed, and the pairs below ``threshold_match_probability`` dropped."""
    levels = _list_tf_levels(model)
    unseen = model.unseen_term_frequency
    joins, terms = [], []
    for lw in levels:
        column = lw.comparison
        values = model.term_frequencies.get(column, {})
        lookup = pa.table(
            {"value": list(values), "tf": list(values.values())},
            schema=pa.schema([("value", pa.string()), ("tf", pa.float64())]),
        )
        connection.register(f"__threadline_tf_{column}", lookup)
        joins.append(
            f"LEFT JOIN (SELECT x.unique_id_l, x.unique_id_r, "
            f"min(coalesce(t.tf, {unseen!r})) AS tf FROM (SELECT unique_id_l, unique_id_r, "
            f'unnest(list_intersect("{column}_l", "{column}_r")) AS v FROM {predictions} '
            f'WHERE "gamma_{column}" = {lw.gamma}) x '
            f"LEFT JOIN __threadline_tf_{column} t ON t.value = x.v GROUP BY ALL) "
            f"AS s_{column} USING (unique_id_l, unique_id_r)"
        )
        terms.append(
            f"CASE WHEN s_{column}.tf IS NULL THEN 0.0 ELSE {lw.tf_weight!r} * "
            f"({lw.log2_u_exact!r} - log2(greatest(s_{column}.tf, {lw.tf_minimum_u!r}))) END"
        )
    if not levels:
        relation = connection.sql(f"SELECT * FROM {predictions}")
    else:
        weight = "(p.match_weight + " + " + ".join(terms) + ")"
        probability = _SQL_PROBABILITY.format(w=weight)
        relation = connection.sql(
            f"SELECT p.* REPLACE ({weight} AS match_weight, {probability} AS match_probability) "
            f"FROM {predictions} AS p " + " ".join(joins)
        )
    if threshold_match_probability is not None:
        relation = relation.filter(f"match_probability >= {float(threshold_match_probability)!r}")
    return relation


def splink_threshold(
    model: LinkageModel, threshold_match_probability: float | None
) -> float | None:
    """The threshold to ask Splink for: low enough to keep every pair the shared-value
    adjustment (:func:`shared_value_adjustments`) could lift over the one wanted."""
    if threshold_match_probability is None:
        return None
    boost = _largest_shared_value_boost(model)
    return match_probability(match_weight(threshold_match_probability) - boost)


def adjust_scored_frame(
    model: LinkageModel, scored: pd.DataFrame, threshold_match_probability: float | None
) -> pd.DataFrame:
    """:func:`shared_value_adjustments` on pairs Splink scored elsewhere (Spark), as a frame."""
    return adjust_scored(model, scored, threshold_match_probability).to_pandas()


def adjust_scored(
    model: LinkageModel,
    scored: pd.DataFrame | pa.Table,
    threshold_match_probability: float | None,
) -> pa.Table:
    """:func:`shared_value_adjustments` on pairs Splink scored elsewhere (a batch of Spark's,
    on the executor that scored it), as Arrow."""
    connection = duckdb.connect(":memory:")
    try:
        connection.register("__threadline_scored", scored)
        relation = shared_value_adjustments(
            connection, "__threadline_scored", model, threshold_match_probability
        )
        return relation.to_arrow_table()
    finally:
        connection.close()


def prediction_settings(
    model: LinkageModel,
    dialect: str = "duckdb",
    crowded: Collection[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The model's trained settings with this code's blocking rules
    (:func:`~threadline.resolve.comparisons.prediction_blocking_rules`, ``crowded`` as there),
    not the ones saved when it was trained: blocking decides which pairs are compared, as call
    time's candidate look-up does with the same keys (:mod:`threadline.resolve.candidates`), and
    nothing was learnt from it."""
    settings = dict(model.settings)
    settings["blocking_rules_to_generate_predictions"] = [
        {k: v for k, v in rule.create_blocking_rule_dict(dialect).items() if v is not None}
        for rule in prediction_blocking_rules(crowded)
    ]
    return settings


def gamma_columns(model: LinkageModel) -> list[str]:
    """The ``gamma_<comparison>`` columns of the model, in comparison order."""
    return [f"gamma_{name}" for name in model.level_weights]


def predict_pairs(
    model: LinkageModel,
    features: pd.DataFrame | pa.Table,
    threshold_match_probability: float | None = 0.5,
    *,
    values_below: float | None = None,
    values: bool = True,
    chunk_mentions: int | None = None,
) -> pd.DataFrame:
    """Score every pair the model's blocking rules find in ``features`` (batch, DuckDB).

    Returns one row per pair at or above the threshold (all blocked pairs if ``None``) with
    ``unique_id_l``, ``unique_id_r``, ``match_weight``, ``match_probability``, a
    ``gamma_<comparison>`` column per comparison, and each side's feature values
    (``<column>_l``, ``<column>_r``) for explanations. With ``values_below``, only the pairs
    scored below it keep their feature values (the others have them empty): batch resolution
    explains only the uncertain pairs it queues, and at a million incidents the values of
    every joined pair would not fit in memory. ``values=False`` keeps no feature values at all
    (weights and gammas only: batch resolution joins the values back from its feature table for
    the pairs it queues, :func:`threadline.resolve.batch.resolve_store`).

    ``features`` is a frame or the Arrow table of :func:`~threadline.features.features_table`.

    More mentions than ``chunk_mentions`` (default :data:`PREDICT_CHUNK_MENTIONS`) are scored
    in chunks, the left side split in ``ceil(mentions / chunk_mentions)`` (Splink's
    ``num_chunks_left``), so that the blocked pairs of one chunk, not of the whole store, are
    held at a time (before the broad blocking keys were narrowed, a million incidents' blocked
    pairs spilled more than 50 GB to disk; they are 20 million now). The right side is
    not split: each chunk costs Splink nearly a whole run's CPU whatever its share of the pairs
    (3.5 to 4.4 s of the 15 s unchunked at 300k incidents), so ``k`` chunks a side would cost
    ``k * k`` runs for the same pairs.
    """
    # The trained model's settings were checked when it was trained.
    table = blocking_table(features)
    settings = prediction_settings(model, crowded=crowded_pairs(table))
    linker, db_api = _new_linker(table, settings, validate_settings=False)
    _register_term_frequencies(linker, db_api, model)
    chunks = math.ceil(len(features) / (chunk_mentions or PREDICT_CHUNK_MENTIONS))
    predictions = linker.inference.predict(
        threshold_match_probability=splink_threshold(model, threshold_match_probability),
        warning_mode="never",
        num_chunks_left=chunks if chunks > 1 else None,
        num_chunks_right=1 if chunks > 1 else None,
    )
    first = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    first += gamma_columns(model)
    relation = shared_value_adjustments(
        db_api.duckdb_con,
        predictions.physical_name,
        model,
        threshold_match_probability,
    )
    rest = [c for c in relation.columns if c not in first and c != "match_key"]
    kept = [f'"{c}"' for c in first]
    if values and values_below is None:
        kept += [f'"{c}"' for c in rest]
    elif values and values_below is not None:
        kept += [
            f'CASE WHEN match_probability < {float(values_below)!r} THEN "{c}" END AS "{c}"'
            for c in rest
        ]
    return relation.project(", ".join(kept)).to_df().reset_index(drop=True)


# -- Call-time scoring --------------------------------------------------------------------------


def match_probability(match_weight: float) -> float:
    """Splink's conversion of a match weight (log2 Bayes factor) to a probability: the same
    formula, and the same overflow guard, as Splink's predict SQL."""
    if match_weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-match_weight))
    return 2.0**match_weight / (1.0 + 2.0**match_weight)


def match_weight(probability: float) -> float:
    """The inverse of :func:`match_probability` (log2 of the odds), for pairs given without a
    weight; a probability of 0 or 1 is held just inside, so the weight stays finite."""
    p = min(max(float(probability), 1e-15), 1 - 1e-15)
    return math.log2(p / (1 - p))


def score_pair_levels(
    model: LinkageModel, left: Mapping[str, Any], right: Mapping[str, Any]
) -> tuple[float, list[tuple[LevelWeight, float]]]:
    """Score one pair of feature rows: the total match weight and, per comparison, the level it
    fell in with that level's contribution (its weight plus any term-frequency adjustment)."""
    total = model.prior_match_weight
    parts: list[tuple[LevelWeight, float]] = []
    for comparison in model.comparisons:
        level = model.level_weights[comparison.name][comparison.level_of(left, right)]
        total += level.match_weight
        contribution = level.match_weight
        if level.tf_column is not None:
            adjustment = model.tf_adjustment(level, left[level.tf_column], right[level.tf_column])
            total += adjustment
            contribution += adjustment
        parts.append((level, contribution))
    return total, parts


def _as_records(features: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return features_table(features).to_pylist()


def score_pairs(
    model: LinkageModel,
    new_row_features: Mapping[str, Any],
    candidate_features: pd.DataFrame | Sequence[Mapping[str, Any]],
) -> pd.DataFrame:
    """Score one new mention against candidate mentions (call time, no blocking, no database).

    ``new_row_features`` is :func:`threadline.features.features_of` of the new
    mention; ``candidate_features`` are feature rows (a frame from
    :func:`~threadline.features.mention_features` or a list of ``features_of`` dicts).
    The weights equal those :func:`predict_pairs` gives the same pair. Returns one row per
    candidate, strongest first, with ``unique_id_l`` (the new mention), ``unique_id_r``,
    ``match_weight``, ``match_probability``, ``gamma_<comparison>`` and ``mw_<comparison>``
    (each comparison's contribution).
    """
    new = _as_records([new_row_features])[0]
    rows = []
    for candidate in _as_records(candidate_features):
        total, parts = score_pair_levels(model, new, candidate)
        row: dict[str, Any] = {
            "unique_id_l": new["unique_id"],
            "unique_id_r": candidate["unique_id"],
            "match_weight": total,
            "match_probability": match_probability(total),
        }
        for level, _ in parts:
            row[f"gamma_{level.comparison}"] = level.gamma
        for level, contribution in parts:
            row[f"mw_{level.comparison}"] = contribution
        for column in feature_columns()[1:]:
            row[f"{column}_l"] = new[column]
            row[f"{column}_r"] = candidate[column]
        rows.append(row)
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    columns += gamma_columns(model) + [f"mw_{name}" for name in model.level_weights]
    columns += [f"{c}_{side}" for c in feature_columns()[1:] for side in ("l", "r")]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("match_weight", ascending=False, kind="stable").reset_index(drop=True)

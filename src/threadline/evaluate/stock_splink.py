"""A baseline: Splink out of the box on the mentions as written, with no normalisation.

Splink's own comparison library (names by Jaro-Winkler, everything else by exact match) on the
raw fields the call handler typed: no nicknames, no phonetic keys, no E.164 phones, no postcode
cleaning, dates of birth compared as text. It shows what Threadline's normalisation and
comparisons add over a competent default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from threadline.resolve.clustering import cluster

THRESHOLD = 0.95


def stock_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("forenames"),
            cl.JaroWinklerAtThresholds("surname"),
            cl.ExactMatch("dob"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("phone"),
        ],
        # surname alone blocks every Smith with every Smith: millions of pairs at 100k incidents
        blocking_rules_to_generate_predictions=[
            block_on("forenames", "surname"),
            block_on("surname", "dob"),
            block_on("dob", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def stock_splink_clusters(
    mentions: Sequence[Mapping[str, Any]], seed: int = 1, threshold: float = THRESHOLD
) -> dict[str, str]:
    """Cluster raw mentions (id, forenames, surname, dob, postcode, phone) with stock Splink."""
    linker, ids = train_stock_splink(mentions, seed=seed)
    return predict_stock_splink(linker, ids, threshold)


def train_stock_splink(
    mentions: Sequence[Mapping[str, Any]], seed: int = 1
) -> tuple[Linker, list[str]]:
    """Stock Splink trained on raw mentions: the linker and the mention ids it holds."""
    frame = pd.DataFrame(
        [
            {
                "unique_id": str(m["id"]),
                "forenames": m.get("forenames"),
                "surname": m.get("surname"),
                "dob": m.get("dob"),
                "postcode": m.get("postcode"),
                "phone": m.get("phone"),
            }
            for m in mentions
        ],
        columns=["unique_id", "forenames", "surname", "dob", "postcode", "phone"],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), stock_settings(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("forenames", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("forenames", "surname")
    )
    return linker, list(frame["unique_id"])


def predict_stock_splink(
    linker: Linker, ids: Sequence[str], threshold: float = THRESHOLD
) -> dict[str, str]:
    """Score and cluster with a trained stock linker (:func:`train_stock_splink`)."""
    pairs = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    ).as_pandas_dataframe()
    return cluster(pairs, ids, threshold)

"""Resolving person mentions to people: features, the Splink linkage model, clusters, reasons.

The pure core of entity resolution. Nothing here touches the Threadline store: inputs are
mention rows and pandas frames, Splink runs on an in-memory DuckDB, and every score can be put
into words (:func:`explain_pair`).
"""

from threadline.resolve.clustering import ClusterResult, RefusedLink, cluster, cluster_with_reasons
from threadline.resolve.explain import explain_pair, pair_evidence
from threadline.resolve.features import FEATURE_COLUMNS, features_of, mention_features
from threadline.resolve.linkage import (
    THREADLINE_MODEL_VERSION,
    LinkageModel,
    load_model,
    predict_pairs,
    save_model,
    score_pairs,
    train_model,
)

__all__ = [
    "FEATURE_COLUMNS",
    "THREADLINE_MODEL_VERSION",
    "ClusterResult",
    "LinkageModel",
    "RefusedLink",
    "cluster",
    "cluster_with_reasons",
    "explain_pair",
    "features_of",
    "load_model",
    "mention_features",
    "pair_evidence",
    "predict_pairs",
    "save_model",
    "score_pairs",
    "train_model",
]

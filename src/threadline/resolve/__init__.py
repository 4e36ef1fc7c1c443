"""Resolving person mentions to people: features, the Splink linkage model, clusters, reasons.

The pure core of entity resolution. Nothing here touches the Threadline store: inputs are
mention rows and pandas frames, Splink runs on an in-memory DuckDB, and every score can be put
into words (:func:`explain_pair`).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from threadline.features import feature_columns, features_of, mention_features
    from threadline.resolve.clustering import (
        ClusterResult,
        RefusedLink,
        cluster,
        cluster_with_reasons,
    )
    from threadline.resolve.explain import explain_pair, pair_evidence
    from threadline.resolve.linkage import (
        THREADLINE_MODEL_VERSION,
        LinkageModel,
        load_model,
        predict_pairs,
        save_model,
        score_pairs,
        train_model,
    )

#: Where each public name lives (a module of this package, or a whole module path). Imported
#: on first use, so that a process which needs only the features (an import worker) does not
#: load pandas, Splink and DuckDB.
_HOMES = {
    "ClusterResult": "clustering",
    "RefusedLink": "clustering",
    "cluster": "clustering",
    "cluster_with_reasons": "clustering",
    "explain_pair": "explain",
    "pair_evidence": "explain",
    "feature_columns": "threadline.features",
    "features_of": "threadline.features",
    "mention_features": "threadline.features",
    "THREADLINE_MODEL_VERSION": "linkage",
    "LinkageModel": "linkage",
    "load_model": "linkage",
    "predict_pairs": "linkage",
    "save_model": "linkage",
    "score_pairs": "linkage",
    "train_model": "linkage",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = home if home.startswith("threadline.") else f"threadline.resolve.{home}"
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "THREADLINE_MODEL_VERSION",
    "ClusterResult",
    "LinkageModel",
    "RefusedLink",
    "cluster",
    "cluster_with_reasons",
    "explain_pair",
    "feature_columns",
    "features_of",
    "load_model",
    "mention_features",
    "pair_evidence",
    "predict_pairs",
    "save_model",
    "score_pairs",
    "train_model",
]

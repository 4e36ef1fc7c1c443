"""The pairs batch blocking compares, run as DuckDB runs them (for the tests of the blocking rules
and of call time's candidates, which must find the same pairs)."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from threadline.resolve.comparisons import BlockingKey, blocking_keys


def blocked_pairs(table: pa.Table, keys: list[BlockingKey] | None = None) -> set[frozenset[str]]:
    """The pairs of mentions of ``table`` (:func:`.comparisons.blocking_table`) that ``keys``
    (every blocking key if ``None``) compare."""
    db = duckdb.connect()
    db.register("m", table)
    pairs: set[frozenset[str]] = set()
    for key in blocking_keys() if keys is None else keys:
        if key.explode:
            column = key.explode
            condition = f"len(list_intersect(l.{column}, r.{column})) > 0"
        else:
            condition = key.sql
        sql = "SELECT l.unique_id, r.unique_id FROM m l, m r WHERE l.unique_id < r.unique_id"
        sql += f" AND {condition}"
        rows: list[Any] = db.execute(sql).fetchall()
        pairs |= {frozenset(p) for p in rows}
    return pairs

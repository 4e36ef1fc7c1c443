"""The store: tables, migrations and the queries the rest of Threadline runs on them."""

from threadline.store.database import (
    make_engine,
    migrate,
    open_store,
    reading,
    table_names,
    writing,
)
from threadline.store.records import record_key, write_batch
from threadline.store.summary import StoreSummary, summarise

__all__ = [
    "StoreSummary",
    "make_engine",
    "migrate",
    "open_store",
    "reading",
    "record_key",
    "summarise",
    "table_names",
    "write_batch",
    "writing",
]

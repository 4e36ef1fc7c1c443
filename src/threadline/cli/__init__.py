"""The ``threadline`` command. Each command checks its input and calls one library function.

Commands live in one module per area; importing them registers them on :data:`app`.
"""

from threadline.cli import (
    actions,
    cases,
    comms,
    crossref,
    find,
    force,
    guard,
    links,
    marac,
    records,
    resolution,
    risk,
    serve,
)
from threadline.cli.app import app

__all__ = [
    "actions",
    "app",
    "cases",
    "comms",
    "crossref",
    "find",
    "force",
    "guard",
    "links",
    "marac",
    "records",
    "resolution",
    "risk",
    "serve",
]

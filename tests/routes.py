"""Walking an app's routes, so that tests of every route cover a route added later."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastapi.routing
from fastapi import FastAPI


def _calls(dependant: Any) -> Iterator[Any]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def api_routes(app: FastAPI) -> list[tuple[str, str, list[Any]]]:
    """(method, path, every dependency callable) of each route with dependencies (the API's and
    the pages'), after router inclusion."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    contexts: list[Any] = list(iterate(app.routes)) if iterate else list(app.routes)
    found = []
    for route in contexts:
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        for method in sorted(set(route.methods) - {"HEAD"}):
            found.append((method, route.path, list(_calls(dependant))))
    return found

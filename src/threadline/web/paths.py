"""The web addresses of records and people, built from their references and ids.

A reference is any printable text (:mod:`threadline.model.refs`): ``MPS/2024/000123``,
``R2?purpose=x``, ``R3/../../api/users``. Written into an address as it is, its ``/`` would add
path steps (``..`` going up to another page), its ``?`` would start a query (a purpose the viewer
never typed), its ``#`` would cut the address short. So every reference or id goes into an address
through :func:`segment`, as exactly one path segment (everything but letters, digits and ``-._~``
percent-encoded), and every value into a query through :func:`urllib.parse.urlencode`.

The server keeps an encoded ``/`` inside its segment (:class:`threadline.api.segments.Segments`),
so ``/incidents/R3%2F..%2F..%2Fapi%2Fusers`` is the picture of incident ``R3/../../api/users``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode


def segment(value: object) -> str:
    """``value`` as one path segment: ``R3/../x?y`` → ``R3%2F..%2Fx%3Fy``."""
    return quote(str(value), safe="")


def incident_path(ref: str, **query: str) -> str:
    """The picture of incident ``ref`` (with ``query``, e.g. a purpose, if given)."""
    return _with(f"/incidents/{segment(ref)}", query)


def assessment_path(ref: str, **query: str) -> str:
    return _with(f"/assessments/{segment(ref)}", query)


def person_path(entity_id: str, **query: str) -> str:
    return _with(f"/people/{segment(entity_id)}", query)


def _with(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path

"""Routing on the path as the client sent it: an encoded ``/`` stays inside its segment.

A reference may hold ``/`` (``MPS/2024/000123``); its address carries it encoded, as one segment
(``/api/incidents/MPS%2F2024%2F000123/picture``, built by :func:`threadline.web.paths.segment`).
The server decodes the path before routing, which would turn that segment into three, so that
``/incidents/{ref}`` no longer matches, or a reference ending ``/assessments/new`` would open a
form instead of its picture. :class:`Segments` decodes the path again from the raw bytes, segment
by segment, writing a decoded ``/`` as :data:`SLASH`; :data:`RefPath` (the type of every path
parameter that is a reference) writes it back. :data:`SLASH` is a private-use character, which no
reference may hold (:func:`threadline.model.refs.check_ref`), so nothing is confused with it.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from fastapi import Path
from pydantic import AfterValidator
from starlette.types import ASGIApp, Receive, Scope, Send

from threadline.model.refs import REF_MAX_LENGTH

#: What a ``/`` decoded from inside a path segment is routed as (U+E000, private use).
SLASH = "\ue000"


def routed_path(raw_path: bytes) -> str:
    """The path to route on: ``/a/R3%2F..%2Fx`` → ``/a/R3\\ue000..\\ue000x``."""
    text = raw_path.decode("latin-1")
    return "/".join(unquote(part).replace("/", SLASH) for part in text.split("/"))


class Segments:
    """ASGI middleware: route on :func:`routed_path` when the raw path encodes a ``/``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] in ("http", "websocket") else None
        if raw and b"%2f" in raw.lower():
            scope = {**scope, "path": routed_path(raw.split(b"?", 1)[0])}
        await self.app(scope, receive, send)


def restore_slashes(value: str) -> str:
    return value.replace(SLASH, "/")


#: A reference in a path (one segment, ``/`` encoded as ``%2F``).
RefPath = Annotated[
    str,
    Path(min_length=1, max_length=REF_MAX_LENGTH, description="The reference (encode / as %2F)"),
    AfterValidator(restore_slashes),
]

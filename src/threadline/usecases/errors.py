"""What a use case refuses with, whichever face called it: the API answers each as its one
JSON error (:mod:`threadline.api.errors`), a page as an HTML error page
(:mod:`threadline.web.errors`)."""

from __future__ import annotations


class Refused(Exception):
    """A use case turned the request down: an HTTP-like ``status``, the reason, the field at
    fault."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Refused):
    """The record asked for does not exist (404)."""

    status = 404


class Unprocessable(Refused):
    """The request is well formed but cannot be carried out, for the reason named (422)."""

    status = 422

"""What a use case refuses with, whichever face called it: the API answers each as its one
JSON error (:mod:`threadline.api.errors`), a page as an HTML error page
(:mod:`threadline.web.errors`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from threadline.model.steps import StepRefused


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


class Forbidden(Refused):
    """The user's role, or who they are, does not allow the step (403)."""

    status = 403


class Conflict(Refused):
    """The state of the work (an alert, a case, a referral) does not allow the step now (409)."""

    status = 409


@contextmanager
def refused_steps(
    role: str,
    missing: Mapping[type[LookupError], str],
    forbidden: str = "a {role} may not: {reason}",
) -> Iterator[None]:
    """Within it, a step on followed work refused by its rules (:class:`StepRefused`) is this
    module's refusal: :class:`Forbidden` (``forbidden`` in words) because of who asked,
    :class:`Conflict` because of where the work stands, :class:`Unprocessable` naming the field
    otherwise; a look-up error of a type in ``missing`` is :class:`NotFound` naming the field
    ``missing`` gives it."""
    try:
        yield
    except tuple(missing) as error:
        raise NotFound(str(error), field=missing[type(error)]) from None
    except StepRefused as refused:
        if refused.forbidden:
            raise Forbidden(forbidden.format(role=role, reason=refused)) from None
        if refused.conflict:
            raise Conflict(str(refused), field=refused.field) from None
        raise Unprocessable(str(refused), field=refused.field) from None

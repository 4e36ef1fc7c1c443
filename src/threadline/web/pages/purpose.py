"""The purpose prompt: nothing about a person opens until the user has said why they look.

The purpose is checked by the API's own rule (:func:`threadline.api.deps.checked_purpose`); a page
without one (or with one too short) shows a form asking for it instead of the record: the page
calls :func:`purpose_for`, which returns the purpose or raises :class:`PurposeAsked` carrying the
prompt, and the web's handler (:func:`answer_prompt`, installed by ``install_web``) answers with it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from threadline.api.deps import checked_purpose
from threadline.api.errors import ApiError
from threadline.guard.users import User
from threadline.web.rendering import render

PurposeQuery = Annotated[str | None, Query(max_length=600)]


def stated_purpose(user: User, purpose: str | None) -> tuple[str | None, str | None]:
    """(the purpose, None) if it passes the API's rule, else (None, why not)."""
    if purpose is None:
        return None, None
    try:
        return checked_purpose(purpose), None
    except ApiError as error:
        return None, str(error.detail)


def purpose_prompt(
    request: Request,
    user: User,
    what: str,
    action: str,
    suggestion: str,
    problem: str | None,
    extra: dict[str, str] | None = None,
) -> HTMLResponse:
    """The form asking why the user opens ``what``; it comes back to ``action`` with the answer."""
    context = {
        "what": what,
        "action": action,
        "suggestion": suggestion,
        "problem": problem,
        "extra": extra or {},
    }
    return render(request, "purpose.html", user, context, status_code=400 if problem else 200)


class PurposeAsked(Exception):
    """The page cannot open until the user says why they look; ``prompt`` is the form asking."""

    def __init__(self, prompt: HTMLResponse) -> None:
        super().__init__("a purpose is asked for")
        self.prompt = prompt


def purpose_for(
    request: Request,
    user: User,
    purpose: str | None,
    what: str,
    action: str,
    suggestion: str = "",
    extra: dict[str, str] | None = None,
) -> str:
    """The purpose stated for opening ``what``, or :class:`PurposeAsked` with the prompt (see
    :func:`purpose_prompt`), which the page then answers."""
    stated, problem = stated_purpose(user, purpose)
    if stated is None:
        raise PurposeAsked(purpose_prompt(request, user, what, action, suggestion, problem, extra))
    return stated


async def answer_prompt(request: Request, exc: Exception) -> Response:
    """The exception handler for :class:`PurposeAsked`: the prompt it carries."""
    assert isinstance(exc, PurposeAsked)
    return exc.prompt

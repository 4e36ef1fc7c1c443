"""Signing in (a form that posts to ``/api/login``) and the start page for each role."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import CurrentUser
from threadline.guard.policy import actions_for
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site; ``/`` if
    ``target`` is anything else.

    Checked as given and once more percent-decoded: it must start with one ``/`` and hold no
    second ``/`` straight after it, no backslash, no scheme or host, and no control or format
    character (a browser drops a tab or newline from a URL, so ``/<tab>/evil.example`` is
    ``//evil.example``, another site).
    """
    if not target:
        return "/"
    for text in (target, unquote(target)):
        if not text.startswith("/") or text.startswith(("//", "/\\")) or "\\" in text:
            return "/"
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            return "/"
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return "/"
    return target


async def login_page(request: Request) -> Response:
    """The sign-in form. It holds no data, so it is served like a static file."""
    return render(
        request, "login.html", None, {"next": safe_next(request.query_params.get("next"))}
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser) -> HTMLResponse:
    """What the signed-in user's role can do here."""
    return render(request, "home.html", user, {"actions": actions_for(user.role)})

"""Errors as pages for browsers, JSON for everyone else.

The API's handlers answer every error with one JSON shape. A browser asking for a page (a
request outside ``/api/`` whose ``Accept`` header names ``text/html``) gets instead: a redirect to
the sign-in page when it is not signed in, and an error page saying why otherwise (the access
policy's reason for a refusal, the fields at fault for a bad form). Anything else, API clients and
tests that ask for ``*/*`` included, gets the API's JSON unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from threadline.api.errors import field_name
from threadline.guard.policy import PermissionDenied
from threadline.usecases.errors import Refused
from threadline.web.rendering import render

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

_TITLES = {
    400: "Something is missing",
    403: "Not for your role",
    404: "Not found",
    409: "Not yet",
    413: "Too large",
    422: "Please check the form",
    429: "Too many requests",
    503: "Not ready",
}


def wants_html(request: Request) -> bool:
    """Whether the request is a browser asking for a page (not the API, not a script)."""
    if request.url.path.startswith(("/api/", "/docs", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def error_page(request: Request, status: int, message: str, problems: list[str]) -> Response:
    context = {
        "status": status,
        "title": _TITLES.get(status, "Something went wrong"),
        "message": message,
        "problems": problems,
    }
    return render(request, "error.html", None, context, status_code=status)


def html_response(request: Request, exc: Exception) -> Response | None:
    """The page for ``exc``, or ``None`` to leave it to the API's JSON handler."""
    if not wants_html(request):
        return None
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, exc.reason, [])
    if isinstance(exc, Refused):
        return error_page(request, exc.status, exc.message, [])
    if isinstance(exc, RequestValidationError):
        problems = [f"{field_name(e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
        return error_page(request, 422, "Some of what was sent is not valid.", problems)
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 401:
            return login_redirect(request)
        return error_page(request, exc.status_code, str(exc.detail), [])
    return None


def _negotiating(original: Handler) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        page = html_response(request, exc)
        if page is not None:
            return page
        result = original(request, exc)
        if isinstance(result, Response):
            return result
        return await result

    return handler


def install_html_errors(app: FastAPI) -> None:
    """Wrap the app's handlers for HTTP, validation and permission errors (see module docstring)."""
    for kind in (StarletteHTTPException, RequestValidationError, PermissionDenied, Refused):
        original = app.exception_handlers.get(kind)
        if original is not None:
            app.exception_handlers[kind] = _negotiating(original)

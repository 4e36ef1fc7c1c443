"""What protects a browser's session: the CSRF check, and the security headers on every answer.

:class:`BrowserGuard` checks every unsafe request (POST, PUT, PATCH, DELETE) not made with a
bearer token (an API client's ``Authorization`` header cannot be sent by another site's page):

* its ``Origin`` header, or failing that its ``Referer``, must name this site (the ``Host`` the
  request came to); ``Origin: null`` (a sandboxed or file page) is refused. This holds for signing
  in too, so another site cannot sign a browser in as someone else;
* if it carries a signed-in session cookie, it must carry the session's CSRF token, in the
  ``X-CSRF-Token`` header or the ``csrf_token`` field of a URL-encoded form (OWASP's synchroniser
  token: the token lives in the signed session, another site can neither read nor forge it).

SameSite=Strict on the cookie already stops most cross-site requests; these checks hold where it
does not (an old browser, a sibling subdomain, a same-site page that was compromised).

:class:`SecurityHeaders` adds to every answer a Content Security Policy (scripts and styles from
this site only; no framing: ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``),
``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``; and ``Cache-Control:
no-store`` to everything but the static files, since pages and API answers carry person data that
must not stay in a shared or browser cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threadline.api.errors import error_body
from threadline.api.security import CSRF_FIELD, csrf_matches

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPE = "application/x-www-form-urlencoded"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # inline style attributes colour the charts' legends; no inline script runs anywhere
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: paths whose answers hold no person data and may be cached
CACHEABLE_PREFIXES = ("/static/",)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def same_site(source: str, host: str) -> bool:
    """Whether ``source`` (an ``Origin`` or ``Referer`` value) names the site at ``host``."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def origin_problem(scope: Scope) -> str | None:
    """Why the request's ``Origin``/``Referer`` shows it was sent by another site, if it does."""
    host = _header(scope, b"host") or ""
    origin = _header(scope, b"origin")
    if origin is not None:
        if not same_site(origin, host):
            return "this request came from another site (Origin)"
        return None
    referer = _header(scope, b"referer")
    if referer is not None and not same_site(referer, host):
        return "this request came from another site (Referer)"
    return None


def _bearer(scope: Scope) -> bool:
    value = _header(scope, b"authorization") or ""
    scheme, _, token = value.partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _signed_in(scope: Scope) -> bool:
    session = scope.get("session")
    return isinstance(session, dict) and "user" in session


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages: list[Message] = []
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    return body, messages


def _replay(messages: Iterable[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


class BrowserGuard:
    """The CSRF and ``Origin`` check for cookie-authenticated unsafe requests (403 if failed).

    Install inside the session middleware (it reads ``scope["session"]``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or _bearer(scope):
            await self.app(scope, receive, send)
            return
        problem = origin_problem(scope)
        if problem is None and _signed_in(scope):
            sent = _header(scope, b"x-csrf-token")
            content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            if sent is None and content_type == FORM_TYPE:
                body, messages = await _read_body(receive)
                receive = _replay(messages, receive)
                fields = parse_qs(body.decode("latin-1"), keep_blank_values=True)
                sent = next(iter(fields.get(CSRF_FIELD, [])), None)
            if not csrf_matches(scope.get("session"), sent):
                problem = "this form has expired or did not come from this site: reload the page"
        if problem is not None:
            response = JSONResponse(error_body(problem, "csrf_token"), status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """The security headers on every answer, and ``no-store`` on all but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)

"""Signed, expiring credentials: API bearer tokens, and who a request claims to come from.

A token is the username and the user's ``session_stamp``, signed with the app's secret
(itsdangerous, HMAC-SHA1 over a timestamped payload) and valid for ``ttl_seconds``. A token stops
working when it expires, when the user is disabled, when their password changes or when they sign
out (the stamp, made from the password hash and the user's stored session generation, no longer
matches). Session cookies carry the same claim.

A session also holds a CSRF token (:func:`csrf_token`): pages put it in every form
(``csrf_token`` field) and the scripts send it as ``X-CSRF-Token``;
:class:`threadline.api.hardening.BrowserGuard` refuses an unsafe request made with the cookie
that does not carry it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.types import Scope

from threadline.guard.users import User


@dataclass(frozen=True)
class Claim:
    """Who a credential says its bearer is; checked against the users table on every request."""

    username: str
    stamp: str


def claim_of(value: Any) -> Claim | None:
    """A :class:`Claim` from a decoded token or session payload, or ``None`` if malformed."""
    if (
        isinstance(value, dict)
        and isinstance(value.get("u"), str)
        and isinstance(value.get("s"), str)
    ):
        return Claim(value["u"], value["s"])
    return None


def claim_payload(user: User) -> dict[str, str]:
    return {"u": user.username, "s": user.session_stamp}


class Tokens:
    """Issue and read bearer tokens for API clients."""

    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="threadline.api-token")
        self.ttl_seconds = ttl_seconds

    def issue(self, user: User) -> str:
        return self._serializer.dumps(claim_payload(user))

    def read(self, token: str) -> Claim | None:
        """The claim of a genuine, unexpired token; ``None`` otherwise."""
        try:
            payload = self._serializer.loads(token, max_age=self.ttl_seconds)
        except BadSignature:
            return None
        return claim_of(payload)


def request_claim(scope: Scope, tokens: Tokens) -> Claim | None:
    """The verified claim of a request's bearer token or session cookie, if it carries one.

    Only signatures are checked here (no database): enough to key a rate limit by user.
    """
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token:
                return tokens.read(token.strip())
    session = scope.get("session")
    if isinstance(session, dict):
        return claim_of(session.get("user"))
    return None


def rate_key(scope: Scope, tokens: Tokens) -> str:
    """``user:<name>`` for a signed-in request, else ``ip:<client address>``."""
    claim = request_claim(scope, tokens)
    if claim is not None:
        return f"user:{claim.username}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def new_csrf_token(session: MutableMapping[str, Any]) -> str:
    """A fresh CSRF token for ``session`` (on signing in), replacing any before."""
    token = secrets.token_urlsafe(32)
    session[CSRF_SESSION_KEY] = token
    return token


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if isinstance(token, str) and token:
        return token
    return new_csrf_token(session)


def csrf_matches(session: Any, sent: str | None) -> bool:
    """Whether ``sent`` is this session's CSRF token (compared in constant time)."""
    expected = session.get(CSRF_SESSION_KEY) if isinstance(session, dict) else None
    if not isinstance(expected, str) or not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())

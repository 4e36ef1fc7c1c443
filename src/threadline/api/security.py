"""Signed, expiring credentials: API bearer tokens, and who a request claims to come from.

A token is the username and the user's ``session_stamp``, signed with the app's secret
(itsdangerous, HMAC-SHA1 over a timestamped payload) and valid for ``ttl_seconds``. Nothing is
stored on the server: a token stops working when it expires, when the user is disabled, or when
their password changes (the stamp no longer matches). Session cookies carry the same claim.
"""

from __future__ import annotations

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

"""Request limits: a body-size cap (413) and a per-user or per-address token bucket (429).

Both are plain ASGI middleware so they act before any route or body parsing. The token bucket
is in memory, per process: with several workers each has its own, so the effective limit is the
per-worker limit times the number of workers. Requests are keyed by the signed-in user when the
request carries a valid session or token, else by the client address (as the ASGI server reports
it; run uvicorn with ``--proxy-headers`` behind a trusted proxy).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threadline.api.errors import ApiError, error_body


class TokenBucket:
    """``burst`` requests at once, refilled at ``per_minute``; one bucket per key.

    :meth:`take` returns 0.0 when a request may go ahead, else the seconds until it may.
    Buckets that have refilled completely are forgotten, so memory stays bounded by the number
    of recently active keys.
    """

    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs per_minute > 0 and burst >= 1")
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def take(self, key: str) -> float:
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0, now)
            self._sweep(now)
            return 0.0

    def _sweep(self, now: float) -> None:
        full_after = self.burst / self.rate
        if now - self._last_sweep < full_after:
            return
        self._last_sweep = now
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.burst:
                del self._buckets[key]


async def _send_error(send: Send, status: int, message: str, headers: dict[str, str]) -> None:
    body = json.dumps(error_body(message)).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class RateLimit:
    """Refuse with 429 (and ``Retry-After``) once a key's bucket is empty."""

    def __init__(self, app: ASGIApp, bucket: TokenBucket, key_for: Callable[[Scope], str]) -> None:
        self.app = app
        self.bucket = bucket
        self.key_for = key_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wait = self.bucket.take(self.key_for(scope))
        if wait > 0:
            await _send_error(
                send,
                429,
                f"too many requests: try again in {math.ceil(wait)} s",
                {"Retry-After": str(math.ceil(wait))},
            )
            return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuse with 413 a body over ``max_bytes``: at once if ``Content-Length`` says so, or as
    soon as a streamed body passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return f"request body larger than {self.max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await _send_error(send, 413, self._message(), {})
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise ApiError(413, self._message())
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except ApiError as error:
            if error.status_code != 413 or started:
                raise
            await _send_error(send, 413, self._message(), {})

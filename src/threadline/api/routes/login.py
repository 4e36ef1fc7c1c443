"""Signing in: a session cookie for the browser, a bearer token for API clients.

Both routes share one check (:func:`_check`): the library's :func:`authenticate` (one trimming
rule, the lockout, argon2id), run in the app's own pool of ``hash_slots`` threads (at a lower CPU
priority, niceness :data:`HASH_NICENESS`, so that under a flood the kernel runs signed-in users'
requests first) behind a limiter, so at most ``hash_slots`` password checks run at once and a
flood of sign-ins waits in the event loop instead of taking memory and threads from signed-in
users. A locked name is refused (429, with ``Retry-After``) before it waits for a slot and again
once it has one, without hashing. Each worker remembers for :data:`REMEMBER_FOR` the locks it
has seen (:data:`REMEMBERED_LOCKS` at most), so a flood at a locked name is refused without
reading the store (an administrator's reset is seen by every worker within that time), and holds
the answer back for ``locked_delay_seconds`` (1 s), so a guessing loop at a locked name slows to
that pace while the server keeps only a sleeping coroutine.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from threadline.api.deps import PUBLIC, SIGNIN_FAILED, EngineDep, TokensDep, audit_refusal
from threadline.api.errors import ApiError, error_answer
from threadline.api.responses import Health
from threadline.api.schemas import LoginRequest, TokenResponse, UserPublic
from threadline.api.security import claim_payload, csrf_token, new_csrf_token, request_claim
from threadline.guard.lockout import failure_key, lock_of
from threadline.guard.policy import actions_for
from threadline.guard.users import SignInLocked, User, authenticate, end_sessions, get_user

router = APIRouter(tags=["sign in"])

_REFUSED: dict[int | str, dict[str, Any]] = {
    401: error_answer("Wrong username or password"),
    429: error_answer("Too many failed sign-ins: the name is locked"),
    503: error_answer("Too many sign-ins waiting: try again shortly"),
}


#: the niceness of the password-checking threads (0 is normal; 19 the lowest priority)
HASH_NICENESS = 10
#: the most locked names one worker keeps in memory (expired ones are dropped first)
REMEMBERED_LOCKS = 10_000
#: how long a worker trusts a lock it has seen before reading the store again
REMEMBER_FOR = timedelta(seconds=30)


def _remembered_lock(request: Request, name: str, now: datetime) -> datetime | None:
    locks: dict[str, tuple[datetime, datetime]] = getattr(request.app.state, "sign_in_locks", {})
    until, trusted_until = locks.get(name, (now, now))
    return until if trusted_until > now else None


def _remember_lock(request: Request, name: str, until: datetime, now: datetime) -> None:
    state = request.app.state
    locks: dict[str, tuple[datetime, datetime]] | None = getattr(state, "sign_in_locks", None)
    if locks is None:
        locks = state.sign_in_locks = {}
    if len(locks) >= REMEMBERED_LOCKS:
        for stale in [key for key, (_, trusted) in locks.items() if trusted <= now]:
            del locks[stale]
        if len(locks) >= REMEMBERED_LOCKS:
            locks.clear()
    locks[name] = (until, min(until, now + REMEMBER_FOR))


def _lower_priority() -> None:
    """Run the calling thread at niceness :data:`HASH_NICENESS` (Linux sets it per thread;
    elsewhere, or if refused, the thread keeps the process's priority)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)
    except (AttributeError, OSError):
        pass


def hash_pool(request: Request) -> ThreadPoolExecutor:
    """This worker's threads for password checks, made on first use (shut down with the app)."""
    state = request.app.state
    pool: ThreadPoolExecutor | None = getattr(state, "hash_pool", None)
    if pool is None:
        pool = state.hash_pool = ThreadPoolExecutor(
            max_workers=state.hash_slots,
            thread_name_prefix="threadline-password",
            initializer=_lower_priority,
        )
    return pool


def hash_limiter(request: Request) -> anyio.CapacityLimiter:
    """This worker's limit on password checks running at once, made on first use."""
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "hash_limiter", None)
    if limiter is None:
        limiter = state.hash_limiter = anyio.CapacityLimiter(state.hash_slots)
    return limiter


def _locked(until: datetime, now: datetime) -> ApiError:
    wait = max(int((until - now).total_seconds()) + 1, 1)
    return ApiError(
        429,
        f"too many failed sign-ins for this name: try again in {(wait + 59) // 60} minutes, "
        "or ask an administrator to reset the password",
        headers={"Retry-After": str(wait)},
    )


async def _check(request: Request, engine: EngineDep, username: str, password: str) -> User:
    state = request.app.state
    now: datetime = state.clock()
    name = failure_key(username)
    locked = _remembered_lock(request, name, now)
    if locked is None:
        locked = (await anyio.to_thread.run_sync(lock_of, engine, name)).locked_at(now)
    if locked is not None:
        _remember_lock(request, name, locked, now)
        await anyio.sleep(state.locked_delay_seconds)
        raise _locked(locked, now)
    check = partial(authenticate, engine, username, password, hasher=state.password_hasher, now=now)
    limiter = hash_limiter(request)
    try:
        with anyio.fail_after(state.hash_wait_seconds):
            await limiter.acquire()
    except TimeoutError:
        raise ApiError(
            503, "too many sign-ins at once: try again shortly", headers={"Retry-After": "5"}
        ) from None
    try:
        locked = _remembered_lock(request, name, now)  # locked while this one waited
        if locked is not None:
            raise SignInLocked(locked)
        user = await asyncio.get_running_loop().run_in_executor(hash_pool(request), check)
    except SignInLocked as error:
        _remember_lock(request, name, error.until, now)
        await anyio.sleep(state.locked_delay_seconds)
        raise _locked(error.until, now) from None
    finally:
        limiter.release()
    if user is None:
        refusal = "wrong username or password, or the account is disabled"
        audit_refusal(request, 401, refusal, user=username, action=SIGNIN_FAILED)
        raise ApiError(401, refusal)
    return user


@router.post("/api/token", dependencies=[PUBLIC], responses=_REFUSED)
async def issue_token(
    request: Request,
    engine: EngineDep,
    tokens: TokensDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenResponse:
    """Exchange a username and password (form fields) for a bearer token."""
    user = await _check(request, engine, form.username, form.password)
    return TokenResponse(access_token=tokens.issue(user), expires_in=tokens.ttl_seconds)


@router.post("/api/login", dependencies=[PUBLIC], responses=_REFUSED)
async def login(
    request: Request, response: Response, engine: EngineDep, body: LoginRequest
) -> UserPublic:
    """Sign in with a JSON username and password; sets the session cookie.

    The answer's ``X-CSRF-Token`` header carries the session's new CSRF token: send it back in
    that header (or the ``csrf_token`` form field) with every POST made with the cookie."""
    user = await _check(request, engine, body.username, body.password)
    request.session.clear()
    request.session["user"] = claim_payload(user)
    new_csrf_token(request.session)
    response.headers["X-CSRF-Token"] = csrf_token(request.session)
    return UserPublic.of(user, actions_for(user.role))


@router.post("/api/logout", dependencies=[PUBLIC], status_code=204)
async def logout(request: Request, engine: EngineDep, tokens: TokensDep) -> Response:
    """Sign out: ends every session and bearer token of the signed-in user, so a copied
    session cookie stops working too (they sign in again on each device)."""
    claim = request_claim(request.scope, tokens)
    if claim is not None:
        user = await anyio.to_thread.run_sync(get_user, engine, claim.username)
        if user is not None and user.session_stamp == claim.stamp:
            await anyio.to_thread.run_sync(end_sessions, engine, user.username)
    request.session.clear()
    return Response(status_code=204)


@router.get("/api/health", dependencies=[PUBLIC])
def health() -> Health:
    """Whether the API is up; says nothing else."""
    return Health(status="ok")

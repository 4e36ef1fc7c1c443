"""Signing in: a session cookie for the browser, a bearer token for API clients."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from threadline.api.deps import PUBLIC, SIGNIN_FAILED, EngineDep, TokensDep, audit_refusal
from threadline.api.errors import ApiError, ErrorResponse
from threadline.api.schemas import LoginRequest, TokenResponse, UserPublic
from threadline.api.security import claim_payload
from threadline.guard.policy import actions_for
from threadline.guard.users import User, authenticate

router = APIRouter(tags=["sign in"])

_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Wrong username or password"}
}


def _check(request: Request, engine: EngineDep, username: str, password: str) -> User:
    user = authenticate(engine, username, password, hasher=request.app.state.password_hasher)
    if user is None:
        refusal = "wrong username or password, or the account is disabled"
        audit_refusal(request, 401, refusal, user=username, action=SIGNIN_FAILED)
        raise ApiError(401, refusal)
    return user


@router.post("/api/token", dependencies=[PUBLIC], responses=_REFUSED)
def issue_token(
    request: Request,
    engine: EngineDep,
    tokens: TokensDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenResponse:
    """Exchange a username and password (form fields) for a bearer token."""
    user = _check(request, engine, form.username, form.password)
    return TokenResponse(access_token=tokens.issue(user), expires_in=tokens.ttl_seconds)


@router.post("/api/login", dependencies=[PUBLIC], responses=_REFUSED)
def login(request: Request, engine: EngineDep, body: LoginRequest) -> UserPublic:
    """Sign in with a JSON username and password; sets the session cookie."""
    user = _check(request, engine, body.username, body.password)
    request.session.clear()
    request.session["user"] = claim_payload(user)
    return UserPublic.of(user, actions_for(user.role))


@router.post("/api/logout", dependencies=[PUBLIC], status_code=204)
def logout(request: Request) -> Response:
    """End the session (a bearer token stays valid until it expires)."""
    request.session.clear()
    return Response(status_code=204)


@router.get("/api/health", dependencies=[PUBLIC])
def health() -> dict[str, str]:
    """Whether the API is up; says nothing else."""
    return {"status": "ok"}

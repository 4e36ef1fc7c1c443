"""The signed-in user, and user accounts for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from threadline.api.deps import Audited, ClockDep, CurrentUser, EngineDep, require
from threadline.api.schemas import UserCreate, UserPublic
from threadline.guard.policy import actions_for
from threadline.guard.users import User, create_user, list_users

router = APIRouter(tags=["users"])


@router.get("/api/me")
def me(user: CurrentUser) -> UserPublic:
    """Who is signed in, their role, and the actions it allows."""
    return UserPublic.of(user, actions_for(user.role))


@router.get("/api/users")
def users(_: Annotated[User, require("users.manage")], engine: EngineDep) -> list[UserPublic]:
    """Every account (administrators only)."""
    return [UserPublic.of(u, actions_for(u.role)) for u in list_users(engine)]


@router.post("/api/users", status_code=201)
def add_user(
    _: Annotated[User, require("users.manage")],
    request: Request,
    body: UserCreate,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
) -> UserPublic:
    """Create an account (administrators only); the creation is audited."""
    created = create_user(
        engine,
        body.username,
        body.display_name,
        body.role,
        body.password,
        clock(),
        hasher=request.app.state.password_hasher,
    )
    audited(
        "users.manage",
        [f"user:{created.username}"],
        detail={"change": "created", "role": created.role.value},
    )
    return UserPublic.of(created, actions_for(created.role))

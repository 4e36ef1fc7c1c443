"""The signed-in user, and user accounts for administrators.

Every change an administrator makes (adding an account, disabling or enabling it, giving it
another role, resetting its password) is made by the library with the administrator as the
``actor``, which writes the audit row in the same transaction as the change.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Request

from threadline.api.deps import ClockDep, CurrentUser, EngineDep, require
from threadline.api.errors import ApiError, error_answer
from threadline.api.schemas import UserCreate, UserPublic, UserUpdate
from threadline.guard.policy import actions_for
from threadline.guard.users import (
    Actor,
    User,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
)

router = APIRouter(tags=["users"])

_CHANGE_REFUSED: dict[int | str, dict[str, Any]] = {
    404: error_answer("No such user"),
    422: error_answer("The change is not allowed (the field is named)"),
}


def _actor(user: User) -> Actor:
    return Actor(user.username, user.role.value)


@router.get("/api/me")
def me(user: CurrentUser) -> UserPublic:
    """Who is signed in, their role, and the actions it allows."""
    return UserPublic.of(user, actions_for(user.role))


@router.get("/api/users")
def users(_: Annotated[User, require("users.manage")], engine: EngineDep) -> list[UserPublic]:
    """Every account (administrators only)."""
    return [UserPublic.of(u, actions_for(u.role)) for u in list_users(engine)]


@router.post(
    "/api/users",
    status_code=201,
    responses={
        409: error_answer("The username is taken"),
        422: error_answer("A field is not allowed (named)"),
    },
)
async def add_user(
    admin: Annotated[User, require("users.manage")],
    request: Request,
    body: UserCreate,
    engine: EngineDep,
    clock: ClockDep,
) -> UserPublic:
    """Create an account (administrators only); the creation is audited."""
    created = await anyio.to_thread.run_sync(
        lambda: create_user(
            engine,
            body.username,
            body.display_name,
            body.role,
            body.password,
            clock(),
            hasher=request.app.state.password_hasher,
            actor=_actor(admin),
        )
    )
    return UserPublic.of(created, actions_for(created.role))


def _apply(
    engine: Any, hasher: Any, admin: User, username: str, body: UserUpdate, now: Any
) -> User:
    target = get_user(engine, username)
    if target is None:
        raise ApiError(404, f"no user {username.strip().lower()!r}", "username")
    actor = _actor(admin)
    if body.active is not None and body.active != target.active:
        if not body.active and target.username == admin.username:
            raise ApiError(422, "you cannot disable your own account", "active")
        target = set_active(engine, target.username, body.active, actor=actor, now=now)
    if body.role is not None and body.role != target.role:
        if target.username == admin.username:
            raise ApiError(422, "you cannot change your own role", "role")
        target = set_role(engine, target.username, body.role, actor=actor, now=now)
    if body.password is not None:
        target = set_password(
            engine, target.username, body.password, hasher=hasher, actor=actor, now=now
        )
    return target


@router.patch("/api/users/{username}", responses=_CHANGE_REFUSED)
async def change_user(
    admin: Annotated[User, require("users.manage")],
    request: Request,
    username: str,
    body: UserUpdate,
    engine: EngineDep,
    clock: ClockDep,
) -> UserPublic:
    """Disable or enable an account, change its role or reset its password (administrators
    only). Each change is audited; a disabled account's sessions and tokens stop at once, and a
    reset password ends every session and clears the lockout. Administrators cannot disable
    themselves or change their own role (another administrator must)."""
    hasher = request.app.state.password_hasher
    changed = await anyio.to_thread.run_sync(_apply, engine, hasher, admin, username, body, clock())
    return UserPublic.of(changed, actions_for(changed.role))

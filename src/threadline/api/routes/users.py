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
from threadline.api.errors import error_answer
from threadline.api.schemas import UserCreate, UserPublic, UserUpdate
from threadline.guard.policy import actions_for
from threadline.guard.users import Actor, User, create_user, list_users
from threadline.usecases.users import AccountChange, change_account

router = APIRouter(tags=["users"])

Admin = Annotated[User, require("users.manage")]

_CHANGE_REFUSED: dict[int | str, dict[str, Any]] = {
    404: error_answer("No such user"),
    422: error_answer("The change is not allowed (the field is named)"),
}


@router.get("/api/me")
def me(user: CurrentUser) -> UserPublic:
    """Who is signed in, their role, and the actions it allows."""
    return UserPublic.of(user, actions_for(user.role))


@router.get("/api/users")
def users(_: Admin, engine: EngineDep) -> list[UserPublic]:
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
    admin: Admin,
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
            actor=Actor.of(admin),
        )
    )
    return UserPublic.of(created, actions_for(created.role))


@router.patch("/api/users/{username}", responses=_CHANGE_REFUSED)
async def change_user(
    admin: Admin,
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
    change = AccountChange(body.active, body.role, body.password)
    changed = await anyio.to_thread.run_sync(
        change_account, engine, hasher, admin, username, change, clock()
    )
    return UserPublic.of(changed, actions_for(changed.role))

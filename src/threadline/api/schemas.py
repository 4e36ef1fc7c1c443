"""Request and response bodies of the guard's routes; requests reject unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from threadline.guard.audit import AuditEntry, VerifyResult
from threadline.guard.policy import UserRole
from threadline.guard.users import User


class RequestBody(BaseModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginRequest(RequestBody):
    """One trimming rule for every sign-in route: the library trims the username (as for
    ``/api/token``'s form) and takes the password exactly as typed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserCreate(RequestBody):
    """The library cleans the username and display name; the password is kept as typed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    username: str = Field(min_length=2, max_length=80)
    display_name: str = Field(min_length=1, max_length=120)
    role: UserRole
    password: str = Field(min_length=1, max_length=1024)


class UserUpdate(RequestBody):
    """Changes to an account, each optional and each audited: enable or disable it, give it
    another role, or reset its password (kept as typed)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    active: bool | None = None
    role: UserRole | None = None
    password: str | None = Field(default=None, min_length=1, max_length=1024)


class UserPublic(BaseModel):
    username: str
    display_name: str
    role: UserRole
    active: bool
    created_at: datetime
    permissions: list[str]

    @classmethod
    def of(cls, user: User, permissions: list[str]) -> UserPublic:
        return cls(
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            active=user.active,
            created_at=user.created_at,
            permissions=permissions,
        )


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    user: str
    role: str
    action: str
    records: list[str]
    purpose: str | None
    detail: dict[str, Any] | None
    prev_hash: str
    hash: str
    client: str | None = None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryPublic:
        return cls(**entry.__dict__)


class VerifyPublic(BaseModel):
    ok: bool
    rows_checked: int
    first_bad_row_id: int | None
    reason: str
    anchors_checked: int = 0

    @classmethod
    def of(cls, result: VerifyResult) -> VerifyPublic:
        return cls(**result.__dict__)

"""Request and response bodies of the guard's routes; requests reject unknown fields."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
)

from threadline.api.errors import error_answer
from threadline.api.mirror import mirror
from threadline.guard.audit import AuditEntry, VerifyResult
from threadline.guard.policy import UserRole
from threadline.guard.users import User

#: The earliest date a ``since`` parameter takes (``YYYY-MM-DD``, or an RFC 3339 time with its
#: offset). Before it a period table would run to thousands of empty months (``since=0`` was
#: read as 1970 and ``since=0001-01-01`` answered 7 MB), and no record of a living person is that
#: old: an earlier or other date is a 422 naming the parameter, not a cap the client cannot see.
#: The OpenAPI states the bound as the same pattern the server checks.
EARLIEST_YEAR = 1900
_YEAR = r"(19\d\d|[2-9]\d{3})"
DATE_PATTERN = rf"^{_YEAR}-\d{{2}}-\d{{2}}$"
_CLOCK = r"\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})"
DATE_TIME_PATTERN = rf"^{_YEAR}-\d{{2}}-\d{{2}}T{_CLOCK}$"


def _matching(pattern: str, message: str) -> Any:
    def check(value: object) -> object:
        if isinstance(value, str):
            if not re.search(pattern, value):  # as JSON Schema reads "pattern"
                raise ValueError(message)
            return value.rstrip("\n")  # "$" allows one final newline
        return value

    return BeforeValidator(check)


def _json_integer(value: object) -> object:
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError("give a JSON integer")  # pydantic alone reads true as 1 and "7" as 7
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("give a JSON integer")
        return int(value)  # JSON Schema's integer: 6738.0 is one (schemathesis ST202)
    return value


#: Reads an ``int`` as JSON Schema reads an integer: a number with no fractional part (``7`` or
#: ``7.0``), never a boolean or a string. Put it after the ``Field`` of bounds
#: (``Annotated[int, Field(ge=1), JSON_INTEGER]``): a ``Field`` on an alias holding it is written
#: to the OpenAPI as ``ge``, not ``minimum``.
JSON_INTEGER = BeforeValidator(_json_integer)


#: A date given as ``YYYY-MM-DD`` from 1900 (pydantic alone would read ``0`` as Unix time).
IsoDate = Annotated[
    date,
    _matching(DATE_PATTERN, f"give a date as YYYY-MM-DD, from {EARLIEST_YEAR}-01-01"),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
#: A time given as RFC 3339 with its offset (``2026-03-01T09:30:00Z``), from 1900.
IsoDateTime = Annotated[
    datetime,
    _matching(
        DATE_TIME_PATTERN,
        f"give a time as YYYY-MM-DDTHH:MM:SSZ (or +HH:MM), from {EARLIEST_YEAR}",
    ),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}),
]


#: The JSON Schemas of the record models that routes take as bodies (:func:`record_body`), for
#: the OpenAPI's ``components`` (``threadline.api.main`` adds them).
BODY_COMPONENTS: dict[str, Any] = {}


def record_body(model: type[BaseModel], description: str) -> dict[str, Any]:
    """``openapi_extra`` stating a route's body as ``model``'s JSON Schema (the import format),
    for a route that reads the body itself with :func:`threadline.model.parse_record` so that
    its errors name each field as an import does."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    BODY_COMPONENTS.update(schema.pop("$defs", {}))
    BODY_COMPONENTS[model.__name__] = schema
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": ref}},
        }
    }


#: The body of a route that submits a record: read by the route itself, stated by
#: :func:`record_body`.
RecordBody = Annotated[dict[str, Any], Body()]


def submission_route(
    record: type[BaseModel],
    described: str,
    answer: type[BaseModel],
    answered: str,
    refused: str = "A field of the record is wrong (named)",
) -> dict[str, Any]:
    """The OpenAPI of a route that submits a record through the live path (an incident, a risk
    assessment, a court order), as ``router.post`` keywords: the body is ``record`` in the
    import format, the answer ``answer`` (its response model; a 422 the route answers itself
    passes as it is), a 422 when a field is wrong and a 503 with no linkage model."""
    return {
        "response_model": answer,
        "responses": {
            200: {"description": answered},
            422: error_answer(refused),
            503: error_answer("No linkage model has been trained"),
        },
        "openapi_extra": record_body(record, described),
    }


def _surrogate_in(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, list | tuple):
        return any(_surrogate_in(v) for v in value)
    return False


#: The longest new password: the strength check (zxcvbn) raises on more than 72 characters, which
#: answered 500; a sign-in still takes up to 1,024 (``LoginRequest``).
MAX_NEW_PASSWORD = 72


class RequestBody(BaseModel):
    """A request body: unknown fields are an error, not silently dropped. Text holding a lone
    UTF-16 surrogate (JSON's ``"\\ud800"``) is a 422 naming the field: it is no character, and
    hashing or storing it failed with a 500."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_lone_surrogates(cls, value: Any) -> Any:
        if _surrogate_in(value):
            raise ValueError("holds a lone surrogate (U+D800 to U+DFFF), which is not a character")
        return value


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
    password: str = Field(min_length=1, max_length=MAX_NEW_PASSWORD)


class UserUpdate(RequestBody):
    """Changes to an account, each optional and each audited: enable or disable it, give it
    another role, or reset its password (kept as typed)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    active: StrictBool | None = None
    role: UserRole | None = None
    password: str | None = Field(default=None, min_length=1, max_length=MAX_NEW_PASSWORD)


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


class AuditEntryPublic(mirror(AuditEntry, base=BaseModel, times_as_text=False)):  # type: ignore[misc]
    """One row of the audit log: who did what, when, to which records, why, and its hash chain."""

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryPublic:
        return cls(**entry.__dict__)


class VerifyPublic(mirror(VerifyResult, base=BaseModel)):  # type: ignore[misc]
    """The audit log checked: whether its hash chain holds, how many rows and anchors were read."""

    @classmethod
    def of(cls, result: VerifyResult) -> VerifyPublic:
        return cls(**result.__dict__)

"""Every error the API returns has one shape: ``{"error": {"field": ..., "message": ...}}``.

``field`` names the input at fault (``purpose``, ``username``, ``people.0.role``) or is ``null``
when no single input is; ``message`` is a sentence for a person. Validation errors from FastAPI
are mapped to this shape too; when more than one input is wrong, ``details`` lists each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from threadline.guard.policy import PermissionDenied
from threadline.guard.users import UserError, UserExists
from threadline.usecases.errors import Refused

_LOCATIONS = {"body", "query", "path", "header", "cookie"}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str | None
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    """The body of every error response."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


class ApiError(StarletteHTTPException):
    """An HTTP error that names the field at fault."""

    def __init__(
        self,
        status_code: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.field = field


def error_answer(description: str) -> dict[str, Any]:
    """An error status in a route's ``responses=``: the one error body, and when it is given."""
    return {"model": ErrorResponse, "description": description}


def error_body(message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"field": field, "message": message, **extra}}


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "people", 0, "role")`` → ``"people.0.role"``: the location prefix dropped."""
    if len(loc) == 2 and loc[0] == "body" and isinstance(loc[1], int):
        return "body"  # malformed JSON: the position of the fault, not a field
    parts = list(loc)
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def allowed_methods(request: Request) -> str | None:
    """Every method the API serves at ``request``'s path (``app.state.allowed_methods``: each
    route's path pattern and methods), for a 405's ``Allow``; ``None`` if it has no list.

    Starlette names only the methods of the first route matching the path, so a path served by
    two routes (``GET`` and ``POST /api/users``) would otherwise answer ``Allow: GET``."""
    routes = getattr(request.app.state, "allowed_methods", None)
    if not routes:
        return None
    path = request.scope.get("path", "")
    methods = {m for pattern, route_methods in routes if pattern.match(path) for m in route_methods}
    return ", ".join(sorted(methods)) if methods else None


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allow = allowed_methods(request)
        if allow:
            headers["Allow"] = allow
    return JSONResponse(
        error_body(str(exc.detail), getattr(exc, "field", None)),
        status_code=exc.status_code,
        headers=headers or None,
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems: list[dict[str, str | None]] = [
        {"field": field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ] or [{"field": None, "message": "the request is not valid"}]
    first = problems[0]
    extra = {"details": problems} if len(problems) > 1 else {}
    message = first["message"] or "the request is not valid"
    return JSONResponse(error_body(message, first["field"], **extra), status_code=422)


async def _permission_denied(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PermissionDenied)
    return JSONResponse(error_body(exc.reason), status_code=403)


async def _user_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UserError)
    status = 409 if isinstance(exc, UserExists) else 422
    return JSONResponse(error_body(exc.message, exc.field), status_code=status)


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return JSONResponse(error_body(exc.message, exc.field), status_code=exc.status)


def install_error_handlers(app: FastAPI) -> None:
    """Map HTTP, validation, permission and user errors to the one error shape."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PermissionDenied, _permission_denied)
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(Refused, _refused)

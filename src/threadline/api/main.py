"""The API factory: settings and an engine in, a FastAPI app out, nothing done at import.

:func:`threadline.app.create_app` makes the whole app, this API with the web pages on it.
``create_api`` wires the pieces in one place: error handlers (one JSON error shape), every router
under :mod:`threadline.api.routes`, and five middlewares, outermost first: the security headers
(:class:`~threadline.api.hardening.SecurityHeaders`), the signed session cookie (``Secure``
unless ``secure_cookies`` is off for the plain-HTTP demo), the per-user/address rate limit (429),
the body-size cap (413), and the CSRF and ``Origin`` check
(:class:`~threadline.api.hardening.BrowserGuard`, 403). OpenAPI is published at
``/openapi.json`` with interactive docs at ``/docs``, whose Swagger UI is served from this site
(the ``fastapi-offline`` package's copy), not a CDN.
"""

from __future__ import annotations

import importlib
import pkgutil
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from argon2 import PasswordHasher
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.utils import create_model_field
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Route

from threadline import __version__
from threadline.api import routes
from threadline.api.config import ApiConfig
from threadline.api.deps import (
    MAX_PURPOSE_LENGTH,
    PURPOSE_DESCRIPTION,
    PURPOSE_PATTERN,
    error_responses,
)
from threadline.api.errors import install_error_handlers
from threadline.api.hardening import BrowserGuard, SecurityHeaders
from threadline.api.limits import BodySizeLimit, RateLimit, TokenBucket
from threadline.api.schemas import BODY_COMPONENTS
from threadline.api.security import Tokens, rate_key
from threadline.api.segments import Segments
from threadline.crossref.person import ProfileLoader, load_person_profile
from threadline.guard.users import default_hasher
from threadline.model import FORCE_TIMEZONE
from threadline.resolve.linkage import LinkageModel, load_model
from threadline.settings import Settings

SESSION_COOKIE = "threadline_session"
DOCS_ASSETS = "/static/swagger-ui"
DOCS_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Threadline API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


def discover_routers() -> list[APIRouter]:
    """The ``router`` of every module in :mod:`threadline.api.routes`, in module-name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(routes.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def document_errors(router: APIRouter) -> None:
    """Add to each route's OpenAPI the error answers its dependencies can give
    (:func:`threadline.api.deps.error_responses`: 400, 401, 403, 413, 422, 429, 503), each
    with the one error body; a route's own ``responses=`` entry for a status is kept. Call it
    before the router is included; calling it again changes nothing."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        for status, response in error_responses(
            route.dependant, sorted(route.methods or ())
        ).items():
            if status in route.responses or str(status) in route.responses:
                continue
            route.responses = {**route.responses, status: response}  # may be shared: copied
            route.response_fields = {**route.response_fields}
            route.response_fields[status] = create_model_field(
                name=f"Response_{status}_{route.unique_id}",
                type_=response["model"],
                mode="serialization",
            )


def document_purpose(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document) with each ``purpose`` query parameter stated as the
    server checks it (:func:`threadline.api.deps.checked_purpose`): required, a string of 3 to
    500 characters once trimmed. In code it is optional only because the ``X-Purpose`` header
    may carry it instead. A route's own ``purpose`` parameter of another meaning (the audit
    log's filter, "rows whose purpose holds these words") is left as the route states it: it
    is told apart by the description :func:`threadline.api.deps.get_purpose` gives its own."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if (
                    parameter.get("name") == "purpose"
                    and parameter.get("in") == "query"
                    and parameter.get("description") == PURPOSE_DESCRIPTION
                ):
                    parameter["required"] = True
                    parameter["description"] = PURPOSE_DESCRIPTION
                    parameter["schema"] = {
                        "type": "string",
                        "pattern": PURPOSE_PATTERN,
                        "maxLength": MAX_PURPOSE_LENGTH,
                        "title": "Purpose",
                    }
    return schema


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI, made once: FastAPI's, with :func:`document_purpose` and the record
    schemas of the bodies routes read themselves (:func:`threadline.api.schemas.record_body`)."""
    if app.openapi_schema is None:
        schema = document_purpose(FastAPI.openapi(app))
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, body in BODY_COMPONENTS.items():
            components.setdefault(name, body)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                content = operation.get("requestBody", {}).get("content", {})
                body_schema = content.get("application/json", {}).get("schema", {})
                if "$ref" in body_schema:  # the record's schema, not also FastAPI's "any object"
                    content["application/json"]["schema"] = {"$ref": body_schema["$ref"]}
        app.openapi_schema = schema
    return app.openapi_schema


def _person_profile(
    engine: Engine, entity_id: str, clock: Callable[[], datetime]
) -> dict[str, Any] | None:
    return load_person_profile(engine, entity_id, today=clock().astimezone(FORCE_TIMEZONE).date())


def swagger_assets() -> Path:
    """The Swagger UI 5 files (``swagger-ui-bundle.js``, ``swagger-ui.css``) that the
    ``fastapi-offline`` package ships (Apache 2.0, with its licence)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


async def _docs(_request: Request) -> HTMLResponse:
    """The interactive API docs; every file they load is served from this site."""
    return HTMLResponse(DOCS_PAGE.format(assets=DOCS_ASSETS))


def _saved_model(settings: Settings) -> LinkageModel | None:
    path = Path(getattr(settings, "model_path", "") or "")
    return load_model(path) if path.is_file() else None


@asynccontextmanager
async def _lifespan(_app: FastAPI, threads: int) -> AsyncIterator[None]:
    """At start: the number of threads request handlers run in, if the deployment sets one; at
    the end: the password-checking threads stop."""
    if threads > 0:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    yield
    pool = getattr(_app.state, "hash_pool", None)  # routes/login.py's password threads
    if pool is not None:
        pool.shutdown(wait=False)


def create_api(
    settings: Settings,
    engine: Engine,
    *,
    config: ApiConfig | None = None,
    profile_loader: ProfileLoader | None = None,
    clock: Callable[[], datetime] | None = None,
    password_hasher: PasswordHasher | None = None,
    linkage_model: LinkageModel | None = None,
) -> FastAPI:
    """The Threadline HTTP API on ``engine`` (without the pages: :func:`threadline.app.create_app`
    adds them).

    ``config`` defaults to what ``settings`` defines (:meth:`ApiConfig.from_settings`);
    ``profile_loader`` to :func:`threadline.crossref.person.load_person_profile` (orders
    active on the clock's date); ``clock`` to UTC now; ``password_hasher`` to argon2-cffi's
    defaults; ``linkage_model`` to the model saved at ``settings.model_path``, read once here,
    or none if there is no such file (routes that resolve people then answer 503).
    """
    config = config or ApiConfig.from_settings(settings)
    secret = config.session_secret or secrets.token_urlsafe(32)
    tokens = Tokens(secret, config.token_ttl_seconds)

    app = FastAPI(
        lifespan=partial(_lifespan, threads=config.request_threads),
        title="Threadline",
        version=__version__,
        description="Cross-reference every incident with what the force already knows.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.tokens = tokens
    app.state.submission_group = config.submission_group
    app.state.clock = clock or utc_now
    app.state.profile_loader = profile_loader or partial(_person_profile, clock=app.state.clock)
    app.state.linkage_model = linkage_model or _saved_model(settings)
    app.state.password_hasher = password_hasher or default_hasher()
    app.state.hash_slots = config.hash_slots
    app.state.hash_wait_seconds = config.hash_wait_seconds
    app.state.locked_delay_seconds = config.locked_delay_seconds

    install_error_handlers(app)
    app.openapi = partial(_openapi, app)  # type: ignore[method-assign]
    allowed: list[tuple[Any, set[str]]] = []
    for router in discover_routers():
        document_errors(router)
        allowed += [
            (r.path_regex, r.methods or set()) for r in router.routes if isinstance(r, APIRoute)
        ]
        app.include_router(router)
    app.state.allowed_methods = allowed
    app.router.routes.append(Route("/docs", _docs, methods=["GET"], name="docs"))
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_assets()), name="swagger-ui")

    app.add_middleware(BrowserGuard)  # inside the size cap: it may read a form's body
    app.add_middleware(BodySizeLimit, max_bytes=config.max_body_bytes)
    app.add_middleware(
        RateLimit,
        bucket=TokenBucket(config.rate_limit_per_minute, config.rate_limit_burst),
        key_for=partial(rate_key, tokens=tokens),
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=config.token_ttl_seconds,
        same_site="strict",
        https_only=config.secure_cookies,
    )
    app.add_middleware(Segments)  # an encoded "/" stays inside its path segment (references)
    app.add_middleware(SecurityHeaders)
    return app

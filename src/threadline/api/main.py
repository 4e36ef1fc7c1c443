"""The app factory: settings and an engine in, a FastAPI app out, nothing done at import.

``create_app`` wires the pieces in one place: error handlers (one JSON error shape), every router
under :mod:`threadline.api.routes`, and three middlewares, outermost first: the signed session
cookie, the per-user/address rate limit (429), and the body-size cap (413). OpenAPI is published
at ``/openapi.json`` with interactive docs at ``/docs``.
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
from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from threadline import __version__
from threadline.api import routes
from threadline.api.config import ApiConfig
from threadline.api.errors import install_error_handlers
from threadline.api.limits import BodySizeLimit, RateLimit, TokenBucket
from threadline.api.security import Tokens, rate_key
from threadline.crossref.person import ProfileLoader, load_person_profile
from threadline.guard.users import default_hasher
from threadline.model import FORCE_TIMEZONE
from threadline.resolve.linkage import LinkageModel, load_model
from threadline.settings import Settings

SESSION_COOKIE = "threadline_session"


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


def _person_profile(
    engine: Engine, entity_id: str, clock: Callable[[], datetime]
) -> dict[str, Any] | None:
    return load_person_profile(engine, entity_id, today=clock().astimezone(FORCE_TIMEZONE).date())


def _saved_model(settings: Settings) -> LinkageModel | None:
    path = Path(getattr(settings, "model_path", "") or "")
    return load_model(path) if path.is_file() else None


@asynccontextmanager
async def _lifespan(_app: FastAPI, threads: int) -> AsyncIterator[None]:
    """At start: the number of threads request handlers run in, if the deployment sets one."""
    if threads > 0:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    yield


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    config: ApiConfig | None = None,
    profile_loader: ProfileLoader | None = None,
    clock: Callable[[], datetime] | None = None,
    password_hasher: PasswordHasher | None = None,
    linkage_model: LinkageModel | None = None,
) -> FastAPI:
    """The Threadline HTTP API on ``engine``.

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
        docs_url="/docs",
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

    install_error_handlers(app)
    for router in discover_routers():
        app.include_router(router)
    from threadline.web import install_web  # the pages: same sign-in, policy and audit

    install_web(app)

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
    return app

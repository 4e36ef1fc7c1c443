"""The whole app: the JSON API (:func:`threadline.api.create_api`) with the web pages installed
on it (:func:`threadline.web.install_web`), so pages and API share sign-in, the access policy
and the audit log. It sits above both, so that neither imports the other to be assembled."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from threadline.api import create_api
from threadline.settings import Settings
from threadline.web import install_web

__all__ = ["create_app"]


def create_app(settings: Settings, engine: Engine, **options: Any) -> FastAPI:
    """The API on ``engine`` (``options`` as :func:`threadline.api.create_api` takes them) with
    the pages, ``/static`` and HTML error pages. Nothing is served before both are in place."""
    app = create_api(settings, engine, **options)
    install_web(app)
    return app

"""The app as uvicorn's worker processes build it (``threadline serve --workers N``).

Each worker reads the deployment's settings from the environment (``THREADLINE_*``), so every
worker serves the same store and model and signs tokens and sessions with the same secret
(``threadline serve`` sets one for its workers when the deployment has none).
"""

from __future__ import annotations

from fastapi import FastAPI

from threadline.app import create_app
from threadline.settings import Settings
from threadline.store import open_store


def create() -> FastAPI:
    """One worker's app: uvicorn calls this (``--factory``) in each worker process."""
    settings = Settings()
    engine = open_store(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    return create_app(settings, engine)

"""The HTTP API: ``create_api(settings, engine)`` and the dependencies routes are built from.
The whole app, the API with the web pages on it, is :func:`threadline.app.create_app`."""

from threadline.api.config import ApiConfig
from threadline.api.main import create_api
from threadline.crossref.person import ProfileLoader

__all__ = ["ApiConfig", "ProfileLoader", "create_api"]

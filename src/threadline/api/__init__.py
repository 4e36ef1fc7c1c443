"""The HTTP API: ``create_app(settings, engine)`` and the dependencies routes are built from."""

from threadline.api.config import ApiConfig
from threadline.api.main import create_app
from threadline.crossref.person import ProfileLoader

__all__ = ["ApiConfig", "ProfileLoader", "create_app"]

"""The web site installed on the API app: page routers, static files, templates, HTML errors.

:func:`install_web` is called by :func:`threadline.app.create_app`, so pages share the API's
sign-in (the session cookie), its permission dependency and its audit log. Each page is a thin
handler: it checks its input, calls one library function and renders a template.

The sign-in page (``GET /login``) is a plain Starlette route, like ``/static``: it serves a form
and nothing else. The form posts to the API's own ``POST /api/login``, so there is one sign-in.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import Route

from threadline.api.security import csrf_token
from threadline.web.errors import install_html_errors
from threadline.web.pages import routers
from threadline.web.pages.login import login_page
from threadline.web.pages.purpose import PurposeAsked, answer_prompt
from threadline.web.rendering import make_templates

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"


def install_web(app: FastAPI) -> None:
    """Add the pages, ``/static`` and HTML error pages to ``app`` (a :func:`create_app` app).

    Installing twice changes nothing."""
    if getattr(app.state, "web_installed", False):
        return
    app.state.web_installed = True
    app.state.web_templates = make_templates(PACKAGE / "templates")
    # every form carries the session's CSRF token: {{ csrf_token(request) }}
    app.state.web_templates.env.globals["csrf_token"] = lambda request: csrf_token(request.session)
    for router in routers():
        app.include_router(router)
    app.router.routes.append(Route("/login", login_page, methods=["GET"], name="login"))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(PurposeAsked, answer_prompt)
    install_html_errors(app)

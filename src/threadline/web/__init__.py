"""The web app: server-rendered pages for call handlers, officers, supervisors and analysts.

:func:`install_web` adds the pages to an app made by :func:`threadline.app.create_app` (which
calls it), so pages and API share sign-in, the access policy and the audit log.
:func:`create_demo_users` makes one account per role for trying it (``threadline serve
--demo-users``). See docs/web.md.
"""

from threadline.web.demo import create_demo_users
from threadline.web.site import install_web

__all__ = ["create_demo_users", "install_web"]

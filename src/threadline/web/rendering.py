"""Templates and what every page is rendered with: the user, the navigation, dates in words.

Navigation lists only the pages the signed-in user's role may open (asked of the access policy,
never decided here).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from threadline.guard.disclosure import may_see_contact
from threadline.guard.policy import allowed
from threadline.guard.users import User
from threadline.model import FORCE_TIMEZONE
from threadline.web.paths import segment

#: (label, path, action the page needs), in the order shown.
NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("New incident", "/incidents/new", "incident.submit"),
    ("Find a person", "/search", "person.search"),
    ("Connect", "/connect", "network.view"),
    ("Dashboard", "/dashboard", "dashboard.view"),
    ("MARAC", "/marac", "marac.view"),
    ("Notifications", "/notifications", "notifications.view"),
    ("Statistics", "/stats", "stats.view"),
    ("Audit log", "/audit", "audit.read"),
)


def local_time(value: datetime | str | None, with_time: bool = True) -> str:
    """``2025-03-04T14:05Z`` → ``Tue 4 Mar 2025 14:05`` in the force's time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if value.tzinfo is not None:
        value = value.astimezone(FORCE_TIMEZONE)
    day = f"{value:%a} {value.day} {value:%b %Y}"
    return f"{day} {value:%H:%M}" if with_time else day


def local_date(value: date | datetime | str | None) -> str:
    """A date in words: ``4 Mar 2025``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(FORCE_TIMEZONE)
    return f"{value.day} {value:%b %Y}"


def words(value: object) -> str:
    """``breach_of_order`` → ``breach of order``."""
    return str(value or "").replace("_", " ")


def make_templates(directory: Path) -> Jinja2Templates:
    templates = Jinja2Templates(directory=directory)
    env = templates.env
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["when"] = local_time
    env.filters["day"] = local_date
    env.filters["words"] = words
    env.filters["segment"] = segment  # a reference or id in a path: {{ ref | segment }}
    return templates


def navigation(user: User | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    return [(label, path) for label, path, action in NAVIGATION if allowed(user.role, action)]


def render(
    request: Request,
    template: str,
    user: User | None,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """``template`` filled with ``context`` plus the user, their navigation and their rights."""
    templates: Jinja2Templates = request.app.state.web_templates
    full: dict[str, Any] = {
        "user": user,
        "nav": navigation(user),
        "can": (lambda action: user is not None and allowed(user.role, action)),
        "sees_contacts": user is not None and may_see_contact(user.role),
        "path": request.url.path,
    }
    full.update(context or {})
    return templates.TemplateResponse(request, template, full, status_code=status_code)

"""The pages, one module per area, each exposing ``router``."""

from __future__ import annotations

from fastapi import APIRouter

from threadline.web.pages import (
    accountability,
    actions,
    assessments,
    audit,
    cases,
    communications,
    connect,
    dashboard,
    incidents,
    login,
    marac,
    network,
    people,
    search,
    stats,
)


def routers() -> list[APIRouter]:
    """Every page router, in a fixed order."""
    return [
        login.router,
        incidents.router,
        people.router,
        communications.router,
        search.router,
        network.router,
        connect.router,
        dashboard.router,
        stats.router,
        assessments.router,
        marac.router,
        accountability.router,
        actions.router,
        audit.router,
        cases.router,
    ]


__all__ = ["routers"]

"""Every route, found by walking ``app.routes``, refuses anonymous users and wrong roles.

A route added later under ``threadline.api.routes`` is covered without editing this file; it
fails here unless it is public on purpose (and listed below) or guarded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from routes import api_routes
from threadline.api.deps import Require, get_current_user, public
from threadline.guard import User, UserRole
from threadline.guard.policy import allowed

PUBLIC_ROUTES = {
    ("POST", "/api/token"),
    ("POST", "/api/login"),
    ("POST", "/api/logout"),
    ("GET", "/api/health"),
}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "P-404", path)


def actions_of(calls: list[Any]) -> list[str]:
    return [c.action for c in calls if isinstance(c, Require)]


def test_routes_are_found_and_each_is_public_or_needs_sign_in(app: FastAPI) -> None:
    routes = api_routes(app)
    seen = {(method, path) for method, path, _ in routes}
    assert {("GET", "/api/me"), ("GET", "/api/audit"), ("GET", "/api/people/{entity_id}")} <= seen
    for method, path, calls in routes:
        if public in calls:
            assert (method, path) in PUBLIC_ROUTES, f"{method} {path} is public: list it here"
            continue
        assert get_current_user in calls, f"{method} {path} neither public nor signed-in only"


def test_every_guarded_route_refuses_an_anonymous_user(app: FastAPI, client: TestClient) -> None:
    checked = 0
    for method, path, calls in api_routes(app):
        if public in calls:
            continue
        response = client.request(method, concrete(path))
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        assert response.json()["error"]["message"]
        assert response.headers["WWW-Authenticate"] == "Bearer"
        bad = client.request(method, concrete(path), headers={"Authorization": "Bearer forged"})
        assert bad.status_code == 401, f"{method} {path} accepted a forged token"
        checked += 1
    assert checked >= 6


def test_every_guarded_route_refuses_a_wrong_role(
    app: FastAPI,
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
) -> None:
    checked = 0
    for method, path, calls in api_routes(app):
        actions = actions_of(calls)
        if not actions:
            continue
        for role in UserRole:
            response = client.request(method, concrete(path), headers=auth(role.value))
            if all(allowed(role, action) for action in actions):
                assert response.status_code not in (401, 403), f"{role} {method} {path}"
            else:
                assert response.status_code == 403, f"{role} {method} {path}"
                assert "may not" in response.json()["error"]["message"]
                checked += 1
    assert checked >= 15


def test_only_an_auditor_reads_the_audit_log(
    client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    for role in UserRole:
        status = client.get("/api/audit", headers=auth(role.value)).status_code
        assert status == (200 if role is UserRole.auditor else 403), role

"""What protects a browser's session (issue 27, finding 7): the CSRF token and Origin check,
the security headers, Secure cookies, Swagger UI served from this site, and ``next``."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import User
from threadline.settings import Settings
from threadline.web.pages.login import safe_next

PASSWORD = "granite harbour lantern"
HTML = {"Accept": "text/html,application/xhtml+xml"}
EVIL = "https://evil.example"


def _sign_in(app: FastAPI, username: str) -> tuple[TestClient, str]:
    browser = TestClient(app, headers=HTML)
    response = browser.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return browser, response.headers["X-CSRF-Token"]


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",  # /login?next=%2F%09%2Fevil.example, as the browser reads it
        "/%09/evil.example",
        "/\n/evil.example",
        "/%2F/evil.example",
        "/%2fevil.example",
        "//evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/\u202e/evil.example",
        "",
    ],
)
def test_next_refuses_anything_but_a_path_on_this_site(target: str) -> None:
    assert safe_next(target) == "/"


def test_next_keeps_a_path_with_its_query() -> None:
    assert safe_next("/people/P0000042?purpose=INC-20260301-0001%20call") == (
        "/people/P0000042?purpose=INC-20260301-0001%20call"
    )


def test_the_login_page_does_not_send_a_tab_smuggled_next_off_site(web_app: FastAPI) -> None:
    page = TestClient(web_app).get("/login?next=%2F%09%2Fevil.example")
    assert page.status_code == 200
    assert 'data-next="/"' in page.text


def test_a_cross_origin_post_with_the_cookie_is_refused(
    web_app: FastAPI, staff: dict[str, User]
) -> None:
    """A page on another site could POST with the session cookie (SameSite was the only
    defence); now the Origin must be this site's and the session's CSRF token must come too."""
    browser, token = _sign_in(web_app, "call-handler")
    good = {"X-CSRF-Token": token}
    refused = browser.post("/api/logout", headers={**good, "Origin": EVIL})
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "csrf_token"
    by_referer = browser.post("/api/logout", headers={**good, "Referer": EVIL + "/page"})
    assert by_referer.status_code == 403
    assert browser.post("/api/logout", headers={**good, "Origin": "null"}).status_code == 403
    assert browser.post("/api/logout").status_code == 403, "no token"
    assert browser.post("/api/logout", headers={"X-CSRF-Token": "guessed"}).status_code == 403
    assert browser.get("/api/me").status_code == 200, "still signed in"
    same_site = {**good, "Origin": "http://testserver"}
    assert browser.post("/api/logout", headers=same_site).status_code == 204


def test_signing_in_from_another_site_is_refused(web_app: FastAPI, staff: dict[str, User]) -> None:
    browser = TestClient(web_app)
    form = {"username": "officer", "password": PASSWORD}
    assert browser.post("/api/login", json=form, headers={"Origin": EVIL}).status_code == 403


def test_every_form_carries_the_token_and_a_form_post_is_checked_by_it(
    web_app: FastAPI, staff: dict[str, User]
) -> None:
    browser, _token = _sign_in(web_app, "call-handler")
    page = browser.get("/incidents/new").text
    fields = re.findall(r'name="csrf_token" value="([^"]+)"', page)
    assert fields and len(set(fields)) == 1
    assert f'<meta name="csrf-token" content="{fields[0]}">' in page
    research = "/incidents/INC-404/research"
    without = browser.post(research, data={"purpose": "checking INC-404"})
    assert without.status_code == 403
    sent = browser.post(research, data={"purpose": "checking INC-404", "csrf_token": fields[0]})
    assert sent.status_code == 404, "past the check, to the page (no such incident)"


def test_a_bearer_token_client_needs_no_csrf_token(
    web_app: FastAPI, staff: dict[str, User]
) -> None:
    bearer = {"Authorization": f"Bearer {web_app.state.tokens.issue(staff['officer'])}"}
    response = TestClient(web_app).post("/api/logout", headers={**bearer, "Origin": EVIL})
    assert response.status_code == 204


def test_security_headers_on_pages_and_api_answers(
    signed_in: Callable[[str], TestClient], known_person: str
) -> None:
    browser = signed_in("supervisor")
    answers = [
        browser.get("/login"),
        browser.get("/"),
        browser.get(f"/people/{known_person}", params={"purpose": "INC-1 welfare check"}),
        browser.get("/api/me"),
        browser.get("/no-such-page"),
    ]
    for answer in answers:
        headers = answer.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], answer.url
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store", answer.url
    style = browser.get("/static/threadline.css")
    assert style.status_code == 200 and "no-store" not in style.headers.get("Cache-Control", "")
    assert style.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_secure_unless_the_demo_turns_it_off(
    store: Engine, hasher: PasswordHasher, staff: dict[str, User]
) -> None:
    assert Settings().secure_cookies is True and ApiConfig().secure_cookies is True
    app = create_app(
        Settings(), store, config=ApiConfig(session_secret="x"), password_hasher=hasher
    )
    response = TestClient(app, base_url="https://testserver").post(
        "/api/login", json={"username": "officer", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()
    demo = create_app(Settings(secure_cookies=False), store, config=None, password_hasher=hasher)
    plain = TestClient(demo).post("/api/login", json={"username": "officer", "password": PASSWORD})
    assert "secure" not in plain.headers["set-cookie"].lower()


def test_the_api_docs_load_nothing_from_other_sites(web_app: FastAPI) -> None:
    client = TestClient(web_app)
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace('content="', ""), "no absolute URL: no CDN"
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.text)
    assert len(assets) == 3
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert len(answer.content) > 500, asset
    assert "<script>" not in page.text, "no inline script, so the CSP holds on /docs too"

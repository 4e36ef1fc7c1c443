"""A reference that holds ``/``, ``?``, ``..`` or ``#`` opens its own picture and nothing else, from
every link the pages build and through the API (issue 27 finding 8, issue 21 part 2).

The links are followed as a browser would: resolved against the page they are on (RFC 3986, dot
segments removed), so a reference written into a link unencoded would lead elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from urllib.parse import quote, urljoin, urlsplit

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factories import incident, person
from threadline.api.segments import routed_path
from threadline.crossref import submit
from threadline.guard import read_log
from threadline.model import parse_record
from threadline.resolve.linkage import LinkageModel
from threadline.web.paths import incident_path, segment
from web.conftest import make_app

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SignedIn = Callable[[str], TestClient]
PURPOSE = {"purpose": "checking the links"}
#: The last is the one whose picture links to all the others (its people's history).
REFS = [
    "R3/../../api/users",
    "R2?purpose=x",
    "R4#top",
    "R5/assessments/new",
    "MPS/2024/000123 (CAD) – Llanelli",
    "10305fdb9613b698a9fe8a26468564ebe15ba01eb870994739180ffc51440c31",
    "R6",
]
BASE = "http://testserver"


@pytest.fixture
def web_app(store: Engine, hasher: PasswordHasher, small_model: LinkageModel) -> FastAPI:
    return make_app(store, hasher, linkage_model=small_model)


@pytest.fixture
def linked(store: Engine, small_model: LinkageModel) -> list[str]:
    """One victim and suspect (same names, dates of birth, phone) in an incident under each ref."""
    for day, ref in enumerate(REFS, start=1):
        victim = person(
            "victim",
            forenames="Alys",
            surname="Penhallow",
            dob="1991-04-12",
            phones=["07700900123"],
        )
        suspect = person(
            "suspect",
            forenames="Gareth",
            surname="Tregothnan",
            dob="1988-11-03",
            relationship_to_victim="former_partner",
        )
        raw = incident(
            ref,
            reported_at=f"2026-02-{day:02d}T08:00:00Z",
            category="domestic",
            people=[victim, suspect],
        )
        submit(store, small_model, parse_record(raw), datetime(2026, 2, day, 8, 5, tzinfo=UTC))
    return REFS


def opened(store: Engine) -> list[str]:
    """The record keys of the incidents whose picture was opened, oldest first, as the audit log
    has them."""
    return [
        key
        for row in reversed(read_log(store, action="incident.view", limit=1000))
        for key in row.records
        if key.startswith("incident:") and not row.detail.get("research_check")
    ]


def links(page: str, at: str) -> list[str]:
    """Every link and form target of ``page``, resolved against ``at`` as a browser would."""
    found = re.findall(r'(?:href|action)="([^"]*)"', page)
    return [urljoin(BASE + at, unescape(link)) for link in found if not link.startswith("#")]


def incident_links(page: str, at: str) -> list[str]:
    return [link for link in links(page, at) if urlsplit(link).path.startswith("/incidents/")]


def test_a_path_segment_encodes_everything_that_would_change_the_route() -> None:
    assert segment("R3/../../api/users") == "R3%2F..%2F..%2Fapi%2Fusers"
    assert segment("R2?purpose=x#top") == "R2%3Fpurpose%3Dx%23top"
    assert (
        incident_path("R2?purpose=x", purpose="a & b")
        == "/incidents/R2%3Fpurpose%3Dx?purpose=a+%26+b"
    )
    # an encoded slash stays inside its segment when routed
    assert (
        routed_path(b"/incidents/R3%2F..%2Fx/research") == "/incidents/R3\ue000..\ue000x/research"
    )


@pytest.mark.parametrize("ref", REFS[:-1])
def test_each_reference_opens_its_own_picture(
    signed_in: SignedIn, store: Engine, linked: list[str], ref: str
) -> None:
    browser = signed_in("supervisor")
    at = f"/incidents/{quote(ref, safe='')}"
    # the ?purpose= inside the reference is not a purpose: the prompt asks for one
    prompt = browser.get(at)
    assert prompt.status_code == 200 and 'name="purpose"' in prompt.text
    assert f'action="{at}"' in prompt.text
    assert opened(store) == []
    page = browser.get(at, params=PURPOSE)
    assert page.status_code == 200
    assert f"<h1>{ref} " in unescape(page.text)
    assert opened(store) == [f"incident:cad:{ref}"]


def test_every_link_to_an_incident_opens_that_incident(
    signed_in: SignedIn, store: Engine, linked: list[str]
) -> None:
    browser = signed_in("supervisor")
    at = f"/incidents/{linked[-1]}"
    page = browser.get(at, params=PURPOSE).text
    targets = incident_links(page, at)
    pictures = {link for link in targets if not link.split("?")[0].endswith(("/new", "/research"))}
    # the history lists every other incident, each by a link that leads to it and only it
    assert len(pictures) >= len(linked) - 1, targets
    followed: list[str] = []
    for link in sorted(pictures):
        before = len(opened(store))
        answer = browser.get(link)
        assert answer.status_code == 200, (link, answer.text[:300])
        [key] = opened(store)[before:]
        followed.append(key.split(":", 2)[2])
        assert f"<h1>{followed[-1]} " in unescape(answer.text), link
    assert set(linked[:-1]) <= set(followed)


def test_the_dash_form_and_research_check_of_an_awkward_reference(
    signed_in: SignedIn, store: Engine, linked: list[str]
) -> None:
    browser = signed_in("supervisor")
    ref = "R5/assessments/new"  # its picture, not the DASH form of R5
    at = f"/incidents/{quote(ref, safe='')}"
    page = browser.get(at, params=PURPOSE)
    assert f"<h1>{ref} " in unescape(page.text)
    [form] = [link for link in incident_links(page.text, at) if "checklist=dash" in link]
    assert urlsplit(form).path == f"{at}/assessments/new"
    dash = browser.get(form)
    assert dash.status_code == 200 and f">{ref}</a></h1>" in unescape(dash.text)
    # the research check goes to this incident and comes back to it
    [research] = [link for link in incident_links(page.text, at) if link.endswith("/research")]
    back = browser.post(research, data=PURPOSE, follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"].startswith(f"{at}?")
    checks = [r for r in read_log(store, action="incident.view") if r.detail.get("research_check")]
    assert [r.records for r in checks] == [[f"incident-ref:{ref}"]]


def test_the_person_page_links_back_to_each_incident(
    signed_in: SignedIn, store: Engine, linked: list[str]
) -> None:
    browser = signed_in("supervisor")
    at = f"/incidents/{quote(linked[1], safe='')}"
    picture = browser.get(at, params=PURPOSE).text
    people = [link for link in links(picture, at) if urlsplit(link).path.startswith("/people/")]
    assert people and all(f"from={quote(linked[1], safe='/')}" in link for link in people)
    page = browser.get(people[0], params=PURPOSE)
    assert page.status_code == 200
    timeline = [
        link
        for link in incident_links(page.text, urlsplit(people[0]).path)
        if urlsplit(link).path != "/incidents/new"
    ]
    refs = {
        routed_path(urlsplit(link).path.encode())[len("/incidents/") :].replace("\ue000", "/")
        for link in timeline
    }
    assert refs == set(linked)


@pytest.mark.parametrize("ref", REFS[:-1])
def test_the_api_answers_for_the_reference_and_nothing_else(
    signed_in: SignedIn, linked: list[str], ref: str
) -> None:
    api = signed_in("supervisor")
    at = f"/api/incidents/{quote(ref, safe='')}/picture"
    assert api.get(at).status_code == 400  # no purpose: the one inside the reference is not one
    answer = api.get(at, params=PURPOSE)
    assert answer.status_code == 200
    assert answer.json()["incident"]["ref"] == ref
    viewed = api.post(
        f"/api/incidents/{quote(ref, safe='')}/history-viewed", params=PURPOSE, json={}
    )
    assert viewed.status_code in (200, 204), viewed.text
    missing = api.get(f"/api/incidents/{quote(ref + 'x', safe='')}/picture", params=PURPOSE)
    assert missing.status_code == 404

"""Issue 27: no victim's contact details to a role that must not see them, on any route, page or
export.

Every GET route of the app (API and pages, found by walking ``app.routes`` as
``tests/api/test_access.py`` does, so a route added later is walked too) is requested as each role
without contact-detail access, with real ids of victims in alerts, their incidents and their
names, phones and postcodes as search terms, and with a purpose; every command that prints
person data (``threadline export mentions``, ``picture``, ``connect``, ``network``, ``reach``,
``review list``, ``marac``, ``owed``) is run too, as each of these roles, on the same people.
Each answer is scanned for the stored contact details of every protected mention (victims,
witnesses, callers, third parties): address, postcode (as written, upper and lower case,
with and without its space), the address as normalised and keyed, phones and e-mails (as written
and normalised), vehicles. A value a suspect also holds is not secret (a suspect's details are
shown to every role that may view the person) and is left out of the scan.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from typer.testing import CliRunner

from api_client import Api
from routes import api_routes
from threadline.cli import app as cli
from threadline.cli.app import console
from threadline.guard import UserRole
from threadline.guard.policy import PROTECTED_PERSON_ROLES, sees_contact_details
from threadline.normalise.addresses import address_key, normalise_address
from threadline.store import tables as t

WHY = {"purpose": "disclosure walk"}
HTML = {"Accept": "text/html"}
#: Identifier kinds that locate or reach someone and are distinctive enough to scan for.
SCANNED_KINDS = ("phone", "email", "vehicle")
EACH = 2  # ids of each kind walked per route, from each end of the alerts


def _forms(text: str | None, postcode: str | None) -> set[str]:
    forms = {text or "", postcode or ""}
    if postcode:
        forms |= {postcode.replace(" ", ""), postcode.lower(), postcode.replace(" ", "").lower()}
    if text:
        forms |= {normalise_address(text, postcode) or "", address_key(text, postcode) or ""}
    return {f.strip() for f in forms if len(f.strip()) >= 5}


def contact_details(api: Api) -> tuple[dict[str, str], set[str]]:
    """(each protected mention's contact value → whose it is, every value a suspect holds)."""
    m, ids = t.mentions, t.identifiers
    secret: dict[str, str] = {}
    open_to_all: set[str] = set()
    with api.engine.connect() as conn:
        for row in conn.execute(select(m.c.mention_key, m.c.role, m.c.address_text, m.c.postcode)):
            forms = _forms(row.address_text, row.postcode)
            if row.role in PROTECTED_PERSON_ROLES:
                secret.update(dict.fromkeys(forms, row.mention_key))
            else:
                open_to_all |= forms
        found = conn.execute(
            select(ids.c.mention_key, ids.c.kind, ids.c.raw, ids.c.value, m.c.role)
            .join(m, m.c.mention_key == ids.c.mention_key)
            .where(ids.c.kind.in_(SCANNED_KINDS))
        )
        for row in found:
            forms = {v for v in (row.raw, row.value) if v and len(v) >= 5}
            if row.role in PROTECTED_PERSON_ROLES:
                secret.update(dict.fromkeys(forms, row.mention_key))
            else:
                open_to_all |= forms
    shown_anyway = "\n".join(open_to_all).lower()  # a victim's "4 Forge Lane" in a suspect's
    return {k: v for k, v in secret.items() if k.lower() not in shown_anyway}, open_to_all


def leaks(text: str, pattern: re.Pattern[str], typed: dict[str, str]) -> set[str]:
    """The secrets in ``text``, but for those the user typed in (a search term comes back)."""
    given = " ".join(typed.values()).lower()
    found = {match.group(0).lower() for match in pattern.finditer(html.unescape(text))}
    return {f for f in found if f not in given}


def walked_values(api: Api) -> dict[str, list[str]]:
    """Path parameter → the values walked: people in victim and location alerts first."""
    a = t.alerts
    with api.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.rule_id, a.c.people, a.c.cited)
            .where(a.c.rule_id.in_(("repeat_victim", "repeat_location", "stalking_pattern")))
            .order_by(a.c.rule_id, a.c.id)
        ).all()
        assessments = conn.execute(select(t.risk_assessments.c.ref).limit(EACH)).scalars().all()
        cases = [
            str(c) for c in conn.execute(select(t.cases.c.id).order_by(t.cases.c.id)).scalars()
        ]
    people = list(dict.fromkeys(p for r in rows for p in r.people))
    refs = list(dict.fromkeys(c for r in rows for c in r.cited))
    return {
        "entity_id": people[:EACH] + people[-EACH:],
        "ref": refs[:EACH] + refs[-EACH:] + list(assessments),
        "name": ["dash"],
        "case_id": cases[:EACH] + cases[-EACH:],
    }


def searches(api: Api, secret: dict[str, str]) -> list[dict[str, str]]:
    """Searches by the protected people's names, phones and postcodes."""
    m = t.mentions
    keys = sorted(set(secret.values()))[:EACH]
    with api.engine.connect() as conn:
        rows = conn.execute(
            select(m.c.forenames, m.c.surname, m.c.postcode).where(m.c.mention_key.in_(keys))
        ).all()
    phones = [v for v in secret if v.startswith("+447")][:EACH]
    terms = [{"forenames": r.forenames or "", "surname": r.surname or ""} for r in rows]
    terms += [{"postcode": r.postcode} for r in rows if r.postcode]
    return terms + [{"phone": p} for p in phones]


def commands(api: Api) -> Iterator[list[str]]:
    """Every command that prints person data, on the walked people and incidents (the user and
    purpose are added by the walk)."""
    values = walked_values(api)
    people, refs = values["entity_id"], values["ref"][: 2 * EACH]
    yield ["export", "mentions", "--format", "jsonl"]
    for ref in refs:
        yield ["picture", ref]
        yield ["picture", ref, "--json"]
    for person in people:
        yield ["network", person]
        yield ["reach", person]
    yield ["connect", people[0], people[-1]]
    yield ["review", "list", "--limit", "200"]
    yield ["marac"]
    yield ["owed"]
    yield ["case", "list"]
    for case_id in values["case_id"]:
        yield ["case", "show", case_id]


def requests(api: Api, secret: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """(path, query) for every GET route, each path parameter filled with walked values."""
    values = walked_values(api)
    app = api.client.app
    extra: dict[str, list[dict[str, str]]] = {
        "/api/people/search": searches(api, secret),
        "/api/alerts": [{}, {"status": "all"}, *({"entity": e} for e in values["entity_id"])],
    }
    for method, path, _calls in api_routes(app):  # type: ignore[arg-type]
        if method != "GET":
            continue
        names = re.findall(r"\{(\w+)\}", path)
        missing = [n for n in names if n not in values]
        assert not missing, f"{path}: give the walk values for {missing}"
        fills: list[dict[str, str]] = [{}]
        for name in names:
            fills = [{**f, name: v} for f in fills for v in values[name]]
        for fill in fills:
            concrete = path
            for name, value in fill.items():
                concrete = concrete.replace("{" + name + "}", value)
            for query in extra.get(path, [{}]):
                yield concrete, {**WHY, **query}


@pytest.mark.slow
def test_no_role_sees_a_protected_persons_contact_details_anywhere(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, _ = contact_details(api)
    assert len(secret) > 500, "the small force has victims with addresses and phones"
    pattern = re.compile(
        "|".join(re.escape(s) for s in sorted(secret, key=len, reverse=True)), re.I
    )
    walk = list(requests(api, secret))
    # The audit log keeps what a user searched for (an analyst's search by a victim's phone):
    # shown to the auditor who checks the search was lawful. Not scanned for, as a known case.
    searched = {str(i): v for i, q in enumerate(searches(api, secret)) for v in q.values()}
    assert {"/dashboard", "/api/dashboard", "/api/alerts"} <= {p for p, _ in walk}
    assert any(p.startswith("/people/") for p, _ in walk)
    found: dict[str, set[str]] = {}
    seen = cli_runs = 0
    monkeypatch.setattr(console, "_width", 10_000)  # no value wrapped across two lines
    for role in UserRole:
        if sees_contact_details(role):
            continue
        for path, query in walk:
            accept = {} if path.startswith("/api/") else HTML
            answer = api.client.get(path, params=query, headers={**accept, **api.auth(role)})
            assert answer.status_code < 500, f"{role} {path}: {answer.status_code}"
            if answer.status_code != 200:
                continue
            seen += 1
            body = answer.text
            if "json" in answer.headers.get("content-type", ""):
                body = json.dumps(answer.json(), ensure_ascii=False)
            typed = query if not path.startswith("/api/audit") else searched
            shown = leaks(body, pattern, typed)
            if shown:
                found[f"{role} {path} {query}"] = shown
        for command in commands(api):
            ran = CliRunner().invoke(
                cli,
                [*command, "--db", api.engine.url.render_as_string(hide_password=False),
                 "--user", role.value, "--purpose", "disclosure walk"],
            )  # fmt: skip
            assert ran.exit_code in (0, 1), f"{role} {command}: {ran.output[-500:]}"
            if ran.exit_code == 0:
                seen += 1
                cli_runs += 1
                if shown := leaks(" ".join(ran.output.split()), pattern, {}):
                    found[f"{role} threadline {' '.join(command)}"] = shown
    assert seen > 60, "the walk reached the pages and routes"
    assert cli_runs >= 10, "the analyst ran every command that prints person data"
    assert found == {}, f"{sum(map(len, found.values()))} leaks: {list(found.items())[:5]}"


def test_the_walk_reaches_every_get_route(api: Api) -> None:
    secret, _ = contact_details(api)
    walked = {path for path, _ in requests(api, secret)}
    routes = {
        route.path
        for route in api.client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and "GET" in route.methods
    }
    filled = {re.sub(r"\{\w+\}", "*", p) for p in routes}
    reached = {re.sub(r"\{\w+\}", "*", p) for p in routes if any(
        re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p)), w) for w in walked
    )}  # fmt: skip
    assert filled == reached

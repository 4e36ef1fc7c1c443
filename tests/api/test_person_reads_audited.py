"""Issue 27 finding 2: every read of person data needs a purpose and leaves an audit row.

``/api/alerts`` (also ``?entity=``), ``/api/dashboard`` and ``/dashboard`` return names and victim
histories ("... is the victim in 32 incidents"); ``threadline export mentions`` exports every
person. Before, none asked why and none wrote an audit row."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api_client import Api
from threadline.cli import app as cli
from threadline.guard import read_log

HTML = {"Accept": "text/html"}
WHY = "INC-T1 call-back"


def test_alerts_need_a_purpose_and_each_read_is_audited_with_the_people(api: Api) -> None:
    refused = api.client.get("/api/alerts", headers=api.auth("officer"))
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "purpose"
    assert read_log(api.engine, action="alerts.view") == []
    answer = api.client.get("/api/alerts", params={"purpose": WHY}, headers=api.auth("officer"))
    assert answer.status_code == 200
    alerts = answer.json()["alerts"]
    (row,) = read_log(api.engine, action="alerts.view")
    assert (row.user, row.purpose) == ("officer", WHY)
    people = {f"person:{p}" for a in alerts for p in a["people"]}
    assert people and set(row.records) == people
    person = alerts[0]["people"][0]
    params = {"entity": person, "purpose": WHY}
    assert api.client.get("/api/alerts", params=params, headers=api.auth("analyst")).is_success
    latest = read_log(api.engine, action="alerts.view")[0]
    assert latest.user == "analyst" and f"person:{person}" in latest.records
    assert latest.detail is not None and latest.detail["entity"] == person


def test_the_dashboard_api_needs_a_purpose_and_is_audited(api: Api) -> None:
    refused = api.client.get("/api/dashboard", headers=api.auth("supervisor"))
    assert refused.status_code == 400
    body = api.client.get(
        "/api/dashboard", params={"purpose": WHY}, headers=api.auth("supervisor")
    ).json()
    (row,) = read_log(api.engine, action="dashboard.view")
    assert row.purpose == WHY and row.user == "supervisor"
    victims = {f"person:{p}" for a in body["repeat_victims"] for p in a["people"]}
    assert victims and victims <= set(row.records)


def test_the_dashboard_page_asks_why_before_it_names_anyone(api: Api) -> None:
    prompt = api.client.get("/dashboard", headers={**HTML, **api.auth("supervisor")})
    assert prompt.status_code == 200 and 'name="purpose"' in prompt.text
    assert "is the victim in" not in prompt.text
    assert read_log(api.engine, action="dashboard.view") == []
    page = api.client.get(
        "/dashboard", params={"purpose": WHY}, headers={**HTML, **api.auth("analyst")}
    )
    assert page.status_code == 200 and "is the victim in" in page.text
    (row,) = read_log(api.engine, action="dashboard.view")
    assert (row.user, row.purpose) == ("analyst", WHY) and row.records


def test_the_mentions_export_needs_a_user_who_may_export_and_a_purpose(api: Api) -> None:
    url = api.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    base = ["export", "mentions", "--db", url, "--format", "jsonl"]
    bare = runner.invoke(cli, base)
    assert bare.exit_code != 0 and '"entity_id"' not in bare.output
    officer = runner.invoke(cli, [*base, "--user", "officer", "--purpose", WHY])
    assert officer.exit_code == 1 and "may not export" in officer.output
    nobody = runner.invoke(cli, [*base, "--user", "nobody", "--purpose", WHY])
    assert nobody.exit_code == 1 and '"entity_id"' not in nobody.output
    assert read_log(api.engine, action="export.mentions") == []
    done = runner.invoke(cli, [*base, "--user", "analyst", "--purpose", WHY])
    assert done.exit_code == 0, done.output
    rows = [json.loads(line) for line in done.output.splitlines()]
    (row,) = read_log(api.engine, action="export.mentions")
    assert (row.user, row.role, row.purpose) == ("analyst", "analyst", WHY)
    assert row.detail == {"rows": len(rows), "format": "jsonl", "via": "cli"}

"""The dashboard, alerts and published statistics over HTTP."""

from __future__ import annotations

import json
from typing import Any

from api_client import Api
from threadline.crossref.supervision import unresearched_incidents

PURPOSE = {"purpose": "INC-T1 call-back"}


def test_the_dashboard_gathers_what_a_supervisor_checks(api: Api) -> None:
    response = api.client.get("/api/dashboard", params=PURPOSE, headers=api.auth("supervisor"))
    assert response.status_code == 200
    body = response.json()
    assert body["open_alerts"] == sum(body["open_alerts_by_rule"].values()) > 0
    assert body["review_queue"] > 0
    assert 0 < len(body["unresearched_incidents"]) <= 100
    assert body["owed_assessments_total"] >= len(body["owed_assessments"]) > 0
    assert all(a["alert_key"].startswith("repeat_victim:") for a in body["repeat_victims"])
    assert len(body["repeat_victims"]) == body["open_alerts_by_rule"].get("repeat_victim", 0)
    api.client.post("/api/incidents/" + body["unresearched_incidents"][0]["ref"]
                    + "/history-viewed", headers=api.auth("supervisor"))  # fmt: skip
    with api.engine.connect() as conn:
        refs = [i["ref"] for i in unresearched_incidents(conn)]
    assert body["unresearched_incidents"][0]["ref"] not in refs, "the check takes it off"
    assert (
        api.client.get("/api/dashboard", params=PURPOSE, headers=api.auth("officer")).status_code
        == 403
    )


def test_alerts_filter_by_status_rule_and_person(api: Api, victim: dict[str, Any]) -> None:
    every = api.client.get("/api/alerts", params=PURPOSE, headers=api.auth("officer")).json()[
        "alerts"
    ]
    assert every and all(a["status"] == "open" for a in every)
    rule = every[0]["rule_id"]
    same_rule = api.client.get("/api/alerts", params={"rule": rule, **PURPOSE},
                               headers=api.auth("officer")).json()["alerts"]  # fmt: skip
    assert same_rule and {a["rule_id"] for a in same_rule} == {rule}
    person = every[0]["people"][0]
    theirs = api.client.get("/api/alerts", params={"entity": person, **PURPOSE},
                            headers=api.auth("officer")).json()["alerts"]  # fmt: skip
    assert theirs and all(person in a["people"] for a in theirs)
    bad = api.client.get(
        "/api/alerts", params={"status": "shut", **PURPOSE}, headers=api.auth("officer")
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"


def test_an_analyst_sees_repeat_locations_without_the_address(
    api: Api, victim: dict[str, Any]
) -> None:
    params = {"rule": "repeat_location", "status": "all", **PURPOSE}
    officer = api.client.get("/api/alerts", params=params, headers=api.auth("officer")).json()
    assert victim["postcode"] in json.dumps(officer)
    analyst = api.client.get("/api/alerts", params=params, headers=api.auth("analyst")).json()
    assert len(analyst["alerts"]) == len(officer["alerts"])
    assert victim["postcode"] not in json.dumps(analyst)
    assert all("(withheld)" in a["reason"] for a in analyst["alerts"])


def test_statistics_as_json_and_csv(api: Api) -> None:
    monthly = api.client.get("/api/stats", headers=api.auth("analyst"))
    assert monthly.status_code == 200
    body = monthly.json()
    assert body["period"] == "month" and body["notes"]
    harassment = sum(r["counts"]["harassment"] for r in body["rows"])
    yearly = api.client.get("/api/stats", params={"period": "year"},
                            headers=api.auth("auditor")).json()  # fmt: skip
    assert sum(r["counts"]["harassment"] for r in yearly["rows"]) == harassment > 0
    csv = api.client.get("/api/stats.csv", params={"period": "year"}, headers=api.auth("analyst"))
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("year,Stalking crimes") and len(lines) == len(yearly["rows"]) + 1
    bad = api.client.get("/api/stats", params={"period": "week"}, headers=api.auth("analyst"))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "period"
    assert api.client.get("/api/stats", headers=api.auth("call_handler")).status_code == 403

"""Issue 27 finding 1: the HTML dashboard showed analysts the addresses that repeat-location
alerts are about (a stalking victim's home among them), where the JSON API withheld them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from api_client import Api
from threadline.store import tables as t

HTML = {"Accept": "text/html"}
WHY = {"purpose": "start of shift review"}


def repeat_locations(api: Api) -> list[str]:
    """Each open repeat-location alert's place, as its details name it."""
    with api.engine.connect() as conn:
        rows = conn.execute(
            select(t.alerts.c.details).where(
                t.alerts.c.rule_id == "repeat_location", t.alerts.c.status == "open"
            )
        )
        return sorted(
            {str(d[k]) for (d,) in rows for k in ("location", "location_key") if d.get(k)}
        )


def test_the_dashboard_page_withholds_repeat_locations_from_an_analyst(
    api: Api, victim: dict[str, Any]
) -> None:
    places = repeat_locations(api)
    assert places, "the small force has repeat locations"
    # repeat locations are low severity: the board lists them after the others, so ask for them
    where = {**WHY, "rule": "repeat_location"}
    supervisor = api.client.get(
        "/dashboard", params=where, headers={**HTML, **api.auth("supervisor")}
    )
    assert supervisor.status_code == 200
    assert any(place in supervisor.text for place in places), "a supervisor sees where"
    for params in (where, WHY, {**WHY, "severity": "low", "size": 500}):
        analyst = api.client.get(
            "/dashboard", params=params, headers={**HTML, **api.auth("analyst")}
        )
        assert analyst.status_code == 200
        shown = [place for place in places if place in analyst.text]
        assert shown == []
        assert victim["postcode"] not in analyst.text
    analyst = api.client.get("/dashboard", params=where, headers={**HTML, **api.auth("analyst")})
    assert "(withheld)" in analyst.text

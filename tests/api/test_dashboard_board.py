"""Issue 24: the dashboard read the 2,000 most recently changed open alerts and counted those,
so thousands of newer low-severity alerts hid the high ones and every rule's figure was short.
Here the small force is given 2,500 more open low-severity alerts, newer than any of its own,
and the page and ``/api/dashboard`` must still count every alert and show the high ones."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from api_client import NOW, Api
from threadline.store import tables as t

HTML = {"Accept": "text/html"}
WHY = {"purpose": "start of shift review"}
FLOOD = 2500


@pytest.fixture
def flooded(api: Api) -> Api:
    with api.engine.begin() as conn:
        newest = conn.execute(select(func.max(t.alerts.c.updated_at))).scalar_one()
        conn.execute(
            insert(t.alerts),
            [
                {
                    "alert_key": f"repeat_location:flood-{i:05d}",
                    "rule_id": "repeat_location",
                    "first_incident_ref": f"INC-FLOOD-{i:05d}",
                    "incident_ref": f"INC-FLOOD-{i:05d}",
                    "people": [],
                    "reason": "Repeat calls to one place",
                    "action": None,
                    "cited": [],
                    "severity": "low",
                    "details": {},
                    "status": "open",
                    "raised_at": newest + timedelta(minutes=1 + i),
                    "updated_at": newest + timedelta(minutes=1 + i),
                }
                for i in range(FLOOD)
            ],
        )
    return api


def stored(api: Api) -> tuple[Counter[str], set[str]]:
    """Open alerts per rule, and the keys of the open high-severity ones, as the store has them."""
    with api.engine.connect() as conn:
        rows = conn.execute(
            select(t.alerts.c.rule_id, t.alerts.c.severity, t.alerts.c.alert_key).where(
                t.alerts.c.status == "open"
            )
        ).all()
    return Counter(r.rule_id for r in rows), {r.alert_key for r in rows if r.severity == "high"}


def page_keys(page: str) -> list[str]:
    """The keys of the alerts the page's board lists, in order (not the repeat victims')."""
    board = page[page.index('<section aria-labelledby="alerts-h" data-board>') :]
    board = board[: board.index("</section>")]
    return [html.unescape(k) for k in re.findall(r'data-alert-key="([^"]+)"', board)]


def test_the_dashboard_counts_every_open_alert_and_shows_the_high_ones(flooded: Api) -> None:
    by_rule, high = stored(flooded)
    assert sum(by_rule.values()) > 2000 + 50 and high, "more alerts than a page, some high"
    body = flooded.client.get(
        "/api/dashboard", params=WHY, headers=flooded.auth("supervisor")
    ).json()
    assert body["open_alerts_by_rule"] == dict(by_rule)
    assert body["open_alerts"] == sum(by_rule.values())
    per_severity: Counter[str] = Counter()
    for c in body["open_alerts_by_rule_and_severity"]:
        per_severity[c["rule_id"]] += c["count"]
    assert per_severity == by_rule
    first = body["alerts"]["alerts"]
    assert {a["alert_key"] for a in first} >= high, "every high alert is on the first page"
    assert [a["severity"] for a in first[: len(high)]] == ["high"] * len(high)
    assert body["alerts"]["total"] == sum(by_rule.values())

    page = flooded.client.get(
        "/dashboard", params=WHY, headers={**HTML, **flooded.auth("supervisor")}
    )
    assert page.status_code == 200
    assert f'<p class="lead">{sum(by_rule.values())} open alerts' in page.text
    for rule, count in by_rule.items():
        row = re.search(rf'<tr data-rule-group="{rule}">(.*?)</tr>', page.text, re.S)
        assert row, rule
        assert re.search(rf"<td class=\"num\" data-total>{count}</td>", row.group(1)), rule
    assert set(page_keys(page.text)) >= high


def test_filters_and_paging_agree_between_the_page_and_the_api(flooded: Api) -> None:
    by_rule, _ = stored(flooded)
    cases: list[dict[str, Any]] = [
        {},
        {"page": 2, "size": 20},
        {"severity": "low", "page": 3, "size": 25},
        {"rule": "repeat_location", "size": 7, "page": 400},
        {"severity": "high"},
        {"since": (NOW - timedelta(days=30)).date().isoformat(), "size": 10},
    ]
    for params in cases:
        api = flooded.client.get(
            "/api/dashboard", params={**WHY, **params}, headers=flooded.auth("supervisor")
        ).json()["alerts"]
        text = flooded.client.get(
            "/dashboard", params={**WHY, **params}, headers={**HTML, **flooded.auth("supervisor")}
        ).text
        assert page_keys(text) == [a["alert_key"] for a in api["alerts"]], params
        assert api["page"] == params.get("page", 1) and api["size"] == params.get("size", 50)
        assert f'data-page="{api["page"]}" data-pages="{api["pages"]}"' in text or not api["alerts"]
        assert f'<span class="count" data-matching>{api["total"]}</span>' in text
    low = flooded.client.get(
        "/api/dashboard",
        params={**WHY, "severity": "low", "size": 500},
        headers=flooded.auth("supervisor"),
    ).json()["alerts"]
    assert low["total"] >= FLOOD and {a["severity"] for a in low["alerts"]} == {"low"}
    rule = flooded.client.get(
        "/api/dashboard", params={**WHY, "rule": "repeat_location", "size": 7, "page": 2},
        headers=flooded.auth("supervisor"),
    ).json()["alerts"]  # fmt: skip
    assert rule["total"] == by_rule["repeat_location"] and len(rule["alerts"]) == 7
    assert rule["pages"] == -(-by_rule["repeat_location"] // 7)
    for bad, field in (({"rule": "no_such_rule"}, "rule"), ({"severity": "grave"}, "severity"),
                       ({"page": 0}, "page"), ({"size": 501}, "size"),
                       ({"since": "2026-12-02", "until": "2026-12-01"}, "until")):  # fmt: skip
        refused = flooded.client.get(
            "/api/dashboard", params={**WHY, **bad}, headers=flooded.auth("supervisor")
        )
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["field"] == field

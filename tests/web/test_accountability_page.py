"""The accountability page and its JSON twin: what a supervisor must act on, audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factories import incident
from threadline.crossref import submit
from threadline.crossref.alerts import save_changes
from threadline.guard import read_log
from threadline.model import parse_record
from threadline.recognise import Alert, AlertChange
from threadline.resolve.linkage import LinkageModel
from threadline.store import writing

KEY = "order_breach:NMO-1:INC-7"


def raised(store: Engine) -> None:
    found = Alert("order_breach", KEY, "INC-7", ("P-S", "P-V"), "breach", ("INC-7",), "high", "a")
    with writing(store) as conn:
        save_changes(conn, [AlertChange("raised", found)], datetime.now(UTC))


def test_the_page_lists_an_undecided_breach_with_a_link_to_its_incident(
    store: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    raised(store)
    supervisor = signed_in("supervisor")
    prompt = supervisor.get("/accountability")
    assert prompt.status_code == 200 and "purpose" in prompt.text.lower()
    page = supervisor.get("/accountability", params={"purpose": "shift review"})
    assert page.status_code == 200
    assert f'data-alert="{KEY}"' in page.text
    assert 'href="/incidents/INC-7"' in page.text
    assert "Breach alerts without an arrest decision (1)" in page.text
    row = read_log(store)[0]
    assert row.action == "dashboard.view" and row.purpose == "shift review"
    assert row.records == ["person:P-S", "person:P-V"]
    other_team = supervisor.get("/accountability", params={"purpose": "shift", "team": "B"})
    assert "Breach alerts without an arrest decision (0)" in other_team.text
    assert signed_in("call_handler").get("/accountability").status_code == 403


def test_the_json_twin_says_the_same(store: Engine, signed_in: Callable[[str], TestClient]) -> None:
    raised(store)
    answer = signed_in("analyst").get("/api/accountability", params={"purpose": "review"})
    assert answer.status_code == 200
    [item] = answer.json()["breaches_without_decision"]
    assert (item["alert_key"], item["team"]) == (KEY, "(unassigned)")
    assert signed_in("analyst").get("/api/accountability").status_code == 400


def test_dash_owed_by_officer_names_the_most_owed_first_each_a_link_to_their_own_list(
    store: Engine, signed_in: Callable[[str], TestClient], small_model: LinkageModel
) -> None:
    """Twenty-four officers owe a DASH (PC 9 owes four, PC 8 three, PC 7 two, the rest one),
    and one incident has no officer: the first twenty are named, the most owed first, each a
    link to their own owed list on the dashboard, then "and 5 more officers"."""
    owing = {f"PC {n}": max(1, n - 5) for n in range(1, 25)} | {None: 1}
    n = 0
    for officer, count in owing.items():
        for _ in range(count):
            n += 1
            record = incident(f"INC-D{n:03d}", reported_at=f"2026-02-{n % 27 + 1:02d}T08:00:00Z",
                              category="domestic", officer=officer)  # fmt: skip
            submit(store, small_model, parse_record(record), datetime(2026, 3, 1, tzinfo=UTC))
    supervisor = signed_in("supervisor")
    page = supervisor.get("/accountability", params={"purpose": "shift review", "days": 3660})
    start = page.text.index('id="h-dash"')
    section = page.text[start : page.text.index("</section>", start)]
    listed = re.findall(r'<li data-officer="([^"]+)" data-count="(\d+)">', section)
    assert listed[:4] == [("PC 24", "19"), ("PC 23", "18"), ("PC 22", "17"), ("PC 21", "16")]
    assert len(listed) == 20 and [int(c) for _, c in listed] == sorted(
        (int(c) for _, c in listed), reverse=True
    )
    assert "and 5 more officers." in section
    assert f"DASH owed by officer ({sum(owing.values())})" in section
    link = re.search(r'<a href="(/dashboard\?[^"]+)">PC 24</a>', section)
    assert link, section
    own = supervisor.get(link.group(1).replace("&amp;", "&"))
    owed_part = own.text[own.text.index('id="owed-h"') :]
    total = int(re.search(r'<span class="count">(\d+)</span>', owed_part).group(1))  # type: ignore[union-attr]
    officers = re.findall(r"</td><td>([^<]*)</td><td>", owed_part)  # each row's officer
    assert total >= 19 and officers == ["PC 24"] * total  # PC 24's own list: theirs alone

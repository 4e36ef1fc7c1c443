"""How are these two connected (issue 24): two people, the paths between them with the evidence of
each hop, the purpose asked first and logged, a victim's phone shown only to roles that may see
it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from links_factory import inc, p, resolve_by_name
from links_factory import store as put
from threadline.guard import read_log

ALYS, GARETH, NIA = "P0000001", "P0000002", "P0000003"
WHY = "Series review 12"


@pytest.fixture
def linked(store: Engine) -> Engine:
    """Alys was Gareth's victim in INC-1; Nia, in INC-2, gave the phone Alys gave. Gareth and Nia
    share no record: they are connected only through Alys (and her phone)."""
    put(
        store,
        inc("INC-1", p("victim", "Alys Penhallow", phones=["07700 900123"]),
            p("suspect", "Gareth Tregothnan", relationship_to_victim="former_partner")),
        inc("INC-2", p("witness", "Nia Trewin", phones=["07700 900123"])),
    )  # fmt: skip
    resolve_by_name(store, {ALYS: "Alys Penhallow", GARETH: "Gareth Tregothnan", NIA: "Nia Trewin"})
    return store


def test_the_paths_between_two_people_are_shown_hop_by_hop_and_audited(
    signed_in: Callable[[str], TestClient], linked: Engine
) -> None:
    officer = signed_in("officer")
    assert 'href="/connect"' in officer.get("/").text
    unasked = officer.get("/connect", params={"a": GARETH, "b": NIA})
    assert unasked.status_code == 400 and "Say why you are looking" in unasked.text
    page = officer.get("/connect", params={"a": GARETH, "b": NIA, "purpose": WHY})
    assert page.status_code == 200, page.text[:300]
    first = page.text.split('data-path="1"')[1].split("</article>")[0]
    assert first.index("Gareth Tregothnan") < first.index("Alys Penhallow") < first.index("Nia")
    assert f'href="/people/{ALYS}?purpose=' in first
    assert "INC-1" in first and "+447700900123" in page.text
    row = [r for r in read_log(linked) if r.action == "network.view"][-1]
    assert row.purpose == WHY and f"person:{NIA}" in row.records
    assert row.detail["connect"] == [GARETH, NIA]


def test_an_analyst_sees_the_path_but_not_the_victims_phone(
    signed_in: Callable[[str], TestClient], linked: Engine
) -> None:
    page = signed_in("analyst").get("/connect", params={"a": GARETH, "b": NIA, "purpose": WHY})
    assert page.status_code == 200 and "Nia Trewin" in page.text
    assert "900123" not in page.text and "withheld" in page.text
    missing = signed_in("analyst").get("/connect", params={"a": "P9", "b": NIA, "purpose": WHY})
    assert missing.status_code == 404
    assert signed_in("call_handler").get("/connect").status_code == 403

"""Issue 27: the link chart page withholds a victim's contact details from roles that may not
see them, by the one disclosure decision (:func:`threadline.guard.disclosure.disclose_network`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from audit_rows import staff_log
from links_factory import inc, p, resolve_by_name
from links_factory import store as put
from threadline.guard import UserRole
from threadline.guard.disclosure import may_see_contact
from threadline.guard.policy import allowed

VICTIM = "P0000001"
#: Alys's stored contact details as the page could show them (as written and as normalised).
SECRETS = ("07700 900123", "+447700900123", "alys.p@example.com", "4 Kestrel Close", "ST16 2AB")


@pytest.fixture
def victim_with_contacts(store: Engine) -> str:
    """Alys, a victim, gave her phone, e-mail and home address in INC-1, where Gareth was the
    suspect; the incident happened at her home."""
    home = {"text": "4 Kestrel Close", "postcode": "ST16 2AB"}
    put(
        store,
        inc(
            "INC-1",
            p(
                "victim",
                "Alys Penhallow",
                phones=["07700 900123"],
                emails=["alys.p@example.com"],
                address=home,
            ),
            p("suspect", "Gareth Tregothnan", relationship_to_victim="former_partner"),
            location=home,
        ),
    )
    resolve_by_name(store, {VICTIM: "Alys Penhallow", "P0000002": "Gareth Tregothnan"})
    return VICTIM


def test_the_link_chart_shows_a_victims_contact_details_only_to_roles_that_may_see_them(
    signed_in: Callable[[str], TestClient], victim_with_contacts: str
) -> None:
    path = f"/people/{victim_with_contacts}/network"
    opened = 0
    for role in UserRole:
        if not allowed(role, "network.view"):
            continue
        page = signed_in(role.value).get(path, params={"purpose": "Series review 12"})
        assert page.status_code == 200, (role, page.text[:300])
        opened += 1
        assert "Gareth Tregothnan" in page.text  # the network itself is shown to every role
        shown = {s for s in SECRETS if s in page.text}
        if may_see_contact(role):
            assert shown >= {"+447700900123", "alys.p@example.com", "4 Kestrel Close"}, role
        else:
            assert shown == set(), (role, shown)
            assert "phone (withheld)" in page.text and "location (withheld)" in page.text
    assert opened == 3  # officer, supervisor (who see them) and analyst (who does not)


def test_the_link_chart_of_nobody_is_a_404_and_the_look_is_audited_as_not_found(
    signed_in: Callable[[str], TestClient], victim_with_contacts: str, store: Engine
) -> None:
    """A look that finds nobody is still a look: its audit row names who was asked for, with the
    purpose, and says nothing was found."""
    page = signed_in("analyst").get("/people/P9999999/network", params={"purpose": "Series 12"})
    assert page.status_code == 404, page.text[:300]
    row = staff_log(store, action="network.view")[0]
    assert (row.records, row.purpose, row.detail) == (
        ["person:P9999999"], "Series 12", {"found": False},
    )  # fmt: skip
    shown = signed_in("analyst").get(
        f"/people/{victim_with_contacts}/network", params={"purpose": "Series 12"}
    )
    assert shown.status_code == 200
    row = staff_log(store, action="network.view")[0]
    assert row.records[0] == f"person:{victim_with_contacts}" and "person:P0000002" in row.records
    assert row.detail["depth"] == 2 and row.detail["nodes"] >= 2

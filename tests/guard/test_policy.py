from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest

from threadline.guard import PERMISSIONS, PermissionDenied, UnknownAction, UserRole
from threadline.guard.policy import (
    ACTIONS,
    allowed,
    contact_fields,
    redact_person,
    require,
    sees_contact_details,
)

EXPECTED_ACTIONS = {
    "incident.submit",
    "incident.view",
    "person.view",
    "person.search",
    "review.judge",
    "alerts.view",
    "dashboard.view",
    "stats.view",
    "orders.import",
    "audit.read",
    "export.mentions",
    "users.manage",
    "network.view",
}


def test_every_action_is_declared_once_with_a_role_and_a_reason() -> None:
    actions = [p.action for p in PERMISSIONS]
    assert len(actions) == len(set(actions))
    assert EXPECTED_ACTIONS <= ACTIONS
    for entry in PERMISSIONS:
        assert entry.roles, entry.action
        assert len(entry.reason) > 20, entry.action


def test_the_policy_is_the_declared_file_and_ships_with_the_package() -> None:
    """The access policy is data (``guard/permissions.toml``): each action it declares is a
    permission with its roles and words, in its order, and the wheel carries the file."""
    text = resources.files("threadline.guard").joinpath("permissions.toml").read_text("utf-8")
    declared = [e for e in tomllib.loads(text)["permission"] if "action" in e]
    by_action = {p.action: p for p in PERMISSIONS}
    assert [e["action"] for e in declared] == [
        p.action for p in PERMISSIONS if p.action in {e["action"] for e in declared}
    ]
    for entry in declared:
        permission = by_action[entry["action"]]
        assert permission.roles == {UserRole(r) for r in entry["roles"]}
        assert (permission.describe, permission.reason) == (entry["describe"], entry["reason"])
        assert permission.audited is entry["audited"]
    assert {p.action.split(".")[0] for p in PERMISSIONS} >= {"alert", "case", "marac"}
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["threadline"]
    assert any(fnmatch("guard/permissions.toml", pattern) for pattern in shipped)


def test_only_auditors_read_the_audit_log() -> None:
    assert [r for r in UserRole if allowed(r, "audit.read")] == [UserRole.auditor]


def test_admin_sees_no_person_records_and_only_admin_manages_users() -> None:
    assert not allowed("admin", "person.view")
    assert not allowed("admin", "person.search")
    assert [r for r in UserRole if allowed(r, "users.manage")] == [UserRole.admin]


def test_require_explains_a_refusal() -> None:
    require("auditor", "audit.read")
    with pytest.raises(PermissionDenied) as raised:
        require("analyst", "audit.read")
    assert raised.value.action == "audit.read"
    assert "analyst may not read the audit log" in raised.value.reason
    assert "only auditors" in raised.value.reason


def test_unknown_role_may_do_nothing_and_unknown_action_is_an_error() -> None:
    assert not allowed("constable", "person.view")
    with pytest.raises(PermissionDenied):
        require("constable", "person.view")
    with pytest.raises(UnknownAction):
        allowed("officer", "person.veiw")


def profile() -> dict:
    def mention(role: str, key: str) -> dict:
        return {
            "mention_key": key,
            "role": role,
            "forenames": "Alys",
            "surname": "Penhallow",
            "address_text": "4 Quay Street, Truro",
            "postcode": "TR1 2AA",
            "phones": ["07700 900123"],
            "emails": ["alys@example.org"],
            "accounts": ["instagram:alys"],
            "vehicles": [],
        }

    return {
        "entity_id": "P-1",
        "label": "Alys Penhallow",
        "mentions": [
            mention("victim", "m1"),
            mention("witness", "m2"),
            mention("caller", "m3"),
            mention("third_party", "m4"),
            mention("suspect", "m5"),
        ],
    }


@pytest.mark.parametrize("role", ["call_handler", "officer", "supervisor"])
def test_operational_roles_see_contact_details(role: str) -> None:
    assert sees_contact_details(role)
    assert redact_person(profile(), role) == profile()


@pytest.mark.parametrize("role", ["analyst", "auditor", "admin", "unknown"])
def test_other_roles_get_protected_contact_details_blanked(role: str) -> None:
    original = profile()
    shown = redact_person(original, role)
    by_role = {m["role"]: m for m in shown["mentions"]}
    for person_role in ("victim", "witness", "caller", "third_party"):
        mention = by_role[person_role]
        assert mention["address_text"] is None
        assert mention["postcode"] is None
        assert mention["phones"] == [] and mention["emails"] == [] and mention["accounts"] == []
        assert mention["withheld"] == ["accounts", "address_text", "emails", "phones", "postcode"]
        assert mention["surname"] == "Penhallow"
    suspect = by_role["suspect"]
    assert suspect["address_text"] == "4 Quay Street, Truro"
    assert suspect["phones"] == ["07700 900123"]
    assert "withheld" not in suspect
    assert original == profile(), "the input must not be modified"


def test_single_mention_and_gathered_top_level_details_are_redacted() -> None:
    mention = {"role": "witness", "address": {"text": "1 Mill Lane"}, "phones": ["07700 900456"]}
    shown = redact_person(mention, "analyst")
    assert shown["address"] is None and shown["phones"] == []
    gathered = {
        "label": "Alys Penhallow",
        "phones": ["07700 900123"],
        "mentions": [{"role": "suspect"}, {"role": "victim"}],
    }
    assert redact_person(gathered, "analyst")["phones"] == []
    suspect_only = {"phones": ["07700 900999"], "mentions": [{"role": "suspect"}]}
    assert redact_person(suspect_only, "analyst")["phones"] == ["07700 900999"]


def test_contact_fields_cover_address_postcode_phones_and_emails() -> None:
    assert {"address_text", "postcode", "phones", "emails"} <= set(contact_fields())

"""Who may do what: one declared table of staff roles and actions, and what each role sees.

Every HTTP route, export and CLI command asks this module, and only this module, whether a role
may perform an action (:func:`allowed`, :func:`require`). Each entry of :data:`PERMISSIONS` names
the roles allowed and carries the reason in words, so a refusal explains itself; the entries are
declared as data in ``permissions.toml`` beside this module, where a reviewer reads the whole
access policy in one file.

Contact details of victims, witnesses, callers and third parties
-----------------------------------------------------------------
A victim's or witness's address, phone number or e-mail in the wrong hands is how a stalker finds
them again; inspectors have found a witness's address leaked to suspects through disclosed
material. The Data Protection Act 2018 Part 3 asks that personal data be adequate, relevant and
not excessive for the purpose, so contact details are shown only to roles that act on them:

* ``call_handler``, ``officer``, ``supervisor`` **see them**: they call the victim back, send a
  unit to the address, arrange safeguarding and check a caller's location on a live call.
* ``analyst`` **does not**: linking records, spotting a course of conduct and drawing networks
  need names, dates, roles and the fact that two records share a phone or an address (the link and
  its evidence); the digits of a victim's phone number or the house number do not help.
* ``auditor`` **does not**: checking whether a look-up was lawful needs who looked, when, why and
  at which record, not where the victim lives.
* ``admin`` manages accounts and has no access to person records at all.

Which mentions are protected: everyone except a ``suspect``. Victims and witnesses are the
obvious cases. Callers are included too: a caller is often the victim, a neighbour or a relative
who is in effect a witness, and their number is recorded to call them back, not for analysis.
Third parties (family members, friends, colleagues the suspect also contacts) face the same risk
of being found through the record. A suspect's recorded address and phone stay visible to every
role that may view the person, since finding and linking suspects is the point of the system.

Redaction covers every way to find or contact a person that the structured record holds:
address (text and postcode), phones, e-mails, social-media accounts and vehicles. How this
decision applies to each kind of data shown (alerts, join evidence, identifiers, locations,
profiles, incident pictures) is :mod:`threadline.guard.disclosure`, which every view, page,
export and API answer calls; free text (narratives) is withheld whole from these roles.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

from threadline.model.kinds import identifier_kinds
from threadline.recognise.actions import STEP_ROLES
from threadline.recognise.cases import CASE_STEP_ROLES
from threadline.risk.referral_steps import REFERRAL_STEP_ROLES, REFERRAL_STEP_WORDS

#: The purpose rule of every read of person data (API, pages and CLI alike): the reason a user
#: gives, trimmed, is at least this long (Data Protection Act 2018 s62: the log must show why)...
MIN_PURPOSE_LENGTH = 3
#: ...and at most this long.
MAX_PURPOSE_LENGTH = 500


class UserRole(StrEnum):
    """A member of staff's role; each user has exactly one."""

    call_handler = "call_handler"
    officer = "officer"
    supervisor = "supervisor"
    analyst = "analyst"
    auditor = "auditor"
    admin = "admin"


R = UserRole


@dataclass(frozen=True)
class Permission:
    """One action, the roles that may perform it, and why. ``audited``: each use writes an audit
    row (consultation, disclosure, collection, alteration or combination of personal data)."""

    action: str
    roles: frozenset[UserRole]
    describe: str
    reason: str
    audited: bool


def _p(action: str, roles: set[UserRole], describe: str, reason: str, audited: bool) -> Permission:
    return Permission(action, frozenset(roles), describe, reason, audited)


OPERATIONAL = {R.call_handler, R.officer, R.supervisor}

StepT = TypeVar("StepT", bound=str)


def _step_permissions(
    work: str, roles: Mapping[StepT, frozenset[str]], words: Mapping[StepT, tuple[str, str]]
) -> tuple[Permission, ...]:
    """One audited permission ``<work>.<step>`` for each step on followed work (an alert, a case,
    a MARAC referral): its roles as declared with the steps, what it is and why in ``words``."""
    return tuple(
        _p(f"{work}.{step}", {R(r) for r in roles[step]}, describe, reason, audited=True)
        for step, (describe, reason) in words.items()
    )


def _policy() -> dict[str, Any]:
    """The declared access policy, ``permissions.toml`` beside this module (package data)."""
    text = resources.files(__package__).joinpath("permissions.toml").read_text("utf-8")
    return tomllib.loads(text)


#: The roles of each step on followed work, declared once with the steps (an alert's in
#: threadline.recognise.actions, a case's in threadline.recognise.cases, a MARAC referral's in
#: threadline.risk.referral_steps); what each step is and why is in the policy's words.
_STEP_ROLES: dict[str, Mapping[Any, frozenset[str]]] = {
    "alert": STEP_ROLES,
    "case": CASE_STEP_ROLES,
    "marac": REFERRAL_STEP_ROLES,
}


def _permissions(policy: dict[str, Any]) -> tuple[Permission, ...]:
    """The policy's ``[[permission]]`` entries in order, each ``steps`` entry standing for the
    steps of that work (:func:`_step_permissions`)."""
    words: dict[str, Mapping[Any, tuple[str, str]]] = {
        work: {step: (w["describe"], w["reason"]) for step, w in policy[f"{work}_steps"].items()}
        for work in ("alert", "case")
    }
    words["marac"] = REFERRAL_STEP_WORDS
    found: list[Permission] = []
    for entry in policy["permission"]:
        if "steps" in entry:
            work = entry["steps"]
            found.extend(_step_permissions(work, _STEP_ROLES[work], words[work]))
        else:
            roles = {R(r) for r in entry["roles"]}
            found.append(
                _p(entry["action"], roles, entry["describe"], entry["reason"], entry["audited"])
            )
    return tuple(found)


#: The access policy, declared in ``permissions.toml`` (one entry per action, the reason shown
#: to a refused user), read once.
PERMISSIONS: tuple[Permission, ...] = _permissions(_policy())

ACTIONS: frozenset[str] = frozenset(p.action for p in PERMISSIONS)

#: Roles that see the contact details of victims, witnesses, callers and third parties.
CONTACT_DETAIL_ROLES: frozenset[UserRole] = frozenset(OPERATIONAL)

#: Person roles (in a record) whose contact details are withheld from other staff roles.
PROTECTED_PERSON_ROLES: frozenset[str] = frozenset({"victim", "witness", "caller", "third_party"})

#: The fields of a person or mention that locate or reach someone, besides the identifiers
#: of each kind flagged as contact detail (:func:`contact_fields`).
ADDRESS_FIELDS: tuple[str, ...] = ("address", "address_text", "postcode")


def contact_fields() -> tuple[str, ...]:
    """The fields of a person or mention that locate or reach someone; blanked when redacted:
    the address fields and the list of every identifier kind that is contact detail."""
    kinds = tuple(kind.column for kind in identifier_kinds() if kind.contact)
    return (*ADDRESS_FIELDS, *kinds)


class UnknownAction(ValueError):
    """An action the policy does not declare: a programming error, never a silent refusal."""


class PermissionDenied(Exception):
    """A role may not perform an action; ``reason`` says why in plain words."""

    def __init__(self, role: str, action: str, reason: str) -> None:
        self.role = role
        self.action = action
        self.reason = reason
        super().__init__(reason)


def permission(action: str) -> Permission:
    """The declared entry for ``action``; :class:`UnknownAction` if there is none."""
    for entry in PERMISSIONS:
        if entry.action == action:
            return entry
    raise UnknownAction(f"no such action {action!r}; declared: {', '.join(sorted(ACTIONS))}")


def _role(role: str | UserRole) -> UserRole | None:
    try:
        return UserRole(role)
    except ValueError:
        return None


def allowed(role: str | UserRole, action: str) -> bool:
    """Whether ``role`` may perform ``action``. An unknown role may do nothing."""
    entry = permission(action)
    known = _role(role)
    return known is not None and known in entry.roles


def require(role: str | UserRole, action: str) -> None:
    """Return if ``role`` may perform ``action``; else raise :class:`PermissionDenied`."""
    entry = permission(action)
    known = _role(role)
    if known is None:
        raise PermissionDenied(str(role), action, f"unknown role {role!r} may do nothing")
    if known not in entry.roles:
        allowed_roles = ", ".join(sorted(entry.roles))
        raise PermissionDenied(
            known.value,
            action,
            f"a {known.value} may not {entry.describe} ({action}): {entry.reason} "
            f"(allowed: {allowed_roles})",
        )


def actions_for(role: str | UserRole) -> list[str]:
    """Every action ``role`` may perform, sorted."""
    known = _role(role)
    return sorted(p.action for p in PERMISSIONS if known is not None and known in p.roles)


def sees_contact_details(role: str | UserRole) -> bool:
    """Whether ``role`` sees addresses and phones of victims, witnesses, callers, third parties."""
    known = _role(role)
    return known is not None and known in CONTACT_DETAIL_ROLES


def _blank(entry: dict[str, Any]) -> list[str]:
    withheld = []
    for name in contact_fields():
        if name not in entry:
            continue
        value = entry[name]
        if value in (None, [], "", {}):
            continue
        entry[name] = [] if isinstance(value, list) else None
        withheld.append(name)
    return withheld


def redact_person(person: dict[str, Any], role: str | UserRole) -> dict[str, Any]:
    """A copy of ``person`` fit for ``role``: contact details of protected mentions blanked.

    ``person`` is either one mention (a dict with a ``role`` key) or a profile whose
    ``mentions`` list holds them. A blanked field becomes ``None`` (or ``[]`` for lists) and its
    name is listed under the entry's ``withheld`` key, so a screen can say "address withheld"
    rather than show nothing. Suspects' details and every field for roles that
    :func:`sees_contact_details` are left as they are. The input is not modified.

    A profile may also carry contact fields at its top level (say, every phone of the person
    gathered from all their mentions). Those are blanked unless every mention is a suspect's:
    a phone gathered from a victim mention is still the victim's phone.
    """
    result = copy.deepcopy(person)
    if sees_contact_details(role):
        return result
    mentions = result.get("mentions")
    members = [m for m in mentions if isinstance(m, dict)] if isinstance(mentions, list) else []
    protected = [m for m in members if str(m.get("role")) in PROTECTED_PERSON_ROLES]
    if "role" in result:
        if str(result.get("role")) in PROTECTED_PERSON_ROLES:
            protected.append(result)
    elif protected or not members:
        protected.append(result)
    for entry in protected:
        withheld = _blank(entry)
        if withheld:
            entry["withheld"] = sorted(set(entry.get("withheld", [])) | set(withheld))
    return result

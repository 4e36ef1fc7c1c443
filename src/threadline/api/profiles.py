"""The person profile the API shows until the resolver's own profile function is plugged in.

A profile loader is any ``(engine, entity_id) -> dict | None``; the app keeps one in
``app.state.profile_loader`` (``create_app(..., profile_loader=...)``). This default reads the
tables directly: the entity's label and each member mention with its role, the record it came
from, and the phones, e-mails, accounts and vehicles written beside it. Routes pass whatever the
loader returns through :func:`threadline.guard.policy.redact_person`, so a richer loader must
keep contact details in the fields :data:`threadline.guard.policy.CONTACT_FIELDS` names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select

from threadline.store.tables import entities, entity_members, identifiers, mentions

ProfileLoader = Callable[[Engine, str], dict[str, Any] | None]

_IDENTIFIER_FIELDS = {
    "phone": "phones",
    "email": "emails",
    "account": "accounts",
    "vehicle": "vehicles",
}


def load_profile(engine: Engine, entity_id: str) -> dict[str, Any] | None:
    """The entity ``entity_id`` with its member mentions, or ``None`` if there is no such entity."""
    with engine.connect() as conn:
        entity = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
        if entity is None:
            return None
        rows = conn.execute(
            select(mentions, entity_members.c.match_probability, entity_members.c.assigned_by)
            .join(entity_members, entity_members.c.mention_key == mentions.c.mention_key)
            .where(entity_members.c.entity_id == entity_id)
            .order_by(mentions.c.event_time, mentions.c.mention_key)
        ).all()
        keys = [row.mention_key for row in rows]
        objects = (
            conn.execute(
                select(identifiers.c.mention_key, identifiers.c.kind, identifiers.c.raw)
                .where(identifiers.c.mention_key.in_(keys))
                .order_by(identifiers.c.id)
            ).all()
            if keys
            else []
        )
    members: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        m = row._mapping
        member = {
            "mention_key": m["mention_key"],
            "record_key": m["record_key"],
            "record_kind": m["record_kind"],
            "event_time": m["event_time"].isoformat(),
            "role": m["role"],
            "forenames": m["forenames"],
            "surname": m["surname"],
            "dob": m["dob"],
            "sex": m["sex"],
            "address_text": m["address_text"],
            "postcode": m["postcode"],
            "relationship_to_victim": m["relationship_to_victim"],
            "description": m["description"],
            "phones": [],
            "emails": [],
            "accounts": [],
            "vehicles": [],
            "match_probability": m["match_probability"],
            "assigned_by": m["assigned_by"],
        }
        members.append(member)
        by_key[member["mention_key"]] = member
    for obj in objects:
        field = _IDENTIFIER_FIELDS.get(obj.kind)
        if field and obj.mention_key in by_key:
            by_key[obj.mention_key][field].append(obj.raw)
    return {
        "entity_id": entity.id,
        "kind": entity.kind,
        "label": entity.label,
        "mentions": members,
    }

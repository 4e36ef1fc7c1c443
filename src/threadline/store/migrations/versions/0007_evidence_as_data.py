"""join evidence as data, the linked mention in its own column

Join evidence was stored as English sentences and read back with regular expressions: the linked
mention from "linked to <key>", and the contact details a role may not see from patterns rebuilt
from the wording of the explanations. Evidence is now stored as JSON pieces (comparison, level,
values, weight, whether it discloses contact detail; see threadline.resolve.explain.Evidence) and
the linked mention in entity_members.linked_to.

Rows written before are converted here, once: "linked to <key>" moves to the column; "match
probability P (match weight W)" becomes a summary piece; a sentence that quotes a phone, e-mail,
account, vehicle or address keeps its words with the words without the values beside them,
flagged as contact detail; any other sentence is kept as a note. This is the only place that
reads an explanation's words, with the wording as it was up to this revision (frozen below).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 04:40:00
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WITHHELD = "(withheld)"
_LINKED_TO = re.compile(r"^linked to (?P<mention>\S+)$")
_SUMMARY = re.compile(r"^match probability (?P<p>[\d.]+) \(match weight (?P<w>[+-][\d.]+)\)$")
_WEIGHT = r"(?P<w>: [+-][\d.]+)?$"
_OBJECT = r"(?P<noun>phone|e-mail|account|vehicle)"
_NOUN_COMPARISON = {"phone": "phones", "e-mail": "emails", "account": "accounts"}
#: The address sentences up to this revision, and what each says without the address.
_ADDRESS_TEXTS = (
    ("address {a} in both", "same address"),
    ("same house and street ({a} / {b})", "same house and street"),
    ("same postcode ({a} / {b})", "same postcode"),
    ("same postcode sector ({a} / {b})", "same postcode sector"),
    ("address differs ({a} / {b})", "address differs"),
)


def _address_pattern(template: str) -> re.Pattern[str]:
    text = re.escape(template).replace(r"\{a\}", ".+?").replace(r"\{b\}", ".+?")
    return re.compile(rf"^{text}{_WEIGHT}")


_CONTACT: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(rf"^{_OBJECT} .+ in both{_WEIGHT}"), r"\g<noun> in both", None),
    (re.compile(rf"^no {_OBJECT} in common .*?{_WEIGHT}"), r"no \g<noun> in common", None),
    *((_address_pattern(text), words, "address") for text, words in _ADDRESS_TEXTS),
)


def piece(line: str) -> dict[str, Any]:
    """One stored sentence as a piece of evidence."""
    summary = _SUMMARY.match(line)
    if summary:
        return {
            "comparison": "summary",
            "probability": float(summary.group("p")),
            "weight": float(summary.group("w")),
        }
    for pattern, words, comparison in _CONTACT:
        match = pattern.match(line)
        if match:
            weight = match.group("w") or ""
            if comparison is None:
                noun = match.group("noun")
                comparison = _NOUN_COMPARISON.get(noun, noun + "s")
            return {
                "comparison": comparison,
                "text": line,
                "withheld": f"{match.expand(words)} {WITHHELD}{weight}",
                "contact": True,
            }
    return {"comparison": "note", "text": line}


def converted(evidence: Any) -> tuple[list[Any] | None, str | None]:
    """(the pieces, the linked mention) of one row's stored evidence."""
    if not isinstance(evidence, list):
        return evidence, None
    pieces: list[Any] = []
    linked = None
    for line in evidence:
        if not isinstance(line, str):
            pieces.append(line)
            continue
        match = _LINKED_TO.match(line)
        if match and linked is None:
            linked = match.group("mention")
            continue
        pieces.append(piece(line))
    return pieces, linked


def upgrade() -> None:
    with op.batch_alter_table("entity_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linked_to", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    members = sa.table(
        "entity_members",
        sa.column("mention_key", sa.String),
        sa.column("evidence", DOCUMENT),
        sa.column("linked_to", sa.String),
    )
    rows = conn.execute(
        sa.select(members.c.mention_key, members.c.evidence).where(members.c.evidence.is_not(None))
    ).all()
    updates = []
    for key, evidence in rows:
        pieces, linked = converted(evidence)
        updates.append({"b_key": key, "evidence": pieces, "linked_to": linked})
    if updates:
        conn.execute(
            members.update().where(members.c.mention_key == sa.bindparam("b_key")), updates
        )
    queue = sa.table("review_queue", sa.column("id", sa.Integer), sa.column("evidence", DOCUMENT))
    updates = []
    for row_id, evidence in conn.execute(sa.select(queue.c.id, queue.c.evidence)).all():
        pieces, linked = converted(evidence)
        if linked is not None:
            pieces = [{"comparison": "linked", "values": [linked, None]}, *(pieces or [])]
        updates.append({"b_id": row_id, "evidence": pieces})
    if updates:
        conn.execute(queue.update().where(queue.c.id == sa.bindparam("b_id")), updates)


def _words(evidence: Any, linked: str | None) -> list[Any] | None:
    if not isinstance(evidence, list):
        return evidence
    lines: list[Any] = [f"linked to {linked}"] if linked else []
    for item in evidence:
        if isinstance(item, dict) and item.get("comparison") == "summary":
            lines.append(
                f"match probability {float(item.get('probability') or 0):.4f} "
                f"(match weight {float(item.get('weight') or 0):+.1f})"
            )
        elif isinstance(item, dict) and item.get("text"):
            lines.append(item["text"])
        elif isinstance(item, dict):
            lines.append(item.get("label") or item.get("comparison"))
        else:
            lines.append(item)
    return lines


def downgrade() -> None:
    conn = op.get_bind()
    members = sa.table(
        "entity_members",
        sa.column("mention_key", sa.String),
        sa.column("evidence", DOCUMENT),
        sa.column("linked_to", sa.String),
    )
    rows = conn.execute(
        sa.select(members.c.mention_key, members.c.evidence, members.c.linked_to)
    ).all()
    for key, evidence, linked in rows:
        conn.execute(
            members.update()
            .where(members.c.mention_key == key)
            .values(evidence=_words(evidence, linked))
        )
    queue = sa.table("review_queue", sa.column("id", sa.Integer), sa.column("evidence", DOCUMENT))
    for row_id, evidence in conn.execute(sa.select(queue.c.id, queue.c.evidence)).all():
        conn.execute(
            queue.update().where(queue.c.id == row_id).values(evidence=_words(evidence, None))
        )
    with op.batch_alter_table("entity_members", schema=None) as batch_op:
        batch_op.drop_column("linked_to")

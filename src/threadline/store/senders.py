"""The store's side of attributing a victim's senders: what attribution reads (her messages with
their text, who holds a number on record, her reports and suspects, the orders protecting her)
and the ``comms_senders`` rows it writes and the picture and recognition read back.

Reading the messages scans the attachment once, at attribution (after an import); the picture
reads only :func:`sender_rows` (one row a sender).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from hashlib import blake2b
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, delete, insert, select

from threadline.normalise.text import fold_text
from threadline.recognise.attribution import Holder, Message, Report, Suspect
from threadline.recognise.history import Order
from threadline.store import tables as t
from threadline.store.queries import fetch_together

__all__ = [
    "holders_of",
    "messages_of",
    "orders_protecting",
    "replace_sender_rows",
    "reports_of_victim",
    "attributed_reads",
    "attributed_rows",
    "sender_judgements",
    "sender_key",
    "sender_rows",
    "senders_by_key",
    "victim_of_attachment",
]

#: Begins the key a sender has in the review queue and in judgements (never a mention key).
SENDER_KEY_PREFIX = "comms-sender:"


def sender_key(attachment: str, sender: str) -> str:
    """The stable key of a sender under an attachment, as the review queue and judgements
    hold it (a mention key's place): ``comms-sender:`` and 20 hex digits of BLAKE2b."""
    digest = blake2b(f"{attachment}\x00{sender}".encode(), digest_size=10).hexdigest()
    return SENDER_KEY_PREFIX + digest


CHUNK = 500


def messages_of(conn: Connection, attachment: str) -> list[Message]:
    """Every communication stored under ``attachment``, with its text, in time order."""
    c = t.communications.c
    rows = conn.execute(
        select(
            c.at, c.channel, c.kind, c.sender, c.direction, c.text, c.thread, c.file, c.line,
            c.recipients,
        )
        .where(c.attachment == attachment)
        .order_by(c.at, c.id)
    )  # fmt: skip
    return [Message(*row[:9], tuple(row.recipients or ())) for row in rows]


def victim_of_attachment(conn: Connection, attachment: str) -> str | None:
    """The person whose evidence it is: ``person:<id>``, a mention's entity, or the first victim
    of an incident (by mention order)."""
    em, m = t.entity_members, t.mentions
    if attachment.startswith("person:"):
        return attachment.split(":", 1)[1]
    by_mention = conn.execute(select(em.c.entity_id).where(em.c.mention_key == attachment)).scalar()
    if by_mention is not None:
        return str(by_mention)
    row = conn.execute(
        select(em.c.entity_id)
        .join(m, m.c.mention_key == em.c.mention_key)
        .where(m.c.record_key == attachment, m.c.role == "victim")
        .order_by(m.c.id)
    ).first()
    return None if row is None else str(row.entity_id)


def holders_of(conn: Connection, values: Iterable[str]) -> dict[str, list[Holder]]:
    """Who holds each identifier value on record (any kind), resolved to their entity."""
    i, em, m = t.identifiers, t.entity_members, t.mentions
    wanted = sorted(set(values))
    found: dict[str, list[Holder]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        rows = conn.execute(
            select(i.c.value, em.c.entity_id, em.c.mention_key, m.c.record_key)
            .join(em, em.c.mention_key == i.c.mention_key)
            .join(m, m.c.mention_key == i.c.mention_key)
            .where(i.c.value.in_(wanted[start : start + CHUNK]))
            .order_by(i.c.id)
        )
        for row in rows:
            ref = row.record_key.rsplit(":", 1)[-1]
            found[row.value].append(Holder(row.value, row.entity_id, row.mention_key, ref))
    return dict(found)


def _records_mentioning(conn: Connection, entity_id: str, *where: ColumnElement[bool]) -> list[str]:
    """The keys of the records in which a mention of ``entity_id`` meets ``where``, each once."""
    em, m = t.entity_members, t.mentions
    query = (
        select(m.c.record_key)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(em.c.entity_id == entity_id, *where)
        .distinct()
    )
    return [row.record_key for row in conn.execute(query)]


def reports_of_victim(conn: Connection, victim: str) -> tuple[list[Report], list[Suspect]]:
    """The incidents with ``victim`` as a victim, each with its suspects (entities), and those
    suspects with the names their mentions in these incidents give them."""
    em, m, i = t.entity_members, t.mentions, t.incidents
    keys = _records_mentioning(conn, victim, m.c.role == "victim", m.c.record_kind == "incident")
    reports: list[Report] = []
    names: dict[str, set[str]] = defaultdict(set)
    anchors: dict[str, str] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        suspects: dict[str, list[str]] = defaultdict(list)
        for row in conn.execute(
            select(m.c.record_key, m.c.mention_key, m.c.forenames, m.c.surname, em.c.entity_id)
            .join(em, em.c.mention_key == m.c.mention_key)
            .where(m.c.record_key.in_(chunk), m.c.role == "suspect")
            .order_by(m.c.id)
        ):
            if row.entity_id == victim:
                continue
            suspects[row.record_key].append(row.entity_id)
            anchors.setdefault(row.entity_id, row.mention_key)
            if row.forenames and row.surname:
                names[row.entity_id].add(
                    " ".join(fold_text(f"{row.forenames} {row.surname}").split())
                )
        for report in conn.execute(
            select(i.c.record_key, i.c.ref, i.c.reported_at, i.c.narrative).where(
                i.c.record_key.in_(chunk)
            )
        ):
            reports.append(
                Report(
                    report.ref,
                    report.reported_at,
                    report.narrative,
                    tuple(suspects[report.record_key]),
                )
            )
    reports.sort(key=lambda r: (r.reported_at, r.ref))
    people = [
        Suspect(entity, frozenset(names.get(entity, ())), anchors[entity]) for entity in anchors
    ]
    return reports, sorted(people, key=lambda s: s.entity_id)


def orders_protecting(conn: Connection, victim: str) -> list[Order]:
    """The orders protecting ``victim``, with their respondent resolved."""
    em, m, o = t.entity_members, t.mentions, t.orders
    keys = _records_mentioning(
        conn, victim, m.c.record_kind == "order", m.c.position.like("protected%")
    )
    if not keys:
        return []
    respondents: dict[str, str] = {}
    for row in conn.execute(
        select(m.c.record_key, em.c.entity_id)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.record_key.in_(keys), m.c.position == "respondent")
    ):
        respondents[row.record_key] = row.entity_id
    orders = []
    for row in conn.execute(select(o).where(o.c.record_key.in_(keys)).order_by(o.c.id)):
        respondent = respondents.get(row.record_key)
        if respondent is None:
            continue
        document = row.document if isinstance(row.document, Mapping) else {}
        served = document.get("served")
        orders.append(
            Order(
                ref=row.ref,
                order_type=row.order_type,
                respondent=respondent,
                protected=(victim,),
                starts=row.starts,
                ends=row.ends,
                interim=row.interim,
                conditions=row.conditions,
                court=row.court,
                served=datetime.fromisoformat(served).date() if isinstance(served, str) else None,
                on_notice=document.get("on_notice"),
            )
        )
    return orders


def replace_sender_rows(
    conn: Connection, attachment: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Replace the attachment's sender rows (attribution is recomputed whole)."""
    s = t.comms_senders
    conn.execute(delete(s).where(s.c.attachment == attachment))
    if rows:
        conn.execute(insert(s), [dict(row, attachment=attachment) for row in rows])


def sender_rows(conn: Connection, attachments: Iterable[str]) -> list[Any]:
    """The stored senders of ``attachments``, each with the entity its anchor mention is in now
    (``current_entity``: re-resolution may have renumbered the one stored)."""
    s, em = t.comms_senders, t.entity_members
    keys = sorted(set(attachments))
    if not keys:
        return []
    return list(
        conn.execute(
            select(s, em.c.entity_id.label("current_entity"))
            .outerjoin(em, and_(em.c.mention_key == s.c.mention_key))
            .where(s.c.attachment.in_(keys))
            .order_by(s.c.contacts.desc(), s.c.sender)
        )
    )


@cache
def _attributed_query() -> Select[Any]:
    s, em = t.comms_senders, t.entity_members
    return (
        select(s, em.c.entity_id.label("current_entity"))
        .join(em, em.c.mention_key == s.c.mention_key)
        .where(
            s.c.status == "attributed",
            em.c.entity_id.in_(bindparam("b_entities", expanding=True)),
        )
        .order_by(s.c.id)
    )


def attributed_rows(conn: Connection, entity_ids: Iterable[str]) -> list[Any]:
    """Senders attributed to any of ``entity_ids`` (by the entity their anchor mention is in
    now), with ``current_entity``: recognition's contact evidence (once per event recognised,
    so the statement is built once)."""
    return [row for rows in fetch_together(conn, attributed_reads(entity_ids)) for row in rows]


def attributed_reads(entity_ids: Iterable[str]) -> list[tuple[Select[Any], dict[str, Any]]]:
    """The reads of :func:`attributed_rows` (a statement and its parameters for each chunk of
    ``entity_ids``), for a caller that sends them with others."""
    wanted = sorted(set(entity_ids))
    chunks = (wanted[start : start + CHUNK] for start in range(0, len(wanted), CHUNK))
    return [(_attributed_query(), {"b_entities": chunk}) for chunk in chunks]


def senders_by_key(conn: Connection, keys: Iterable[str]) -> dict[str, Any]:
    """Stored senders by their review key."""
    s = t.comms_senders
    wanted = sorted({k for k in keys if k.startswith(SENDER_KEY_PREFIX)})
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        for row in conn.execute(select(s).where(s.c.review_key.in_(wanted[start : start + CHUNK]))):
            found[row.review_key] = row
    return found


def sender_judgements(
    conn: Connection, keys: Iterable[str]
) -> dict[str, tuple[str, str, str | None, str]]:
    """The latest judgement on each sender key: (judgement, the mention it was judged against,
    that mention's entity now, the reviewer)."""
    j, em = t.judgements, t.entity_members
    wanted = sorted(set(keys))
    latest: dict[str, tuple[str, str, str | None, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in conn.execute(
            select(j.c.mention_a, j.c.mention_b, j.c.judgement, j.c.user)
            .where(j.c.mention_a.in_(chunk) | j.c.mention_b.in_(chunk))
            .order_by(j.c.id)
        ):
            key, other = (
                (row.mention_a, row.mention_b)
                if row.mention_a.startswith(SENDER_KEY_PREFIX)
                else (row.mention_b, row.mention_a)
            )
            entity = conn.execute(select(em.c.entity_id).where(em.c.mention_key == other)).scalar()
            latest[key] = (row.judgement, other, entity, row.user)
    return latest

"""The audit log, for auditors: read it with filters (itself an audited act) and verify its hash
chain, written once for ``/api/audit``, ``/api/audit/verify`` and the ``/audit`` page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.guard.audit import (
    Anchor,
    AnchorError,
    AnchorFile,
    AuditEntry,
    MalformedAuditRow,
    VerifyResult,
    head,
    load_anchors,
    read_log,
    verify,
)
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import Refused


class Tampered(Refused):
    """A row of the log has a field of the wrong type: it is not shown as something else (409);
    verifying the chain names it."""

    status = 409


@dataclass(frozen=True)
class AuditQuery:
    """Which rows: at or after ``since``, before ``until``, by ``user``, of ``action``, naming
    the person ``person`` (an entity id) among their records, with ``purpose`` in their purpose;
    the newest ``limit``."""

    since: datetime | None = None
    until: datetime | None = None
    user: str | None = None
    action: str | None = None
    person: str | None = None
    purpose: str | None = None
    limit: int = 100

    def detail(self) -> dict[str, Any]:
        """The filters as the ``audit.read`` row keeps them (the first three always)."""
        shown: dict[str, Any] = {
            "since": self.since.isoformat() if self.since else None,
            "user": self.user,
            "action": self.action,
        }
        for name in ("until", "person", "purpose"):
            value = getattr(self, name)
            if value is not None:
                shown[name] = value.isoformat() if isinstance(value, datetime) else value
        return shown


def read_audit(engine: Engine, auditor: Auditor, query: AuditQuery) -> list[AuditEntry]:
    """The rows ``query`` asks for, newest first; the read is audited (``audit.read``) with the
    filters and the count. A malformed row refuses the read (:class:`Tampered`), audited too."""
    try:
        rows = read_log(
            engine,
            since=query.since,
            user=query.user,
            action=query.action,
            limit=query.limit,
            until=query.until,
            record=f"person:{query.person}" if query.person else None,
            purpose=query.purpose,
        )
    except MalformedAuditRow as error:
        auditor("audit.read", [], detail={"malformed_row": error.row_id})
        raise Tampered(f"{error}: see /api/audit/verify") from None
    auditor("audit.read", [], detail={**query.detail(), "rows": len(rows)})
    return rows


def verify_audit(engine: Engine, kept: AnchorFile | None, saved: Anchor | None) -> VerifyResult:
    """The chain recomputed, against the anchors kept outside the store (``kept``) and a head
    the auditor saved (``saved``): a log cut, emptied or re-chained since they were noted
    fails. An anchor file that cannot be read is a failed verification that says so."""
    anchors = [saved] if saved is not None else []
    if kept is not None:
        try:
            anchors += load_anchors(kept.path)
        except AnchorError as error:
            return VerifyResult(
                ok=False,
                rows_checked=0,
                first_bad_row_id=None,
                reason=f"the anchor file {kept.path.name} is not readable: {error}",
            )
    return verify(engine, anchors)


def chain_head(engine: Engine) -> Anchor | None:
    """The log's head now (rows, last hash, time), for the auditor to note outside the store."""
    return head(engine)

"""The audit log, for auditors: read it (itself an audited act) and verify its hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from threadline.api.deps import Audited, EngineDep, require
from threadline.api.schemas import AuditEntryPublic, VerifyPublic
from threadline.guard.audit import read_log, verify
from threadline.guard.users import User

router = APIRouter(tags=["audit"])

AuditReader = Annotated[User, require("audit.read")]


@router.get("/api/audit")
def audit_log(
    _: AuditReader,
    engine: EngineDep,
    audited: Audited,
    since: Annotated[datetime | None, Query(description="Rows at or after this time")] = None,
    user: Annotated[str | None, Query(max_length=80, description="Rows by this user")] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryPublic]:
    """Audit rows, newest first. Reading the log is itself logged."""
    rows = read_log(engine, since=since, user=user, action=action, limit=limit)
    audited(
        "audit.read",
        [],
        detail={
            "since": since.isoformat() if since else None,
            "user": user,
            "action": action,
            "rows": len(rows),
        },
    )
    return [AuditEntryPublic.of(row) for row in rows]


@router.get("/api/audit/verify")
def audit_verify(_: AuditReader, engine: EngineDep) -> VerifyPublic:
    """Recompute the hash chain and name the first row that does not fit."""
    return VerifyPublic.of(verify(engine))

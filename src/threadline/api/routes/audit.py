"""The audit log, for auditors: read it (itself an audited act) and verify its hash chain, against
the anchors kept outside the store (the anchor file of ``settings.audit_anchor_path``) and a head
the auditor saved (``head_rows`` and ``head_hash``, as ``threadline audit head`` printed them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from threadline.api.deps import Audited, EngineDep, anchor_file_of, require
from threadline.api.errors import ApiError, error_answer
from threadline.api.schemas import AuditEntryPublic, IsoDateTime, VerifyPublic
from threadline.guard.audit import Anchor
from threadline.guard.users import User
from threadline.usecases.audit import AuditQuery, read_audit, verify_audit

router = APIRouter(tags=["audit"])

AuditReader = Annotated[User, require("audit.read")]


@router.get(
    "/api/audit",
    responses={409: error_answer("A row is malformed (tampered): verify")},
)
def audit_log(
    _: AuditReader,
    engine: EngineDep,
    audited: Audited,
    since: Annotated[
        IsoDateTime | None,
        Query(description="Rows at or after this time (RFC 3339 with its offset, from 1900)"),
    ] = None,
    user: Annotated[str | None, Query(max_length=80, description="Rows by this user")] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    until: Annotated[
        IsoDateTime | None, Query(description="Rows before this time (RFC 3339 with its offset)")
    ] = None,
    person: Annotated[
        str | None, Query(max_length=40, description="Rows naming this person (entity id)")
    ] = None,
    purpose: Annotated[
        str | None, Query(max_length=500, description="Rows whose purpose holds these words")
    ] = None,
) -> list[AuditEntryPublic]:
    """Audit rows, newest first. Reading the log is itself logged. A row with a field of the
    wrong type is never shown as something else: the answer is 409 naming it."""
    query = AuditQuery(since, until, user, action, person, purpose, limit)
    return [AuditEntryPublic.of(row) for row in read_audit(engine, audited, query)]


@router.get(
    "/api/audit/verify",
    responses={400: error_answer("Only half a head given")},
)
def audit_verify(
    _: AuditReader,
    request: Request,
    engine: EngineDep,
    head_rows: Annotated[
        int | None, Query(ge=0, description="The row count of a head saved earlier")
    ] = None,
    head_hash: Annotated[
        str | None,
        Query(pattern="^[0-9a-f]{64}$", description="The last row's hash of that head"),
    ] = None,
) -> VerifyPublic:
    """Recompute the hash chain and name the first row that does not fit; against the anchor
    file, if the server keeps one, and the head given, if one is: a log cut, emptied or
    re-chained since they were noted fails."""
    if (head_rows is None) != (head_hash is None):
        field = "head_hash" if head_hash is None else "head_rows"
        raise ApiError(400, "give both head_rows and head_hash, or neither", field=field)
    saved = Anchor(head_rows, head_hash) if head_rows is not None and head_hash else None
    return VerifyPublic.of(verify_audit(engine, anchor_file_of(request), saved))

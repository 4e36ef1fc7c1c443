"""The signed-in user as a use case sees them: who they are (their role decides what they may be
shown) and the audit rows they leave."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.guard import audit, policy
from threadline.guard.users import User
from threadline.store import writing


@dataclass(frozen=True)
class Auditor:
    """Writes audit rows as the signed-in user, with the address the request came from.
    ``auditor(action, records, ...)`` commits a row on its own; :meth:`within` writes it in the
    caller's transaction, beside a change."""

    engine: Engine
    user: User
    clock: Callable[[], datetime]
    client: str | None = None
    anchors: audit.AnchorFile | None = None

    def within(
        self,
        conn: Connection,
        action: str,
        records: Sequence[str],
        purpose: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> audit.AuditEntry:
        policy.permission(action)
        return audit.record(
            conn,
            self.user.username,
            self.user.role.value,
            action,
            records,
            purpose,
            detail,
            self.clock(),
            client=self.client,
            anchors=self.anchors,
        )

    def __call__(
        self,
        action: str,
        records: Sequence[str],
        purpose: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> audit.AuditEntry:
        with writing(self.engine, alone=False) as conn:
            return self.within(conn, action, records, purpose, detail)

"""What the store holds, in counts a person can read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, Table, func, select

from threadline.model.kinds import identifier_kinds
from threadline.store import tables as t


@dataclass(frozen=True)
class StoreSummary:
    incidents: int
    crimes: int
    orders: int
    risk_assessments: int
    mentions: int
    identifiers: int
    history: int
    domestic_incidents: int

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("incidents", self.incidents),
            ("  of which domestic", self.domestic_incidents),
            ("crimes", self.crimes),
            ("court orders", self.orders),
            ("risk assessments", self.risk_assessments),
            ("person mentions", self.mentions),
            (", ".join(f"{kind.label}s" for kind in identifier_kinds()), self.identifiers),
            ("changes kept in history", self.history),
        ]


def summarise(engine: Engine) -> StoreSummary:
    def count(table: Table) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    with engine.connect() as conn:
        domestic = conn.execute(
            select(func.count()).select_from(t.incidents).where(t.incidents.c.domestic.is_(True))
        ).scalar_one()
        return StoreSummary(
            incidents=count(t.incidents),
            crimes=count(t.crimes),
            orders=count(t.orders),
            risk_assessments=count(t.risk_assessments),
            mentions=count(t.mentions),
            identifiers=count(t.identifiers),
            history=count(t.record_history),
            domestic_incidents=int(domestic),
        )

"""Published figures: recorded stalking, harassment and order breaches by month or year."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from threadline.api.deps import EngineDep, require
from threadline.api.responses import CSV_RESPONSE, StatsOut
from threadline.api.schemas import IsoDate
from threadline.guard.users import User
from threadline.stats import StatsTable, recorded_by_period

router = APIRouter(tags=["statistics"])

StatsViewer = Annotated[User, require("stats.view")]
PeriodQuery = Annotated[Literal["month", "year"], Query(description="month (default) or year")]
SinceQuery = Annotated[
    IsoDate | None,
    Query(description="Leave out periods before this date (YYYY-MM-DD, from 1900-01-01)"),
]


def _table(engine: Any, period: Literal["month", "year"], since: date | None) -> StatsTable:
    with engine.connect() as conn:
        return recorded_by_period(conn, period, since)


@router.get("/api/stats")
def stats(
    _: StatsViewer, engine: EngineDep, period: PeriodQuery = "month", since: SinceQuery = None
) -> StatsOut:
    """Counts per period with the change on the same period a year before, and the counting
    rules that produced them."""
    return StatsOut.model_validate(_table(engine, period, since).to_dict())


@router.get("/api/stats.csv", response_class=Response, responses=CSV_RESPONSE)
def stats_csv(
    _: StatsViewer, engine: EngineDep, period: PeriodQuery = "month", since: SinceQuery = None
) -> Response:
    """The same table as CSV, for a spreadsheet or a publication."""
    return Response(
        _table(engine, period, since).to_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="threadline-{period}.csv"'},
    )

"""Statistics: recorded stalking, harassment and order breaches by month and by year
(:func:`threadline.stats.recorded_by_period`), as bar charts, tables and CSV."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import EngineDep, require
from threadline.guard.users import User
from threadline.stats import StatsTable, recorded_by_period
from threadline.web.charts import bar_chart_svg
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, require("stats.view")]
PeriodQuery = Annotated[Literal["month", "year"], Query(description="month or year")]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_label(label: str) -> str:
    """``2024-05`` → ``May 2024``; a year stays as it is."""
    if len(label) == 7 and label[4] == "-":
        return f"{MONTHS[int(label[5:]) - 1]} {label[:4]}"
    return label


def chart_of(table: StatsTable) -> str:
    periods = [row.period for row in table.rows]
    series = [(label, [row.counts[key] for row in table.rows]) for key, label in table.measures]
    return bar_chart_svg(
        periods,
        series,
        label_of=period_label,
        title=f"Recorded stalking, harassment and order breaches by {table.period}",
    )


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, user: Reader, engine: EngineDep) -> HTMLResponse:
    """Both tables, each with its chart."""
    with engine.connect() as conn:
        tables = {period: recorded_by_period(conn, period) for period in ("month", "year")}
    context = {
        "tables": tables,
        "charts": {period: chart_of(table) for period, table in tables.items()},
        "period_label": period_label,
    }
    return render(request, "stats.html", user, context)


@router.get("/stats.csv")
def stats_csv(_: Reader, engine: EngineDep, period: PeriodQuery = "month") -> Response:
    """The table for ``period`` as CSV."""
    with engine.connect() as conn:
        table = recorded_by_period(conn, period)
    return Response(
        table.to_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="threadline-by-{period}.csv"'},
    )

"""Wall-clock dates and times as exports write them, read into UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from threadline.ingest.comms.options import DateOrder


def day_month_year(first: str, second: str, third: str, order: DateOrder) -> tuple[int, int, int]:
    """The day, month and year of a date written as three numbers in ``order``.

    A two-digit year is in this century (an export's ``23`` is 2023). Raises :class:`ValueError`
    naming what is wrong.
    """
    if len(first) == 4:
        order = "ymd"
    if order == "ymd":
        year, month, day = first, second, third
    elif order == "mdy":
        month, day, year = first, second, third
    else:
        day, month, year = first, second, third
    if len(year) == 2:
        full_year = 2000 + int(year)
    elif len(year) == 4:
        full_year = int(year)
    else:
        raise ValueError(f"{year!r} is not a year")
    return int(day), int(month), full_year


def hour_of_day(hour: int, meridiem: str | None) -> int:
    """A 24-hour hour from ``hour`` and an AM/PM mark (its first letter), if any."""
    if meridiem is None:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(f"{hour} is not an hour of a 12-hour clock")
    pm = meridiem in "pP"
    return (hour % 12) + (12 if pm else 0)


def local_to_utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int, zone: tzinfo
) -> datetime:
    """The UTC time of a wall-clock time in ``zone`` (PEP 495 ``fold=0`` where it is ambiguous).

    Raises :class:`ValueError` for an impossible date or time ("day is out of range for month").
    """
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError as error:
        raise ValueError(f"not a real date and time ({error})") from None
    try:
        return local.astimezone(UTC)
    except OverflowError:
        raise ValueError("not a real date and time (out of range)") from None

"""Shared pieces of the POLE schemas: a strict base model; dates and times as forces write them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

#: Times written without an offset are local times of a force in England and Wales.
FORCE_TIMEZONE = ZoneInfo("Europe/London")
T = TypeVar("T")


#: The error a text field holding NUL raises; its context's ``field`` names the field, so that
#: :func:`threadline.model.validation.problems_from` names it as pydantic names the others.
NUL_IN_TEXT = "nul_in_text"
NUL_REASON = "holds NUL (U+0000), which no store can keep in text"


class Schema(BaseModel):
    """Base of every schema: unknown fields are errors, strings are stripped, models are frozen.

    No text may hold NUL: PostgreSQL cannot store it, and a record SQLite would keep and
    PostgreSQL refuse is a record that behaves differently by store.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @model_validator(mode="after")
    def _no_nul(self) -> Self:
        # once a model rather than once a field (a field validator doubled the cost of a record)
        for name, value in self.__dict__.items():
            kind = type(value)
            if kind is str:
                found = "\x00" in value
            elif kind is list or kind is tuple or kind is dict:
                items = value.values() if kind is dict else value
                found = any(type(item) is str and "\x00" in item for item in items)
            else:  # None, numbers, dates, enumerations, nested schemas (checked themselves)
                continue
            if found:
                raise PydanticCustomError(NUL_IN_TEXT, NUL_REASON, {"field": name})
        return self


_ISO_FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_UK_FULL = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_partial_date(value: object) -> str | None:
    """Read a possibly partial date of birth: ``1990-02-21``, ``1990-02``, ``1990``, ``21/02/1990``.

    Returns the ISO form (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``). A UK ``dd/mm/yyyy`` date is read
    day first. An impossible date such as ``31/02/1990`` is an error, never silently corrected.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if not text:
        return None
    try:
        if m := _ISO_FULL.match(text):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := _UK_FULL.match(text):
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if m := _ISO_MONTH.match(text):
            if not 1 <= int(m[2]) <= 12:
                raise ValueError
            return f"{m[1]}-{m[2]}"
        if _ISO_YEAR.match(text):
            return text
    except ValueError:
        pass
    raise ValueError(f'"{text}" is not a date')


def parse_date(value: object) -> date | None:
    """Read a full calendar date (ISO or UK day-first)."""
    text = parse_partial_date(value)
    if text is None:
        return None
    if len(text) != 10:
        raise ValueError(f'"{value}" is not a full date')
    return date.fromisoformat(text)


def parse_time(value: object) -> datetime | None:
    """Read a time stamp; one without an offset is local to the force, and all are stored in UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f'"{value}" is not a date and time (use ISO 8601)') from None
    else:
        raise ValueError(f"{value!r} is not a date and time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=FORCE_TIMEZONE)
    return moment.astimezone(UTC)


def _given(parse: Callable[[object], T | None], what: str) -> Callable[[object], T | None]:
    """``parse``, but an empty string is an error: a field with a date or time either holds one
    or is left out (or ``null``). ``"ends": ""`` is not a date, and reading it as "no end" would
    make an order open-ended by a typing slip. A reader of a format where an empty cell means
    "not given" (CSV) leaves the field out, at the edge (:mod:`threadline.ingest.readers`)."""

    def read(value: object) -> T | None:
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"is empty: give {what} or leave the field out")
        return parse(value)

    return read


_DATE = "a date (YYYY-MM-DD)"
_TIME = "a date and time (ISO 8601)"
#: A date of birth as written, perhaps partial; empty means not known (it is free text to the
#: JSON Schema, and a blank date of birth is how forces' exports say they do not know it).
PartialDate = Annotated[str | None, BeforeValidator(parse_partial_date)]
Date = Annotated[date | None, BeforeValidator(_given(parse_date, _DATE))]
RequiredDate = Annotated[date, BeforeValidator(_given(parse_date, _DATE))]
Timestamp = Annotated[datetime | None, BeforeValidator(_given(parse_time, _TIME))]
RequiredTimestamp = Annotated[datetime, BeforeValidator(_given(parse_time, _TIME))]

"""Turn a raw record (a dict from JSON or CSV) into a typed record, or errors naming each field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from threadline.model.base import NUL_IN_TEXT
from threadline.model.pole import RECORD_KINDS, Record


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field: ``people[1].dob: "31/02/1990" is not a date``."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


class RecordError(ValueError):
    """A record that cannot be stored, with every field at fault."""

    def __init__(self, problems: Sequence[FieldProblem], ref: str | None = None) -> None:
        self.problems = list(problems)
        self.ref = ref
        super().__init__("; ".join(str(p) for p in self.problems))


def field_path(location: Sequence[int | str]) -> str:
    """``("people", 1, "dob")`` → ``people[1].dob``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _reason(error: Mapping[str, object]) -> str:
    kind = error.get("type")
    if kind == "value_error":
        ctx = error.get("ctx")
        if isinstance(ctx, Mapping) and "error" in ctx:
            return str(ctx["error"])
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "missing":
        return "is required"
    if kind == "enum":
        ctx = error.get("ctx")
        expected = ctx.get("expected") if isinstance(ctx, Mapping) else None
        return f"{error.get('input')!r} is not one of {expected}"
    return str(error.get("msg"))


def problems_from(error: ValidationError) -> list[FieldProblem]:
    """Every problem pydantic found, in the import format's own words."""
    problems = []
    for e in error.errors():
        location = tuple(e["loc"])
        ctx = e.get("ctx") or {}
        if e["type"] == NUL_IN_TEXT and isinstance(ctx.get("field"), str):
            location = (*location, ctx["field"])
        problems.append(FieldProblem(field_path(location), _reason(e)))
    return problems


def parse_record(raw: object, default_kind: str | None = None) -> Record:
    """Validate one raw record; its ``kind`` (or ``default_kind``) says which schema applies."""
    if not isinstance(raw, Mapping):
        raise RecordError([FieldProblem("", "a record must be a JSON object")])
    kind = raw.get("kind", default_kind)
    ref = raw.get("ref") if isinstance(raw.get("ref"), str) else None
    schema = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        wanted = ", ".join(RECORD_KINDS)
        raise RecordError([FieldProblem("kind", f"{kind!r} is not one of {wanted}")], ref)
    data = dict(raw)
    data.setdefault("kind", kind)
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise RecordError(problems_from(error), ref) from None

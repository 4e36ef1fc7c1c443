"""A record or line that was not taken in, and why: the one refusal type of readers and importer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rejection:
    """One record that was not stored, and why: ``incidents.jsonl:812: people[1].dob: ...``."""

    file: str
    line: int
    field: str
    reason: str
    ref: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"

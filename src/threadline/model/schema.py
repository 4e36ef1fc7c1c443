"""The JSON Schema of the import format, generated from the POLE models (never written by hand)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from threadline.model.pole import Record


def import_json_schema() -> dict[str, Any]:
    """One JSON Schema for a line of an import file: any record, told apart by its ``kind``."""
    schema = TypeAdapter(Record).json_schema()
    schema["title"] = "Threadline import record"
    schema["description"] = (
        "One line of a Threadline JSON Lines import file: an incident, crime, court order or "
        "risk assessment, told apart by its 'kind'. Unknown fields are rejected."
    )
    return schema

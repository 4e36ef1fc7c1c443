"""Plain-English pieces of the rules' reason texts: lists, ordinals, incident summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from threadline.recognise.history import Event


def listing(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(items)
    if not words:
        return "none"
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} and {words[-1]}"


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``21st``..."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def category_text(event: Event) -> str:
    """The closing category when there is one, else the opening one, in words."""
    return str(event.closing_category or event.category).replace("_", " ")


def incident_summary(event: Event) -> str:
    """``INC-3 (2026-01-03, harassment)``."""
    return f"{event.ref} ({event.day.isoformat()}, {category_text(event)})"


def summaries(events: Sequence[Event]) -> str:
    return "; ".join(incident_summary(e) for e in events)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 incident``, ``3 incidents``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"

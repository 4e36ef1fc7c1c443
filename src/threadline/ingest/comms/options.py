"""How a communications export is to be read: its time zone, its date order, whose export it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Literal

from threadline.model.base import FORCE_TIMEZONE
from threadline.model.comms import Direction

DateOrder = Literal["dmy", "mdy", "ymd"]


@dataclass(frozen=True)
class ReadOptions:
    """What the file does not say about itself.

    ``timezone``: the zone a wall-clock time without an offset is read in (a WhatsApp export, a
    handset's call log); Europe/London unless the handset was set to another.

    ``date_order``: how ``01/02/2024`` is read. ``None`` infers it from the file (a first number
    above 12 means day first, a second above 12 month first) and falls back to day first, the
    order of a UK handset. A year written first (``2024-02-01``) is always year-month-day.

    ``owner``: the account holder or handset owner as the export writes them (a WhatsApp display
    name, a Facebook name, a phone number). With it, each entry gets a direction (from the owner:
    outgoing; to the owner: incoming) and, where the export does not name them, the owner as a
    recipient of what others sent.
    """

    timezone: tzinfo = FORCE_TIMEZONE
    date_order: DateOrder | None = None
    owner: str | None = None

    def direction(self, sender: str | None) -> Direction | None:
        """Which way an entry from ``sender`` went: outgoing if the owner sent it, else incoming;
        None without an owner, or for an entry with no sender."""
        if self.owner is None or sender is None:
            return None
        return Direction.outgoing if sender == self.owner else Direction.incoming

    def recipients(self, sender: str | None) -> tuple[str, ...]:
        """The owner, as the recipient of what someone else sent (for an export that does not
        name recipients); nobody without an owner, or for the owner's own entries."""
        if self.owner is None or sender is None or sender == self.owner:
            return ()
        return (self.owner,)


DEFAULT_OPTIONS = ReadOptions()

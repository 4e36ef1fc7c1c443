"""The ex-partner campaign's communications evidence: the victim's exports, and their truth.

For each ex-partner stalking series (:func:`threadline.synth.stalking.plan_ex_partner` records a
:class:`Campaign`), :func:`write_campaign_comms` writes what a victim hands the police, in the
layouts of :mod:`threadline.synth.comms_layout`:

- ``WhatsApp Chat with <his name>.txt``: her Android export of the chat with his first number,
  saved in her phone under his name (his messages, bursts at night, her replies, her first
  "stop");
- ``call_log.csv``: her handset's calls and texts: his first and second numbers (the second is
  the "new number" of the report that names it), a pay-as-you-go number he texts from after the
  order (named in no report: only what he writes gives him away), withheld calls at night, and
  her mother's calls and texts;
- ``_chat.txt``: her iPhone's export of the WhatsApp chat with his third number, after the order;
- ``facebook/<thread>/message_1.json``: Facebook threads from his account (under his name) and
  from the new account under another name; ``instagram/<thread>/message_1.json``: a few messages
  from a handle with only one of his sentences in it (not enough to say it is him: a reviewer's
  call).

His messages share sentences of his own (a sign-off and phrases only he uses) across every
number and account, as a real sender's do; nobody else writes them.

``truth_comms.json`` beside them says, for each campaign, the incident the evidence is imported
under, the owner, every sender as written with whose it is and how it should come to be known,
and the counts: total contacts, his contacts, contacts (all, and his) on days the order binds,
the time she first told him to stop and his contacts after it. Times are counted as the files
write them (a WhatsApp Android export to the minute) and read back as the readers do (a wall
time that occurs twice read as the first, PEP 495 ``fold=0``), so the truth is what a correct
import must find. The order binds, as recorded (no service date, not on notice), from the day
after it was granted to its last day (Family Law Act 1996 s42A; ``Order.binds_from``).

The messages come from their own random stream, seeded from the force's seed: writing them
changes no incident and no other file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from threadline.model.base import FORCE_TIMEZONE
from threadline.synth.comms_layout import (
    Entry,
    call_log,
    meta_thread,
    whatsapp_android,
    whatsapp_ios,
)
from threadline.synth.population import SCENARIO_PHONES, Person, phone_text

__all__ = ["COMMS_TRUTH_FORMAT", "Campaign", "write_campaign_comms"]

COMMS_TRUTH_FORMAT = "threadline-synth-comms-truth/1"
DAY = 86_400

#: What he writes, on every number and account.
_HIS = (
    "Answer me.",
    "Why are you ignoring me?",
    "Pick up the phone.",
    "I know you're reading these.",
    "I saw your car outside your mum's again.",
    "Who were you with last night?",
    "You can't just cut me off like that after everything.",
    "I just want to talk to you for five minutes.",
    "If you'd just answer I would leave you alone.",
    "I'm not going anywhere.",
    "You're making me do this.",
    "Everyone thinks you're the victim but they don't know you like I do.",
    "I drove past your work today.",
    "You looked tired this morning.",
    "Block me all you like, I'll find another way.",
    "Just tell me where you're living now.",
    "I'm sorry, please, I love you.",
    "Ring me back.",
    "Don't make me come round there.",
    "I know your new number will turn up, it always does.",
)
#: His own sentences: a sign-off and phrases nobody else writes (the shared content that gives a
#: new number or account away). Filled with his first initial and her first name.
_SIGNATURE = (
    "You'll always be mine {her}, you know that.",
    "Nobody will ever love you the way I do, remember that.",
    "Still here, still waiting, always will be. {his} x",
)
#: Her replies: some tell him to stop, in her own words; the rest do not.
_HER_STOP = (
    "Please stop messaging me. It's over.",
    "Leave me alone. I don't want any contact with you.",
    "Stop texting me or I'm going to the police.",
    "Do not contact me again.",
    "Stop. There is a court order. Stop contacting me.",
)
_HER_OTHER = (
    "I'm at work.",
    "I'm not discussing this.",
    "I've blocked you.",
    "You need to move on.",
)
_MUM = (
    "Are you ok love? Ring me when you can.",
    "Has he been in touch again?",
    "Come for tea tonight, your dad's cooking.",
    "Text me when you're home safe x",
    "Did you speak to the police?",
)
#: Profile names for the accounts he opens under another name.
_ALIASES = ("Jay Marsh", "Lee Carver", "Sam Whitlow", "Chris Dane")


@dataclass
class Campaign:
    """What :func:`write_campaign_comms` needs of an ex-partner series, recorded when it is
    planned (times in epoch seconds)."""

    series: Any  # threadline.synth.recorder.Series
    victim: Person
    suspect: Person
    mother: Person
    start: int
    end: int
    new_number_at: int
    new_account_at: int
    order_at: int
    #: the order's state as the plan fills it while the force is written (``entry``: its truth)
    order_state: dict[str, Any] = field(default_factory=dict)
    whatsapp_breach_at: int | None = None


@dataclass
class _Sent:
    """One entry written, as the truth counts it."""

    at: datetime  # UTC, as read back
    sender: str  # as written (a call log's number; the owner for hers)
    his: bool
    incoming: bool
    file: str


def _wall(at: int) -> datetime:
    """The handset's wall-clock time (naive), as an export writes it."""
    return datetime.fromtimestamp(at, FORCE_TIMEZONE).replace(tzinfo=None)


def _read_back(wall: datetime) -> datetime:
    """A wall time as the readers read it: in the force's zone, the first of two (fold=0)."""
    return wall.replace(tzinfo=FORCE_TIMEZONE, fold=0).astimezone(UTC)


def _international(phone: str) -> str:
    """How WhatsApp shows a number not saved in the phone: ``+44 7700 900123``."""
    return f"+44 {phone[1:5]} {phone[-6:]}"


class _Writer:
    def __init__(self, c: Campaign, rng: random.Random) -> None:
        self.c, self.rng = c, rng
        self.sent: list[_Sent] = []
        first = c.suspect.forenames.split()[0]
        her = c.victim.forenames.split()[0]
        self.signature = [s.format(his=first[:1], her=her) for s in _SIGNATURE]

    def his_text(self, signed: float = 0.2) -> str:
        rng = self.rng
        parts = rng.sample(_HIS, rng.choice((1, 1, 1, 2, 2, 3)))
        if rng.random() < signed:
            parts.append(rng.choice(self.signature))
        return " ".join(parts)

    def moments(self, start: int, end: int, per_day: float, night: float = 0.1) -> list[int]:
        """About ``per_day`` moments a day in [start, end), mostly waking hours, ``night`` of
        them between 23:00 and 05:00."""
        rng = self.rng
        found = []
        days = max(0, (end - start) // DAY)
        for d in range(days + 1):
            base = start + d * DAY
            for _ in range(max(0, round(rng.gauss(per_day, per_day / 3)))):
                local_midnight = base - (base % DAY)
                if rng.random() < night:
                    offset = rng.randrange(23 * 3600, 29 * 3600)
                else:
                    offset = rng.randrange(7 * 3600, 23 * 3600)
                at = local_midnight + offset
                if start <= at < end:
                    found.append(at)
        return sorted(found)

    def burst(self, around: int, count: int) -> list[int]:
        """``count`` moments within 50 minutes from ``around`` (a burst: 50+ in an hour)."""
        return sorted(around + self.rng.randrange(0, 50 * 60) for _ in range(count))

    def night_of(self, at: int) -> int:
        """00:30 local (roughly) on the night after ``at``."""
        return at - (at % DAY) + DAY + 30 * 60


def write_campaign_comms(
    out_dir: Path, campaign: Campaign, seed: int, numbers_used: int
) -> dict[str, Any]:
    """Write one campaign's exports under ``out_dir`` and return its truth (see the module).

    ``numbers_used``: the scenario numbers handed out; the number he buys after the order is
    the last of the range when it is free (none otherwise)."""
    c = campaign
    rng = random.Random(seed)
    w = _Writer(c, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    owner = c.victim.full_name
    his_name = c.suspect.full_name
    phones = c.suspect.phones
    first = phones[0] if phones else None
    second = phones[1] if len(phones) > 1 else None
    third = phones[2] if len(phones) > 2 else None
    free = numbers_used < len(SCENARIO_PHONES)
    burner = phone_text(SCENARIO_PHONES.stop - 1) if free else None
    began = c.start - 5 * DAY
    blocked_first = c.new_number_at - 3 * DAY
    breach_at = c.whatsapp_breach_at or c.order_at + 20 * DAY
    third_from = max(c.order_at + DAY, breach_at - 2 * DAY)
    first_stop = began + 2 * DAY + 3600 * 20
    senders: list[dict[str, Any]] = []
    files: list[str] = []

    # --- WhatsApp (Android) with his first number, saved under his name ----------------------
    chat: list[tuple[int, str, str, str]] = []  # (at, sender, text, shape)
    for at in w.moments(began, blocked_first, 14, night=0.12):
        roll = rng.random()
        shape = "missed_call" if roll < 0.06 else "media" if roll < 0.1 else "message"
        chat.append((at, his_name, w.his_text(), shape))
    nights = range(began + 4 * DAY, blocked_first - DAY, DAY)
    for night in rng.sample(nights, min(2, len(nights))):
        for at in w.burst(w.night_of(night), rng.randint(55, 70)):
            chat.append((at, his_name, w.his_text(0.05), "message"))
    replies = [first_stop, *rng.sample(range(first_stop + DAY, blocked_first, 3600), 6)]
    for i, at in enumerate(sorted(replies)):
        text = _HER_STOP[0] if i == 0 else rng.choice((*_HER_STOP[:2], *_HER_OTHER))
        chat.append((at, owner, text, "message"))
    chat = _by_minute(chat)
    name = f"WhatsApp Chat with {his_name}.txt"
    entries = [Entry(_wall(at), who, text, shape) for at, who, text, shape in chat]
    (out_dir / name).write_text(whatsapp_android(entries), encoding="utf-8")
    files.append(name)
    for e in entries:
        w.sent.append(
            _Sent(_read_back(e.at), e.sender, e.sender == his_name, e.sender != owner, name)
        )
    senders.append(_sender(his_name, name, c.suspect.pid, "attributed", "contact_name"))

    # --- the call and SMS log ----------------------------------------------------------------
    log: list[tuple[int, Entry, bool, bool]] = []  # (at, entry, his, incoming)

    def text_from(number: str, at: int, text: str, his: bool) -> None:
        log.append((at, Entry(_wall(at), "", text, "sms", number=number), his, True))

    def call_from(number: str, at: int, his: bool, missed: float = 0.6) -> None:
        missed_call = rng.random() < missed
        direction = "Missed" if missed_call else "Incoming"
        duration = 0 if missed_call else rng.randint(3, 240)
        entry = Entry(_wall(at), "", "", "call", duration, direction, number)
        log.append((at, entry, his, True))

    if first is not None:
        for at in w.moments(began, blocked_first, 3):
            call_from(first, at, True)
        senders.append(_sender(first, "call_log.csv", c.suspect.pid, "attributed", "on_record"))
    if second is not None:
        second_until = third_from if third is not None else c.end
        for at in w.moments(blocked_first + DAY, second_until, 7, night=0.15):
            text_from(second, at, w.his_text(), True)
        for at in w.moments(blocked_first + DAY, second_until, 4, night=0.25):
            call_from(second, at, True)
        stop_at = blocked_first + 2 * DAY + 3600 * 9
        log.append(
            (
                stop_at,
                Entry(_wall(stop_at), "", _HER_STOP[2], "sms", 0, "Outgoing", second),
                False,
                False,
            )
        )
        senders.append(
            _sender(second, "call_log.csv", c.suspect.pid, "attributed", "named_in_report")
        )
    if burner is not None:
        burner_from = c.order_at + 10 * DAY
        for at in w.moments(burner_from, burner_from + 12 * DAY, 5):
            text_from(burner, at, w.his_text(0.5), True)
        senders.append(
            _sender(burner, "call_log.csv", c.suspect.pid, "attributed", "shared_content")
        )
    for at in w.moments(c.new_number_at, c.end, 0.4, night=1.0):
        entry = Entry(_wall(at), "", "", "call", 0, "Missed", "Withheld")
        log.append((at, entry, False, True))  # his in fact, but nobody can say so
    mum = c.mother.phones[0] if c.mother.phones else None
    if mum is not None:
        for at in w.moments(began, c.end, 0.8, night=0.0):
            text_from(mum, at, rng.choice(_MUM), False)
        for at in w.moments(began, c.end, 0.3, night=0.0):
            call_from(mum, at, False, missed=0.2)
        senders.append(_sender(mum, "call_log.csv", c.mother.pid, "not_suspect", None))
    log.sort(key=lambda item: (item[0], item[1].number))
    (out_dir / "call_log.csv").write_text(call_log(e for _, e, _, _ in log), encoding="utf-8")
    files.append("call_log.csv")
    for _, e, his, incoming in log:
        w.sent.append(
            _Sent(_read_back(e.at), e.number if incoming else owner, his, incoming, "call_log.csv")
        )
    senders.append(_sender("Withheld", "call_log.csv", c.suspect.pid, "withheld", None))

    # --- WhatsApp (iOS) with his third number, after the order -------------------------------
    if third is not None:
        shown = _international(third)
        ios: list[tuple[int, str, str, str]] = []
        for at in w.moments(third_from, c.end, 9, night=0.15):
            ios.append((at, shown, w.his_text(), "message" if rng.random() > 0.05 else "media"))
        for at in w.burst(w.night_of(third_from + 6 * DAY), rng.randint(52, 60)):
            ios.append((at, shown, w.his_text(0.05), "message"))
        stop_at = third_from + 3600 * 30
        ios.append((stop_at, owner, _HER_STOP[4], "message"))
        ios.sort()
        ios_entries = [Entry(_wall(at), who, text, shape) for at, who, text, shape in ios]
        (out_dir / "_chat.txt").write_text(whatsapp_ios(ios_entries), encoding="utf-8")
        files.append("_chat.txt")
        for e in ios_entries:
            w.sent.append(
                _Sent(_read_back(e.at), e.sender, e.sender == shown, e.sender != owner, "_chat.txt")
            )
        senders.append(_sender(shown, "_chat.txt", c.suspect.pid, "attributed", "named_in_report"))

    # --- Facebook: his account, then the account under another name ---------------------------
    alias = rng.choice(_ALIASES)
    threads = (
        (his_name, began, c.new_account_at - 5 * DAY, "contact_name"),
        (alias, c.new_account_at - 3 * DAY, c.end, "shared_content"),
    )
    for who, since, until, basis in threads:
        rel = f"facebook/{_folder(who)}/message_1.json"
        items = [
            Entry(datetime.fromtimestamp(at, UTC), who, w.his_text(0.3))
            for at in w.moments(since, until, 2.5)
        ]
        (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / rel).write_text(meta_thread(items, [who, owner], who), encoding="utf-8")
        files.append(rel)
        w.sent.extend(_Sent(e.at, who, True, True, rel) for e in items)
        senders.append(_sender(who, rel, c.suspect.pid, "attributed", basis))

    # --- Instagram: a handle with one of his sentences only (a reviewer's call) ----------------
    handle = f"{_folder(alias)}_{rng.randint(10, 99)}"
    rel = f"instagram/{handle}/message_1.json"
    at0 = c.order_at + 30 * DAY
    lines = ["hey", "saw your story", w.signature[0], "you ok?"]
    items = [
        Entry(datetime.fromtimestamp(at0 + i * 3600 * 5, UTC), handle, text)
        for i, text in enumerate(lines)
    ]
    (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
    (out_dir / rel).write_text(meta_thread(items, [handle, owner], handle), encoding="utf-8")
    files.append(rel)
    w.sent.extend(_Sent(e.at, handle, False, True, rel) for e in items)  # his, unprovable
    senders.append(_sender(handle, rel, c.suspect.pid, "review", "shared_content"))

    return _truth(c, w.sent, senders, files, owner, first_stop)


def _folder(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _by_minute(chat: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str, str]]:
    """An Android export writes times to the minute: entries in time order, to the minute."""
    return sorted(
        ((at - at % 60, who, text, shape) for at, who, text, shape in chat), key=lambda e: e[0]
    )


def _sender(
    written: str, file: str, whose: str | None, expect: str, basis: str | None
) -> dict[str, Any]:
    """A sender's truth: whose it is (a person id), what attribution should make of it
    (``attributed``, ``review``, ``not_suspect``: someone else's, ``withheld``: nobody can
    say) and the evidence it should rest on (``on_record``: a number on his records;
    ``named_in_report``: a report names it as his new number; ``contact_name``: her phone or
    her Facebook names him; ``shared_content``: his own sentences)."""
    return {"sender": written, "file": file, "whose": whose, "expect": expect, "basis": basis}


def _truth(
    c: Campaign,
    sent: list[_Sent],
    senders: list[dict[str, Any]],
    files: list[str],
    owner: str,
    first_stop: int,
) -> dict[str, Any]:
    order = c.order_state["entry"]
    starts = date.fromisoformat(order["starts"])
    ends = date.fromisoformat(order["ends"]) if order.get("ends") else None
    binds_from = starts + timedelta(days=1)  # no service or notice recorded: Order.binds_from

    def binds(at: datetime) -> bool:
        day = at.astimezone(FORCE_TIMEZONE).date()
        return binds_from <= day and (ends is None or day <= ends)

    stop_at = _read_back(_wall(first_stop - first_stop % 60))
    contacts = [s for s in sent if s.incoming]
    his = [s for s in contacts if s.his]
    return {
        "series": c.series.sid,
        "attach_to": order["breach_refs"][-1]
        if order.get("breach_refs")
        else c.series.incident_refs[-1],
        "owner": owner,
        "victim": c.victim.pid,
        "suspect": c.suspect.pid,
        "order": order["ref"],
        "order_binds": {"from": binds_from.isoformat(), "to": ends.isoformat() if ends else None},
        "files": files,
        "senders": senders,
        "total_contacts": len(contacts),
        "suspect_contacts": len(his),
        "contacts_while_order_binds": sum(binds(s.at) for s in contacts),
        "suspect_contacts_while_order_binds": sum(binds(s.at) for s in his),
        "told_to_stop_at": stop_at.isoformat(),
        "suspect_contacts_after_stop": sum(s.at > stop_at for s in his),
        "withheld_calls": sum(s.sender == "Withheld" for s in contacts),
        "messages_written": len(sent),
    }

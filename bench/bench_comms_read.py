"""Reading communications evidence: messages per second for each format, 100,000 messages each.

    PYTHONPATH=src .venv/bin/python bench/bench_comms_read.py
    PYTHONPATH=src .venv/bin/python bench/bench_comms_read.py --messages 20000 --write /tmp/comms

Generates, for each format, one file of ``--messages`` entries in that format's published layout
(fictional names, numbers in Ofcom's drama range 07700 900000-900999): a WhatsApp Android export
(12-hour, month first), a WhatsApp iOS export (24-hour, day first, U+200E marks), a Facebook
message file (Meta's mojibake in every non-ASCII string) and a handset call and SMS log. About one
entry in twenty spans several lines, one in twenty is a media placeholder, one in thirty a call.
Each file is read ``--repeat`` times with :mod:`threadline.ingest.comms` and the best wall-clock
and CPU times are printed, with the file size and the machine's load (on a shared machine the CPU
figure is the steadier one). Reading includes the file read, decoding, the time zone, and the
content hash of each message. The import target of issue 25 is 20,000 messages/s into SQLite;
reading is one part of it and must be well above that.

``--write DIR`` keeps the generated files (to time another parser on the same data).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from threadline.ingest.comms import (
    ReadOptions,
    read_call_log,
    read_meta_messages,
    read_whatsapp,
)
from threadline.ingest.rejection import Rejection
from threadline.model.comms import Communication
from threadline.synth.comms_layout import (
    Entry,
    meta_thread,
    whatsapp_android,
    whatsapp_ios,
)
from threadline.synth.comms_layout import call_log as write_call_log

SENDERS = ["Dan Mercer", "Amy Hollis"]
WORDS = (
    "answer me why are you ignoring me I know you are home I saw your car pick up the phone "
    "you can't hide from me I will find you please stop messaging me leave me alone"
).split()
START = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)


def sentences(rng: random.Random, count: int) -> Iterator[tuple[datetime, str, str, int]]:
    """``count`` (time, sender, text, shape) with shape 0 plain, 1 multi-line, 2 media, 3 call."""
    moment = START
    for _ in range(count):
        moment += timedelta(seconds=rng.randint(1, 600))
        roll = rng.random()
        shape = 1 if roll < 0.05 else 2 if roll < 0.10 else 3 if roll < 0.133 else 0
        text = " ".join(rng.choices(WORDS, k=rng.randint(2, 14)))
        yield moment, SENDERS[rng.random() < 0.2], text, shape


def _entries(count: int, rng: random.Random, calls: str) -> list[Entry]:
    found = []
    for moment, sender, text, shape in sentences(rng, count):
        if shape == 1:
            found.append(Entry(moment, sender, f"{text}\n{text}\n\n{text}"))
        elif shape == 2:
            found.append(Entry(moment, sender, shape="media"))
        elif shape == 3:
            found.append(Entry(moment, sender, shape=calls, duration=rng.randint(0, 300)))
        else:
            found.append(Entry(moment, sender, text))
    return found


def android(count: int, rng: random.Random) -> str:
    naive = [replace(e, at=e.at.replace(tzinfo=None)) for e in _entries(count, rng, "missed_call")]
    return whatsapp_android(naive)


def ios(count: int, rng: random.Random) -> str:
    return whatsapp_ios(
        replace(e, at=e.at.replace(tzinfo=None)) for e in _entries(count, rng, "call")
    )


def facebook(count: int, rng: random.Random) -> str:
    entries = [
        replace(
            e,
            sender=e.sender.replace("e", "é"),
            text=e.text + (" \u2019\U0001f621" if "\n" in e.text else ""),
        )
        for e in _entries(count, rng, "call")
    ]
    participants = [s.replace("e", "é") for s in SENDERS]
    return meta_thread(entries, participants, "Dan Mercér")


def call_log(count: int, rng: random.Random) -> str:
    entries = []
    for moment, _, text, shape in sentences(rng, count):
        number = f"07700 900{rng.randint(0, 999):03d}"
        direction = rng.choice(["Incoming", "Outgoing", "Missed"])
        at = moment.replace(tzinfo=None)
        if shape in (2, 3):
            duration = rng.randint(0, 3599)
            entries.append(
                Entry(at, "", shape="call", duration=duration, direction=direction, number=number)
            )
        else:
            body = f"{text}\n{text}" if shape == 1 else text
            entries.append(Entry(at, "", body, shape="sms", direction=direction, number=number))
    return write_call_log(entries)


Reader = Callable[[Path, ReadOptions], Iterator[Communication | Rejection]]
FORMATS: list[tuple[str, str, Callable[[int, random.Random], str], Reader]] = [
    ("WhatsApp Android", "WhatsApp Chat with Dan Mercer.txt", android, read_whatsapp),
    ("WhatsApp iOS", "_chat.txt", ios, read_whatsapp),
    ("Facebook JSON", "message_1.json", facebook, read_meta_messages),
    ("call/SMS CSV", "call_log.csv", call_log, read_call_log),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="keep the generated files here")
    args = parser.parse_args()
    options = ReadOptions()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.write or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"{'format':<18}{'entries':>9}{'refused':>9}{'MB':>7}{'best s':>9}{'entries/s':>12}"
            f"{'CPU s':>9}{'per CPU s':>12}"
        )
        for label, name, generate, reader in FORMATS:
            path = folder / label.replace(" ", "_").replace("/", "_") / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(generate(args.messages, random.Random(25)), encoding="utf-8")
            best = best_cpu = float("inf")
            read = refused = 0
            for _ in range(args.repeat):
                began, began_cpu = time.perf_counter(), time.process_time()
                items = list(reader(path, options))
                best = min(best, time.perf_counter() - began)
                best_cpu = min(best_cpu, time.process_time() - began_cpu)
                refused = sum(isinstance(item, Rejection) for item in items)
                read = len(items) - refused
            size = path.stat().st_size / 1e6
            print(
                f"{label:<18}{read:>9,}{refused:>9,}{size:>7.1f}{best:>9.3f}{read / best:>12,.0f}"
                f"{best_cpu:>9.3f}{read / best_cpu:>12,.0f}"
            )


if __name__ == "__main__":
    main()

"""Generate a whole synthetic force: plan the scenarios, stream the background, write the truth.

:func:`generate_force` is the one public entry point (the ``threadline synth`` command calls it).
It plans every scenario and trap up front (a few events per thousand incidents), then streams
background incidents in time order and slots the planned events in between, so memory stays flat
however many incidents are asked for. The same seed and size give the same bytes.
"""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from threadline.model.base import FORCE_TIMEZONE
from threadline.synth.background import background_incident
from threadline.synth.comms import COMMS_TRUTH_FORMAT, write_campaign_comms
from threadline.synth.config import SynthConfig, SynthSummary
from threadline.synth.noise import Scribe
from threadline.synth.plan import DAY, Plan
from threadline.synth.population import BACKGROUND_PHONES, SCENARIO_PHONES, Population, mix
from threadline.synth.recorder import Desk, Recorder
from threadline.synth.scenarios import (
    plan_domestic_escalation,
    plan_neighbour_dispute,
    plan_prolific_offender,
    plan_repeat_victim,
)
from threadline.synth.stalking import plan_acquaintance, plan_ex_partner, plan_stranger
from threadline.synth.traps import plan_common_names, plan_father_son, plan_same_name, plan_twins

TRUTH_FORMAT = "threadline-synth-truth/1"
PROGRESS_EVERY = 1000


def generate_force(
    out_dir: Path,
    incidents: int,
    seed: int,
    config: SynthConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> SynthSummary:
    """Write a synthetic force of ``incidents`` incidents and its ground truth into ``out_dir``.

    Files: ``incidents.jsonl``, ``crimes.jsonl``, ``orders.jsonl``, ``assessments.jsonl`` (import
    format, one record a line), ``truth_mentions.jsonl`` (the true person behind every mention)
    and ``truth.json`` (series, orders and breaches, traps, scenario people); see docs/synth.md.
    ``progress`` is called with the number of incidents written, every 1,000 and at the end.
    """
    if incidents < 0:
        raise ValueError("incidents must be zero or more")
    config = config or SynthConfig()
    out_dir = Path(out_dir)
    t0 = int(
        datetime(
            config.start.year, config.start.month, config.start.day, tzinfo=FORCE_TIMEZONE
        ).timestamp()
    )
    t1 = t0 + config.days * DAY
    households = min(
        config.max_households, max(300, int(incidents * config.households_per_incident))
    )
    population = Population(seed, households, config.start.year, config.surname_head_permille)
    base = mix(seed & ((1 << 64) - 1) ^ 0x5EED)
    plan = Plan(
        population,
        random.Random(base + 1),
        config,
        t0,
        t1,
        budget=incidents - incidents // 5,
    )
    _plan_scenarios(plan, incidents)
    events = sorted(plan.events)
    n_background = incidents - plan.incidents

    recorder = Recorder(out_dir, population)
    rng = random.Random(base + 2)
    desk = Desk(rng, Scribe(rng, config.noise), population, recorder, config)
    timing = random.Random(base + 3)
    span = (t1 - t0) / max(1, n_background)
    summary = recorder.summary
    e, n_events = 0, len(events)
    next_tick = PROGRESS_EVERY
    # The stream makes millions of short-lived, acyclic dicts: reference counting frees them, and
    # pausing the cyclic collector saves it from scanning them (about a tenth of the run time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for i in range(n_background + 1):
            at = t0 + int((i + timing.random()) * span) if i < n_background else t1 + 10 * DAY
            while e < n_events and events[e][0] <= at:
                event_at, _, render = events[e]
                render(desk, event_at)
                e += 1
            if i < n_background:
                background_incident(desk, at)
            if progress is not None and summary.incidents >= next_tick:
                progress(summary.incidents)
                next_tick = (summary.incidents // PROGRESS_EVERY + 1) * PROGRESS_EVERY
    finally:
        recorder.close()
        if collecting:
            gc.enable()
    if progress is not None:
        progress(summary.incidents)

    summary.series = {}
    for series in plan.series:
        summary.series[series.kind] = summary.series.get(series.kind, 0) + 1
    summary.series["background"] = recorder.background_incidents
    summary.background_phone_shared = round(recorder.background_phone_shared(), 4)
    _write_comms(out_dir, plan, base + 4)
    _write_truth(out_dir, seed, incidents, config, plan, summary, households, t0, t1)
    return summary


def _count(incidents: int, per_100k: float) -> int:
    return max(1, round(incidents * per_100k / 100_000))


def _plan_scenarios(plan: Plan, incidents: int) -> None:
    """Lay out the scenarios and traps, most important first, within the incident budget."""
    rng, rates = plan.rng, plan.config.scenarios
    lo, hi = rates.ex_partner_incidents
    if lo < rates.ex_partner_breaches + 5:
        raise ValueError("ex_partner_incidents must allow for the breaches and five more")
    sized = (
        (plan_ex_partner, rates.ex_partner_stalking_per_100k, lo, hi, 3),
        (plan_acquaintance, rates.acquaintance_stalking_per_100k, 4, 10, 0),
        (plan_stranger, rates.stranger_stalking_per_100k, 4, 8, 0),
        (plan_domestic_escalation, rates.domestic_escalation_per_100k, 6, 12, 0),
        (plan_neighbour_dispute, rates.neighbour_dispute_per_100k, 6, 12, 0),
        (plan_prolific_offender, rates.prolific_offender_per_100k, 10, 25, 0),
        (plan_repeat_victim, rates.repeat_victim_per_100k, 4, 8, 0),
    )
    for make, per_100k, low, high, extra in sized:
        for _ in range(_count(incidents, per_100k)):
            n = rng.randint(low, high)
            if plan.fits(n + extra):
                make(plan, n)
    traps = _count(incidents, rates.traps_per_100k)
    for make_trap in (plan_twins, plan_father_son, plan_same_name):
        for _ in range(max(2, traps)):
            if plan.fits(6):
                make_trap(plan)
    per_name = max(rates.common_name_people, round(incidents / 50_000))
    if plan.fits(9 * per_name):
        plan_common_names(plan, per_name)
    plan.assign_phones()


def _write_comms(out_dir: Path, plan: Plan, seed: int) -> None:
    """Each ex-partner campaign's communications evidence under ``comms/<series>/``, their truth
    in ``comms/truth_comms.json`` and what ``make demo`` imports in ``comms/imports.tsv`` (one
    line per campaign: incident, owner, the file listing its exports relative to ``comms/``)."""
    if not plan.campaigns:
        return
    folder = out_dir / "comms"
    truths, lines = [], []
    for n, campaign in enumerate(plan.campaigns):
        where = folder / campaign.series.sid
        truth = write_campaign_comms(
            where, campaign, seed + n, plan.population.scenario_phones_used
        )
        truths.append(truth)
        listing = f"{campaign.series.sid}.files"
        (folder / listing).write_text(
            "".join(f"{campaign.series.sid}/{name}\n" for name in truth["files"]),
            encoding="utf-8",
        )
        lines.append(f"{truth['attach_to']}\t{truth['owner']}\t{listing}\n")
    (folder / "imports.tsv").write_text("".join(lines), encoding="utf-8")
    with open(folder / "truth_comms.json", "w", encoding="utf-8") as handle:
        json.dump({"format": COMMS_TRUTH_FORMAT, "campaigns": truths}, handle, indent=1)
        handle.write("\n")


def _write_truth(
    out_dir: Path,
    seed: int,
    incidents: int,
    config: SynthConfig,
    plan: Plan,
    summary: SynthSummary,
    households: int,
    t0: int,
    t1: int,
) -> None:
    orders = [order for series in plan.series for order in series.orders]
    used = plan.population.scenario_phones_used
    owners: dict[str, str] = {}
    for pid, person in plan.people.items():
        for phone in person.phones:
            owners.setdefault(phone, pid)
    truth: dict[str, Any] = {
        "format": TRUTH_FORMAT,
        "seed": seed,
        "incidents": incidents,
        "period": {
            "start": datetime.fromtimestamp(t0, FORCE_TIMEZONE).isoformat(),
            "end": datetime.fromtimestamp(t1, FORCE_TIMEZONE).isoformat(),
        },
        "config": config.as_dict(),
        "summary": summary.as_dict(),
        "population": {
            "background_households": households,
            "person_id": "P{household}.{member}; U{n} for an unknown person seen once",
        },
        "phones": {
            "range": "07700 900000-900999 (Ofcom drama range)",
            "scenario_numbers": f"07700 {SCENARIO_PHONES.start}-{SCENARIO_PHONES.stop - 1}",
            "scenario_numbers_handed_out": used,
            "scenario_numbers_distinct": len(owners) == used,
            "scenario_people_without_phone": len(plan.without_phone),
            "background_numbers": f"07700 {BACKGROUND_PHONES.start}-{BACKGROUND_PHONES.stop - 1}",
            "background_holders": plan.population.background_phone_holders,
            "background_shared_fraction": summary.background_phone_shared,
            "mentions_with_phone": summary.phone_mentions,
            "mentions_with_phone_share": round(summary.phone_mentions / summary.mentions, 4)
            if summary.mentions
            else 0.0,
        },
        "series": [series.truth() for series in plan.series],
        "orders": orders,
        "traps": plan.traps,
        "people": {pid: person.truth() for pid, person in plan.people.items()},
    }
    with open(out_dir / "truth.json", "w", encoding="utf-8") as handle:
        json.dump(truth, handle, ensure_ascii=False, indent=1)
        handle.write("\n")

"""Planning: scenario numbers go to the people whose phone is part of the story first."""

from __future__ import annotations

import random

from threadline.synth.config import SynthConfig
from threadline.synth.plan import DAY, Plan
from threadline.synth.population import Population


def _plan() -> Plan:
    return Plan(Population(1, 500, 2023), random.Random(0), SynthConfig(), 0, 730 * DAY, 10_000)


def test_numbers_go_to_ex_partner_people_then_principals_then_the_rest() -> None:
    plan = _plan()
    bystanders = [plan.newcomer(sex="female", age=40) for _ in range(300)]
    domestic = plan.new_series("domestic_escalation")
    victim = plan.newcomer(sex="female", age=30)
    domestic.victims.append(victim.pid)
    ex = plan.new_series("ex_partner_stalking")
    her, him = plan.newcomer(sex="female", age=30), plan.newcomer(sex="male", age=32)
    ex.victims.append(her.pid)
    ex.suspects.append(him.pid)
    plan.phones_wanted[him.pid] = 3
    plan.whatsapp.add(him.pid)
    no_phone = plan.newcomer(sex="male", age=50, phone=False)
    assert not any(p.phones for p in plan.people.values())  # nothing handed out while planning

    plan.assign_phones()

    assert len(him.phones) == 3 and len(her.phones) == 1 and len(victim.phones) == 1
    assert [a for a in him.accounts if a[0] == "whatsapp"] == [
        ("whatsapp", "+44" + p.replace(" ", "")[1:]) for p in him.phones
    ]
    assert no_phone.phones == [] and no_phone.pid not in plan.without_phone
    numbers = [p for person in plan.people.values() for p in person.phones]
    assert len(numbers) == len(set(numbers)) == 300 == plan.population.scenario_phones_used
    # 305 numbers were wanted, five by the three principals (three by him), who are served first
    # although planned last: the last five bystanders in planning order go without.
    assert plan.without_phone == [p.pid for p in bystanders[-5:]]

"""Non-stalking scenarios: escalating domestic abuse, a neighbour dispute, a prolific offender,
a repeat victim of unrelated crimes.

They are what a course-of-conduct detector must tell apart from stalking: the neighbours accuse
each other (harassment both ways, no fixation), the prolific offender has many unrelated victims,
the repeat victim has a different offender each time.
"""

from __future__ import annotations

from functools import partial

from threadline.synth.places import WORKPLACES
from threadline.synth.plan import DAY, Plan
from threadline.synth.population import Person
from threadline.synth.recorder import Desk
from threadline.synth.scene import Scene, write_scene

# (severity threshold, category, offence, crime rate, template)
_DOMESTIC_STEPS = (
    (0.0, "domestic", None, 0.0,
     "{c} reports shouting from the address; {v} says it was a verbal argument with {s} about "
     "money. No injuries."),
    (0.2, "domestic", None, 0.0,
     "{v} reports {s} came home drunk and smashed plates during an argument. {s} has gone to a "
     "friend's."),
    (0.35, "domestic", "Criminal damage (domestic)", 0.5,
     "{v} says {s} punched a hole in the bedroom door and took her phone so she could not call "
     "anyone."),
    (0.5, "threats", "Threats to kill", 0.6,
     "{v} reports {s} threatened to kill her if she leaves and said nobody would believe her."),
    (0.65, "assault", "Assault occasioning actual bodily harm", 0.9,
     "{c} reports screaming; {v} has a cut lip and bruising to her arms after {s} pushed her "
     "into a wall."),
    (0.85, "assault", "Assault occasioning actual bodily harm", 0.95,
     "{v} states {s} put his hands round her neck until she could not breathe. Children in the "
     "house."),
)  # fmt: skip


def plan_domestic_escalation(plan: Plan, n: int) -> None:
    """Domestic abuse in one household: intervals shrinking, categories moving towards assault."""
    rng = plan.rng
    series = plan.new_series("domestic_escalation")
    v_age = rng.randint(20, 50)
    home = plan.population.new_household()
    origin = plan.population.random_origin(rng)
    victim = plan.newcomer(sex="female", age=v_age, household=home, origin=origin)
    abuser = plan.newcomer(sex="male", age=max(18, v_age + rng.randint(-3, 8)), household=home,
                           member=1, surname=victim.surname if rng.random() < 0.7 else None,
                           origin=origin)  # fmt: skip
    child = plan.newcomer(sex=rng.choice(("female", "male")), age=rng.randint(10, 16),
                          household=home, member=2, surname=abuser.surname,
                          origin=origin)  # fmt: skip
    series.victims.append(victim.pid)
    series.suspects.append(abuser.pid)
    series.notes = "Domestic abuse escalating: gaps between incidents shrink, severity rises."
    scene_in_series = partial(
        Scene, series=series, victim=victim, suspect=abuser, relationship="partner"
    )
    # Gaps shrink geometrically; the whole run fits in 200-360 days.
    ratio = rng.uniform(0.6, 0.8)
    gaps = [ratio**k for k in range(n - 1)]
    span = rng.randint(200, 360) * DAY
    start, _ = plan.window(span / DAY)
    times, at = [start], start
    for gap in gaps:
        at += int(span * gap / sum(gaps))
        times.append(at + rng.randrange(-3 * 3600, 3 * 3600))
    times.sort()
    for i, at in enumerate(times):
        severity = i / max(1, n - 1)
        step = [s for s in _DOMESTIC_STEPS if s[0] <= severity][-1]
        _, category, offence, crime_rate, template = step
        roll = rng.random()
        caller, relationship = None, None
        if roll < 0.25:
            caller, relationship = plan.population.random_resident(rng), "neighbour"
        elif roll < 0.35:
            caller, relationship = child, "child"

        def render(
            desk: Desk, at: int, category: str = category, template: str = template,
            offence: str | None = offence, crime_rate: float = crime_rate,
            severity: float = severity, caller: Person | None = caller,
            relationship: str | None = relationship,
        ) -> str:  # fmt: skip
            scene = scene_in_series(
                category=category,
                template=template,
                suspect_address=desk.rng.random() < 0.6,
                caller=caller,
                caller_relationship=relationship,
                channel="999" if severity > 0.3 or desk.rng.random() < 0.5 else "101",
                qualifiers=("domestic",),
                offence=offence,
                crime_rate=crime_rate,
                dash_severity=0.15 + 0.8 * severity,
            )
            return write_scene(desk, at, scene)

        plan.add(at, render)


_NEIGHBOUR_STEPS = (
    ("neighbour_dispute", None, "{v} reports neighbour {s} has parked across their drive again "
     "and refused to move."),
    ("neighbour_dispute", None, "{v} says {s} has cut back the hedge on their side of the "
     "boundary without asking."),
    ("harassment", "Harassment", "{v} reports {s} has put up a CCTV camera pointing into their "
     "garden and shouts at them whenever they go out."),
    ("asb", None, "{v} complains of loud music from {s}'s house until 2am for the third night."),
    ("criminal_damage", "Criminal damage", "{v} states {s} kicked over and damaged their fence "
     "panel during an argument about the boundary."),
    ("harassment", "Harassment", "{v} says {s} has made false reports about them to the police "
     "and the council and is harassing them."),
    ("asb", None, "{v} reports {s} dumped garden waste and bins against their wall."),
)  # fmt: skip


def plan_neighbour_dispute(plan: Plan, n: int) -> None:
    """Two households next door accusing each other: each side is victim and suspect in turn."""
    rng = plan.rng
    series = plan.new_series("neighbour_dispute")
    hh_a = plan.population.new_household()
    origin_a = plan.population.random_origin(rng)
    origin_b = plan.population.random_origin(rng)
    a = plan.newcomer(sex=rng.choice(("female", "male")), age=rng.randint(30, 75), household=hh_a,
                      origin=origin_a)  # fmt: skip
    a2 = plan.newcomer(sex="female" if a.sex == "male" else "male", age=rng.randint(30, 75),
                       household=hh_a, member=1, surname=a.surname, origin=origin_a)  # fmt: skip
    number = a.number + 2 if a.number < 140 else a.number - 2
    b = plan.newcomer(sex=rng.choice(("female", "male")), age=rng.randint(25, 75),
                      street=a.street, number=number, origin=origin_b)  # fmt: skip
    b2 = plan.newcomer(sex="female" if b.sex == "male" else "male", age=rng.randint(25, 75),
                       household=int(b.pid[1:].split(".")[0]), member=1, surname=b.surname,
                       street=a.street, number=number, origin=origin_b)  # fmt: skip
    series.victims.extend([a.pid, b.pid])
    series.suspects.extend([a.pid, a2.pid, b.pid, b2.pid])
    series.notes = (
        f"Neighbour dispute, {a.street.name}: counter-allegations both ways; not stalking."
    )
    scene_in_series = partial(Scene, series=series, relationship="neighbour", crime_rate=0.3)
    sides = ["a", "b"] * 2 + [rng.choice("ab") for _ in range(max(0, n - 4))]
    rng.shuffle(sides)
    start, end = plan.window(rng.randint(150, 400))
    for at, side in zip(plan.times(start, end, n), sides[:n], strict=True):
        victim, suspect, other = (a, b, b2) if side == "a" else (b, a, a2)
        if rng.random() < 0.3:
            victim = a2 if side == "a" else b2
        if rng.random() < 0.3:
            suspect = other
        category, offence, template = rng.choice(_NEIGHBOUR_STEPS)

        def render(
            desk: Desk, at: int, victim: Person = victim, suspect: Person = suspect,
            category: str = category, offence: str | None = offence, template: str = template,
        ) -> str:  # fmt: skip
            scene = scene_in_series(
                category=category,
                template=template,
                victim=victim,
                suspect=suspect,
                suspect_address=desk.rng.random() < 0.7,
                offence=offence,
            )
            return write_scene(desk, at, scene)

        plan.add(at, render)


_PROLIFIC_STEPS = (
    ("theft", "Theft from a shop", "Store detective {v} at {work} reports {s} left without paying "
     "for meat and alcohol; known to staff."),
    ("burglary", "Burglary - residential", "{v} reports a break-in through a rear window; "
     "laptop and jewellery taken. Neighbour saw {s} in the garden."),
    ("criminal_damage", "Criminal damage", "{v} reports the window of their car smashed and a "
     "bag taken from the seat; CCTV shows {s}."),
    ("theft", "Theft from a motor vehicle", "{v} states tools were stolen from their van "
     "overnight; a doorbell camera shows {s}."),
    ("burglary", "Burglary - business", "{v}, manager at {work}, reports the till forced "
     "overnight; {s} seen on CCTV."),
)  # fmt: skip


def plan_prolific_offender(plan: Plan, n: int) -> None:
    """One offender, many unrelated victims, no course of conduct against anyone."""
    rng = plan.rng
    series = plan.new_series("prolific_offender")
    offender = plan.newcomer(sex="male" if rng.random() < 0.85 else "female",
                             age=rng.randint(18, 42))  # fmt: skip
    series.suspects.append(offender.pid)
    description = rng.choice(("male, 20s, black North Face jacket", "thin male, grey hoodie"))
    series.notes = "Prolific offender with a different, unrelated victim each time."
    scene_in_series = partial(
        Scene, series=series, suspect=offender, relationship="stranger", crime_rate=0.85
    )
    start, end = plan.window(rng.randint(150, 365))
    for at in plan.times(start, end, n):
        category, offence, template = rng.choice(_PROLIFIC_STEPS)
        work = rng.choice(WORKPLACES)

        def render(
            desk: Desk, at: int, category: str = category, offence: str = offence,
            template: str = template, work: str = work,
        ) -> str:  # fmt: skip
            rng = desk.rng
            victim = desk.population.random_resident(rng)
            series.victims.append(victim.pid)
            named = rng.random() < 0.7
            scene = scene_in_series(
                category=category,
                template=template,
                victim=victim,
                suspect_named=named,
                suspect_description=None if named else description,
                suspect_address=named and rng.random() < 0.4,
                suspect_vehicles=tuple(offender.vehicles[:1]) if rng.random() < 0.2 else (),
                at_home=category == "burglary",
                values={"work": work},
                offence=offence,
            )
            return write_scene(desk, at, scene)

        plan.add(at, render)


_REPEAT_STEPS = (
    ("theft", "Theft", "{v} reports their purse stolen at the market; suspect {s}."),
    ("burglary", "Burglary - residential", "{v}'s home broken into while at work; {s} seen "
     "nearby."),
    ("criminal_damage", "Criminal damage", "{v} reports eggs and paint thrown at the front door; "
     "{s} suspected."),
    ("fraud", "Fraud by false representation", "{v} was talked into paying £{amount} for roof "
     "repairs never done; the trader gave his name as {s}."),
    ("assault", "Assault", "{v} pushed over in the street and bag snatched by {s}."),
)  # fmt: skip


def plan_repeat_victim(plan: Plan, n: int) -> None:
    """One victim of unrelated crimes by different offenders."""
    rng = plan.rng
    series = plan.new_series("repeat_victim")
    victim = plan.newcomer(sex=rng.choice(("female", "male")), age=rng.randint(60, 90))
    series.victims.append(victim.pid)
    series.notes = "Repeat victim of unrelated crimes, each by a different offender."
    scene_in_series = partial(
        Scene, series=series, victim=victim, relationship="stranger", crime_rate=0.8
    )
    start, end = plan.window(rng.randint(200, 365))
    for i, at in enumerate(plan.times(start, end, n)):
        category, offence, template = rng.choice(_REPEAT_STEPS)

        def render(
            desk: Desk, at: int, category: str = category, offence: str = offence,
            template: str = template, i: int = i,
        ) -> str:  # fmt: skip
            rng = desk.rng
            known = rng.random() < 0.5
            offender = desk.population.random_resident(rng)
            series.suspects.append(offender.pid)
            scene = scene_in_series(
                category=category,
                template=template,
                suspect=offender,
                suspect_named=known,
                suspect_description=None if known else "unknown male",
                qualifiers=("repeat", "vulnerable") if i >= 2 else ("vulnerable",),
                values={"amount": 100 * rng.randint(2, 40)},
                offence=offence,
            )
            return write_scene(desk, at, scene)

        plan.add(at, render)

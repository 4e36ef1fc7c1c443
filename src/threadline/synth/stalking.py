"""Stalking scenarios: by an ex-partner (the case behind the project), an acquaintance, a stranger.

The ex-partner series is shaped like the serious case in ``docs/synth.md``: 30+ incidents over about
six months, contact by calls, texts, Facebook and WhatsApp, visits to home and work, following,
damage to her car, family members reporting for her, new numbers and accounts to get round blocks,
a non-molestation order part way through and exactly ``ex_partner_breaches`` reported breaches
after it. Each incident on its own looks like harassment, malicious communications or damage.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from threadline.model.base import FORCE_TIMEZONE
from threadline.synth.comms import Campaign
from threadline.synth.noise import Written
from threadline.synth.places import WORKPLACES
from threadline.synth.plan import DAY, Plan, Render
from threadline.synth.population import (
    Person,
    account_for,
    ascii_fold,
    vehicle_for,
    whatsapp_handle,
)
from threadline.synth.recorder import Desk, Series, local_time
from threadline.synth.scene import Scene, write_scene
from threadline.synth.traps import appearances

# (behaviour, category, uses, channel, template). ``uses``: phone, whatsapp, social, vehicle, -.
_EX_BEHAVIOURS: dict[str, tuple[str, str, str, str]] = {
    "texts": ("malicious_communications", "phone", "101",
              "{v} reports over {count} text messages from {s} on {ph} since they split up. "
              "She has told him to stop. The messages are abusive and say he will never let "
              "her go."),
    "calls": ("harassment", "phone", "101",
              "{v} states {s} has called her {count} times today from {ph}, including through the "
              "night, after she told him the relationship is over."),
    "whatsapp": ("harassment", "whatsapp", "101",
                 "{v} has had dozens of WhatsApp messages from {s} ({ph}), some saying he is "
                 "watching her and knows who she has been seeing."),
    "facebook": ("malicious_communications", "social", "online",
                 "{v} reports {s} messaging her on Facebook ({acct}) and commenting on her "
                 "friends' posts. She believes he is monitoring everything she does online."),
    "visit_home": ("harassment", "-", "999",
                   "{s} turned up at {v}'s home at {hour} banging on the door and shouting for her "
                   "to let him in. Left before officers arrived."),
    "visit_work": ("harassment", "-", "101",
                   "{c} reports {s} came into {work} asking for {v} and then waited outside until "
                   "her shift ended. Staff are worried for her."),
    "following": ("harassment", "vehicle", "999",
                  "{v} states {s} followed her in his car {reg} from {work} to her home and sat "
                  "outside."),
    "watching": ("harassment", "vehicle", "101",
                 "{v} has seen {s} parked in his car {reg} opposite her house watching on three "
                 "evenings this week."),
    "family_contact": ("harassment", "phone", "101",
                       "{c} (mother of {v}) reports {s} keeps phoning her from {ph} and turned up "
                       "at her house asking where {v} is living and who she is with."),
    "damage": ("criminal_damage", "-", "101",
               "{v} reports all four tyres on her car {vreg} slashed overnight outside her home. "
               "She believes it was {s}, who said she would regret leaving."),
    "threats": ("harassment", "phone", "101",
                "{v} received a message from {s} on {ph} saying if he cannot have her nobody "
                "will. She is frightened to go out."),
    "monitoring": ("malicious_communications", "social", "online",
                   "{v} believes {s} has got into her Instagram and e-mail: he knew where she had "
                   "been at the weekend. She has changed her passwords."),
    "domestic_visit": ("domestic", "-", "999",
                       "{s} came to the address to collect belongings, became aggressive and "
                       "pushed past {v} in the doorway. No injuries."),
    "new_number": ("harassment", "phone", "101",
                   "{v} blocked {s}'s number; he is now calling and texting her from a new number "
                   "{ph} to get round the block."),
    "new_account": ("malicious_communications", "social", "online",
                    "{v} reports a new Facebook account {acct} sending her messages and friend "
                    "requests; she is sure it is {s} under another name to get round the block."),
}  # fmt: skip

_BREACHES: dict[str, tuple[str, str, str]] = {
    "whatsapp": ("whatsapp", "101",
                 "{v} reports {s} has breached the non-molestation order of {order_date} by "
                 "sending WhatsApp messages from another new number {ph}."),
    "home": ("-", "999",
             "{s} at {v}'s home address in breach of the non-molestation order of {order_date}, "
             "shouting through the letterbox."),
    "work": ("-", "101",
             "{c} reports {s} waiting outside {work} for {v} in breach of the order of "
             "{order_date}."),
    "family": ("phone", "101",
               "{c} reports {s} contacted her asking her to pass messages to {v}, which breaches "
               "the non-molestation order of {order_date}."),
    "account": ("social", "online",
                "{v} reports a new account {acct} following her and sending messages; she says "
                "it is {s}, in breach of the order of {order_date}."),
    "following": ("vehicle", "999",
                  "{v} states {s} followed her round the supermarket and then in his car {reg}, "
                  "breaching the order of {order_date}."),
    "letter": ("-", "101",
               "{v} found a letter from {s} tucked under the wiper of her car {vreg}. This "
               "breaches the non-molestation order of {order_date}."),
}  # fmt: skip

_UNATTRIBUTED = (
    ("concern_for_welfare", "{c} is worried about her daughter {v}, who is too frightened to "
     "leave the house after months of contact from her ex."),
    ("criminal_damage", "{v}'s car {vreg} scratched along one side overnight. No witnesses and "
     "no suspect identified."),
    ("suspicious_circumstances", "{v} reports {count} silent calls overnight from a withheld "
     "number. She does not know who is calling."),
)  # fmt: skip

_OFFENCES = {
    "malicious_communications": ("Malicious communications", None, 0.5),
    "harassment": ("Harassment", None, 0.45),
    "criminal_damage": ("Criminal damage", None, 0.8),
    "domestic": ("Common assault (domestic)", None, 0.3),
    "breach_of_order": ("Breach of non-molestation order", None, 0.7),
}


def _with_car(person: Person, rng: random.Random) -> Person:
    """``person``, given a car if they have none: the stories follow, watch and damage cars."""
    if not person.vehicles:
        person.vehicles.append(vehicle_for(rng.getrandbits(48)))
    return person


def _victim_with_car(plan: Plan, female: float, ages: tuple[int, int]) -> Person:
    """A new stalking victim with a car: a woman with probability ``female``, aged in ``ages``."""
    rng = plan.rng
    sex = "female" if rng.random() < female else "male"
    return _with_car(plan.newcomer(sex=sex, age=rng.randint(*ages)), rng)


def _local_date(at: int) -> str:
    return datetime.fromtimestamp(at, FORCE_TIMEZONE).date().isoformat()


def plan_ex_partner(plan: Plan, n: int) -> None:
    """Plan one ex-partner stalking series of ``n`` incidents (n ≥ breaches + 5).

    When ``n`` allows, at least 15 come before the order so that every behaviour occurs.
    """
    rng, rates, noise = plan.rng, plan.config.scenarios, plan.config.noise
    breaches = rates.ex_partner_breaches
    current = plan.config.current_story and not any(
        s.kind == "ex_partner_stalking" for s in plan.series
    )
    series = plan.new_series("ex_partner_stalking")
    start, end = plan.window(rng.randint(165, 195))
    if current:  # the same draws, the window moved to end two days before the period does
        start, end = plan.t1 - 2 * DAY - (end - start), plan.t1 - 2 * DAY
    v_age = rng.randint(22, 45)
    origin = plan.population.random_origin(rng)
    victim = _with_car(plan.newcomer(sex="female", age=v_age, origin=origin), rng)
    suspect = _with_car(plan.newcomer(sex="male", age=max(18, v_age + rng.randint(-3, 7))), rng)
    family_home = plan.population.new_household()
    mother = plan.newcomer(
        sex="female", age=v_age + rng.randint(21, 32), household=family_home,
        surname=victim.surname, origin=origin,
    )  # fmt: skip
    sibling = plan.newcomer(
        sex=rng.choice(("female", "male")), age=max(16, v_age + rng.randint(-6, 6)),
        household=family_home, member=1, surname=victim.surname, origin=origin,
    )  # fmt: skip
    friend = plan.newcomer(sex="female", age=max(18, v_age + rng.randint(-4, 4)))
    colleague = plan.newcomer(sex=rng.choice(("female", "male")), age=rng.randint(25, 60))
    work = f"{rng.choice(WORKPLACES)}, {rng.choice(plan.population.streets).name}"
    # Numbers and accounts he moves through as she blocks him (three numbers, each on WhatsApp;
    # every handle ends in his own token, so nobody else has it).
    plan.phones_wanted[suspect.pid] = 3
    plan.whatsapp.add(suspect.pid)
    f, s = ascii_fold(suspect.forenames), ascii_fold(suspect.surname)
    token = plan.population.token_of(suspect.pid)
    suspect.accounts[:] = [
        account_for(f, s, 0, token),
        ("facebook", f"{f[:1]}{s}.{token}"),
        ("instagram", f"@{s}_x{token}"),
        ("snapchat", f"{f}{token}"),
    ]
    series.victims.append(victim.pid)
    series.suspects.append(suspect.pid)
    series.notes = (
        "Former partner stalking: contact by every channel, family reporting for her, new numbers "
        "and accounts after blocks, non-molestation order then reported breaches."
    )

    # At least 15 incidents before the order, so that every kind of behaviour occurs.
    post_other = max(1, min(rng.randint(3, 6), n - breaches - 15))
    pre = n - breaches - post_other
    order_at = start + int((end - start) * rng.uniform(0.42, 0.5))
    order_at -= order_at % DAY - 11 * 3600  # late morning on the day it is granted
    pre_times = plan.times(start, order_at - 3600, pre)
    post_times = plan.times(order_at + DAY, end, breaches + post_other)
    kinds = list(_EX_BEHAVIOURS)
    for special in ("new_number", "new_account", "texts"):
        kinds.remove(special)
    rng.shuffle(kinds)
    pool = ["texts", *kinds, *(rng.choice(kinds) for _ in range(max(0, pre - len(kinds))))]
    switch = max(2, pre // 2)
    base = pool[: pre - 2]
    # Blocked half way: a new number and a new account to get round the blocks.
    sequence = [*base[:switch], "new_number", "new_account", *base[switch:]]
    breach_slots = set(rng.sample(range(len(post_times)), breaches))
    order_date = _local_date(order_at)
    ctx = {
        "series": series,
        "victim": victim,
        "suspect": suspect,
        "mother": mother,
        "sibling": sibling,
        "friend": friend,
        "colleague": colleague,
        "work": work,
        "order_date": order_date,
    }

    campaign = Campaign(
        series=series, victim=victim, suspect=suspect, mother=mother, start=start, end=end,
        new_number_at=pre_times[switch], new_account_at=pre_times[switch + 1],
        order_at=order_at,
    )  # fmt: skip
    plan.campaigns.append(campaign)
    for i, (at, key) in enumerate(zip(pre_times, sequence, strict=True)):
        phase = 0 if i < switch else 1
        plan.add(at, _ex_incident(ctx, key, phase, i, breach=False, unnamed=noise.unnamed_ex))
    order_state: dict[str, Any] = {}
    campaign.order_state = order_state
    plan.add(order_at, _ex_order(ctx, order_at, order_state), incident=False)
    breach_kinds = list(_BREACHES)
    rng.shuffle(breach_kinds)
    b = 0
    for j, at in enumerate(post_times):
        if j in breach_slots:
            key = breach_kinds[b % len(breach_kinds)]
            b += 1
            if key == "whatsapp" and campaign.whatsapp_breach_at is None:
                campaign.whatsapp_breach_at = at
            render = _ex_incident(
                ctx, key, 2, pre + j, breach=True, unnamed=noise.unnamed_ex, order=order_state
            )
        else:
            render = _ex_unattributed(ctx, _UNATTRIBUTED[j % len(_UNATTRIBUTED)])
        plan.add(at, render)

    # Trap: a man with the stalker's full name in another town, born years apart.
    street = plan.population.street_in_other_town(rng, suspect.street.town)
    namesake = plan.newcomer(
        sex="male", age=max(18, v_age + rng.choice((-1, 1)) * rng.randint(4, 15)),
        forenames=suspect.forenames, surname=suspect.surname, street=street,
        number=rng.randint(1, 120),
    )  # fmt: skip
    entry = {
        "name": suspect.full_name,
        "stalker": suspect.pid,
        "namesake": namesake.pid,
        "series": series.sid,
        "incident_refs": [],
    }
    plan.traps.setdefault("stalker_namesakes", []).append(entry)
    appearances(plan, namesake, entry, rng.randint(2, 3))


#: Why an officer recorded no arrest for a breach: the advice against arrest the case turned on.
_NO_ARREST = (
    "Suspect had left before officers arrived; the duty inspector advised that arrest was not "
    "necessary. Words of advice given to him by phone and safety advice to the victim.",
    "Advised by the duty sergeant that the contact was low level and arrest not proportionate; "
    "suspect spoken to and warned about the order.",
    "Suspect not found at his home address; circulated on the briefing and the victim told to "
    "call 999 if he comes back.",
    "Contact was by message only and the victim did not want him arrested; a warning given and "
    "a referral made to the IDVA.",
)


def _arrest_outcome(series: Series, at: int) -> dict[str, Any]:
    """What the attending officer recorded about arrest for a breach at ``at``: more often than
    not, no arrest. Drawn from its own generator so that the force's other draws are unchanged."""
    rng = random.Random(f"arrest:{series.sid}:{at}")
    if rng.random() < 0.4:
        grounds = rng.choice((["c_i", "d"], ["d"], ["e"], ["c_i"]))
        return {
            "arrested": True,
            "at": local_time(at + rng.randint(1, 8) * 3600),
            "grounds": grounds,
        }
    return {"arrested": False, "rationale": rng.choice(_NO_ARREST)}


def _ex_incident(
    ctx: dict[str, Any],
    key: str,
    phase: int,
    index: int,
    *,
    breach: bool,
    unnamed: float,
    order: dict[str, Any] | None = None,
) -> Render:
    def render(desk: Desk, at: int) -> str:
        rng = desk.rng
        victim: Person = ctx["victim"]
        suspect: Person = ctx["suspect"]
        series: Series = ctx["series"]
        if breach:
            uses, channel, template = _BREACHES[key]
            category = "breach_of_order" if rng.random() < 0.8 else "harassment"
        else:
            category, uses, channel, template = _EX_BEHAVIOURS[key]
        # His number in this phase (the last one he has if the drama range ran out of numbers).
        numbers = suspect.phones
        phone = numbers[min(phase, len(numbers) - 1)] if numbers else None
        social = suspect.accounts[min(phase + (1 if phase == 2 and rng.random() < 0.5 else 0), 3)]
        phones: tuple[str, ...] = ()
        accounts: tuple[tuple[str, str], ...] = ()
        vehicles: tuple[tuple[str, str, str, str], ...] = ()
        if uses == "phone" and phone is not None:
            phones = (phone,)
        elif uses == "whatsapp" and phone is not None:
            phones, accounts = (phone,), (("whatsapp", whatsapp_handle(phone)),)
        elif uses == "social":
            accounts = (social,)
        elif uses == "vehicle":
            vehicles = tuple(suspect.vehicles[:1])
        caller, relationship = None, None
        if key in ("family_contact", "family"):
            caller, relationship = ctx["mother"] if rng.random() < 0.6 else ctx["sibling"], None
            relationship = "parent" if caller is ctx["mother"] else "sibling"
        elif key in ("visit_work", "work"):
            caller, relationship = ctx["colleague"], "colleague"
        elif rng.random() < desk.config.scenarios.third_party_report:
            caller, relationship = rng.choice(
                ((ctx["mother"], "parent"), (ctx["sibling"], "sibling"), (ctx["friend"], "friend"))
            )
        named = rng.random() >= unnamed
        qualifiers = ["domestic"] + (["repeat"] if index >= 3 and rng.random() < 0.5 else [])
        offence = _OFFENCES.get(category)
        closing = None
        if breach and rng.random() < 0.15:
            closing = "stalking"
        elif not breach and rng.random() < 0.05:
            closing = "stalking"
        scene = Scene(
            series=series,
            category=category,
            template=template,
            victim=victim,
            suspect=suspect,
            suspect_named=named,
            suspect_description=None if named else "her ex",
            relationship="former_partner",
            suspect_phones=phones,
            suspect_accounts=accounts,
            suspect_vehicles=vehicles,
            suspect_address=named and rng.random() < 0.3,
            caller=caller,
            caller_relationship=relationship,
            channel=channel,
            qualifiers=qualifiers,
            closing_category=closing,
            at_home=key not in ("visit_work", "work", "following"),
            values={
                "count": rng.choice((12, 20, 35, 40, 60, 100, 150)),
                "hour": f"{rng.randint(0, 4)}:{rng.randint(10, 59)}am",
                "work": ctx["work"],
                "vreg": victim.vehicles[0][0],
                "order_date": ctx["order_date"],
                "ph": "a new number",
                "acct": "a new account",
            },
            offence=offence[0] if offence else None,
            offence_code=offence[1] if offence else None,
            crime_rate=offence[2] if offence else 0.0,
            dash_severity=min(0.9, 0.35 + 0.02 * index),
            sdash_severity=0.75,
            arrest=_arrest_outcome(series, at) if breach else None,
        )
        if phones:
            scene.values.pop("ph")
        if accounts and uses == "social":
            scene.values.pop("acct")
        ref = write_scene(desk, at, scene)
        if breach and order is not None and "entry" in order:
            order["entry"]["breach_refs"].append(ref)
        return ref

    return render


def _ex_unattributed(ctx: dict[str, Any], shape: tuple[str, str]) -> Render:
    category, template = shape

    def render(desk: Desk, at: int) -> str:
        victim: Person = ctx["victim"]
        caller = ctx["mother"] if category == "concern_for_welfare" else None
        scene = Scene(
            series=ctx["series"],
            category=category,
            template=template,
            victim=victim,
            caller=caller,
            caller_relationship="parent" if caller else None,
            qualifiers=("domestic",),
            values={"vreg": victim.vehicles[0][0], "count": desk.rng.randint(5, 30)},
            offence="Criminal damage" if category == "criminal_damage" else None,
            crime_rate=0.5,
            sdash_severity=0.8,
        )
        return write_scene(desk, at, scene)

    return render


def _ex_order(ctx: dict[str, Any], order_at: int, state: dict[str, Any]) -> Render:
    def render(desk: Desk, at: int) -> None:
        scribe = desk.scribe
        victim: Person = ctx["victim"]
        suspect: Person = ctx["suspect"]
        respondent: Written = scribe.write(suspect, "suspect", relationship="former_partner")
        protected = [scribe.write(victim, "victim")]
        interim = desk.rng.random() < 0.5
        starts = datetime.fromtimestamp(order_at, FORCE_TIMEZONE).date()
        state["entry"] = desk.recorder.order(
            order_type="non_molestation",
            interim=interim,
            respondent=respondent,
            protected=protected,
            starts=starts.isoformat(),
            ends=(starts + timedelta(days=365)).isoformat(),
            conditions=(
                "The respondent must not use or threaten violence against the applicant, must "
                "not contact her by any means, directly or indirectly, including by telephone, "
                "text, e-mail, social media or through third parties, and must not go within "
                f"100 metres of her home on {victim.street.name} or her place of work."
            ),
            court="Family Court sitting at Stafford",
            series=ctx["series"],
            # An interim order is made without notice and served on him by hand that day; a
            # full order is made on notice at a hearing he attended. Either way it binds from
            # the day it is granted (Family Law Act 1996 s42A(2)), before the first breach.
            served=starts.isoformat() if interim else None,
            on_notice=not interim,
        )

    return render


_ACQUAINTANCE = (
    ("harassment", "-", "{v} reports {s}, {who}, loitering outside their home most evenings "
     "this week."),
    ("harassment", "-", "{v} found flowers and a card from {s} on the doorstep again after "
     "asking {s} to stop."),
    ("malicious_communications", "social", "{v} reports {s} messaging them on Instagram ({acct}) "
     "dozens of times a day and liking posts from years ago."),
    ("suspicious_circumstances", "-", "{v} says {s} turned up at the gym at the same time as "
     "them every day this week and stood watching."),
    ("harassment", "-", "{v} found a gift left on their car {vreg} with a note from {s} saying "
     "'I know your routine'."),
    ("malicious_communications", "social", "{v} believes {s} made a new account {acct} to view "
     "their stories after being blocked."),
    ("harassment", "-", "{v} reports {s} followed them home on foot from {work}."),
    ("harassment", "phone", "{v} reports {s} texting from {ph} asking why they are being "
     "ignored, more than {count} times."),
)  # fmt: skip

_STRANGER = (
    ("suspicious_circumstances", "-", "{v} reports a man ({s}) standing at the bus stop opposite "
     "their home watching the house for an hour."),
    ("suspicious_circumstances", "vehicle", "{v} has noticed the same car {reg} parked on their "
     "street on several evenings, the driver ({s}) watching the house."),
    ("harassment", "-", "{v} states they were followed from the railway station to their door by "
     "{s}."),
    ("harassment", "-", "Note left on {v}'s car {vreg}: 'you looked lovely today'. {v} thinks it "
     "is the man seen watching the house."),
    ("harassment", "vehicle", "{v} reports {s} sitting in a car {reg} outside their work again."),
)  # fmt: skip
_STRANGER_DESCRIPTIONS = (
    "white male, 40s, grey coat",
    "male, 30s, beard, dark green jacket",
    "tall male, 50s, glasses, flat cap",
)


def plan_acquaintance(plan: Plan, n: int) -> None:
    """Plan stalking by an acquaintance or colleague: loitering, gifts, online monitoring."""
    rng = plan.rng
    series = plan.new_series("acquaintance_stalking")
    start, end = plan.window(rng.randint(30, 120))
    victim = _victim_with_car(plan, female=0.75, ages=(19, 55))
    suspect = plan.newcomer(sex="male" if rng.random() < 0.8 else "female", age=rng.randint(20, 60))
    token = plan.population.token_of(suspect.pid)
    suspect.accounts.append(("instagram", f"@{ascii_fold(suspect.surname)}.{token}"))
    suspect.accounts.append(("snapchat", f"{ascii_fold(suspect.forenames)}_{token}"))
    relationship = rng.choice(("acquaintance", "colleague"))
    who = "a colleague" if relationship == "colleague" else rng.choice(
        ("someone from the gym", "a friend of a friend", "a former neighbour")
    )  # fmt: skip
    friend = plan.newcomer(sex=rng.choice(("female", "male")), age=rng.randint(19, 55))
    series.victims.append(victim.pid)
    series.suspects.append(suspect.pid)
    series.notes = f"Stalking by {who}: loitering, gifts, messages, online monitoring."
    scene_in_series = partial(
        Scene, series=series, victim=victim, suspect=suspect, relationship=relationship
    )
    work = f"{rng.choice(WORKPLACES)}, {rng.choice(plan.population.streets).name}"
    steps = [_ACQUAINTANCE[0], *rng.sample(_ACQUAINTANCE[1:], min(n - 1, len(_ACQUAINTANCE) - 1))]
    while len(steps) < n:
        steps.append(rng.choice(_ACQUAINTANCE))

    def render(desk: Desk, at: int, i: int, step: tuple[str, str, str]) -> str:
        category, uses, template = step
        rng = desk.rng
        third = rng.random() < desk.config.scenarios.third_party_report / 2
        social = suspect.accounts[-2:][rng.randrange(2)]
        scene = scene_in_series(
            category=category,
            template=template,
            suspect_phones=tuple(suspect.phones[:1]) if uses == "phone" else (),
            suspect_accounts=(social,) if uses == "social" else (),
            suspect_address=rng.random() < 0.3,
            caller=friend if third else None,
            caller_relationship="friend" if third else None,
            values={
                "who": who,
                "vreg": victim.vehicles[0][0],
                "work": work,
                "count": rng.randint(10, 80),
            },
            offence="Harassment",
            crime_rate=0.35 if i else 0.0,
            sdash_severity=0.5,
        )
        return write_scene(desk, at, scene)

    for i, (at, step) in enumerate(zip(plan.times(start, end, n), steps, strict=True)):
        plan.add(at, partial(render, i=i, step=step))


def plan_stranger(plan: Plan, n: int) -> None:
    """Plan stalking by a stranger, described at first and named once his car is traced."""
    rng = plan.rng
    series = plan.new_series("stranger_stalking")
    start, end = plan.window(rng.randint(40, 120))
    victim = _victim_with_car(plan, female=0.85, ages=(18, 45))
    suspect = _with_car(plan.newcomer(sex="male", age=rng.randint(30, 60)), rng)
    description = rng.choice(_STRANGER_DESCRIPTIONS)
    series.victims.append(victim.pid)
    series.suspects.append(suspect.pid)
    series.notes = (
        "Stranger stalking: watching, following, notes; named only once his car is traced."
    )
    scene_in_series = partial(
        Scene, series=series, victim=victim, suspect=suspect, relationship="stranger"
    )
    steps = [rng.choice(_STRANGER) for _ in range(n - 1)]
    steps.append(
        (
            "stalking",
            "vehicle",
            "Driver of {reg} traced through the registration as {s}; "
            "{v} confirms he is the man who has been watching and following them.",
        )
    )
    named_from = n - rng.randint(1, 2)

    def render(desk: Desk, at: int, i: int, step: tuple[str, str, str]) -> str:
        category, uses, template = step
        named = i >= named_from
        scene = scene_in_series(
            category=category,
            template=template,
            suspect_named=named,
            suspect_description=None if named else description,
            suspect_vehicles=tuple(suspect.vehicles[:1]) if uses == "vehicle" else (),
            suspect_address=named,
            values={"vreg": victim.vehicles[0][0]},
            at_home=True,
            offence="Stalking" if category == "stalking" else None,
            offence_code="8Q" if category == "stalking" else None,
            crime_rate=0.9,
            sdash_severity=0.6,
        )
        return write_scene(desk, at, scene)

    for i, (at, step) in enumerate(zip(plan.times(start, end, n), steps, strict=True)):
        plan.add(at, partial(render, i=i, step=step))

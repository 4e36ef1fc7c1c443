"""The declared recognition rules, in the order they are evaluated and shown.

Each entry carries its own plain-English ``reason`` and ``action`` templates; the functions only
find the facts that fill them. Recording gaps declare a ``scope`` so that a gap since filled is
cleared. Add a rule by declaring it here.
"""

from __future__ import annotations

from threadline.recognise.alerts import Rule
from threadline.recognise.context import Context
from threadline.recognise.rules.contacts import (
    find_contact_after_stop,
    find_contact_pattern,
    find_contact_while_bound,
)
from threadline.recognise.rules.gaps import (
    find_breach_no_crime,
    find_domestic_no_dash,
    find_history_not_viewed,
    find_no_crime,
    find_stalking_recorded_as_lesser,
)
from threadline.recognise.rules.orders import find_order_breaches
from threadline.recognise.rules.repeats import (
    find_repeat_locations,
    find_repeat_suspects,
    find_repeat_victims,
)
from threadline.recognise.rules.stalking import (
    find_courses_of_conduct,
    find_escalation,
    find_serious_alarm,
    find_think_stalking,
)


def _series_scope(ctx: Context) -> list[str]:
    return [series.key for series in ctx.courses]


def _incident_scope(ctx: Context) -> list[str]:
    return [incident.ref for incident in ctx.anchors]


RULES: tuple[Rule, ...] = (
    Rule(
        id="course_of_conduct",
        title="Course of conduct",
        reason=(
            "{suspect} is the suspect in {incidents} against {victim} ({refs}){via}{occasions}. "
            "Conduct on at least 2 occasions is a course of conduct (Protection from Harassment "
            "Act 1997 s7(3)).{counter}"
        ),
        action=(
            "Link these incidents and deal with them as one course of conduct, not one at a time. "
            "Consider harassment (s2) and think stalking first."
        ),
        severity="medium",
        find=find_courses_of_conduct,
    ),
    Rule(
        id="think_stalking",
        title="Think stalking",
        reason=(
            "The course of conduct by {suspect} against {victim} ({count} incidents: {refs}) shows "
            "stalking behaviours: {behaviours}. FOUR markers present: {four}."
        ),
        action=(
            "Think stalking first: complete the S-DASH stalking screening with {victim}, consider "
            "recording stalking (Home Office code 8Q) and a stalking protection order. Record 8Q "
            "as one crime for the course of conduct and reclassify the crimes already recorded "
            "for parts of it{earlier_crimes} into it, not beside it (Home Office Counting Rules: "
            "a course of conduct against one victim is one crime)."
        ),
        severity="high",
        find=find_think_stalking,
    ),
    Rule(
        id="stalking_s4a",
        title="Stalking: serious alarm or distress",
        reason=(
            "In the course of conduct by {suspect} against {victim} ({refs}), {effects}: a "
            "substantial adverse effect on {victim}'s usual day-to-day activities."
        ),
        action=(
            "Consider stalking involving serious alarm or distress which has a substantial "
            "adverse effect on the victim's usual day-to-day activities (Protection from "
            "Harassment Act 1997 s4A(1)(b)(ii)), not only s2A: record what changed in {victim}'s "
            "daily life as evidence, and review the risk (S-DASH)."
        ),
        severity="high",
        find=find_serious_alarm,
    ),
    Rule(
        id="order_breach",
        title="Breach of an order",
        reason=(
            "{ordinal} reported breach of the {order_label} {order_ref} granted on {starts} "
            "({term}): {respondent} (bound by the order) is {respondent_role} and {protected} "
            "(protected by it) is {protected_role} in {incident}. Conditions: {conditions}"
        ),
        action="{order_action}",
        severity="high",
        find=find_order_breaches,
    ),
    Rule(
        id="escalation",
        title="Escalating course of conduct",
        reason=(
            "The course of conduct by {suspect} against {victim} ({count} incidents: {refs}) is "
            "escalating: {signals}."
        ),
        action=(
            "Review the risk now: repeat THRIVE and the DASH or S-DASH for {victim}; a grade may "
            "be raised on professional judgement, never lowered."
        ),
        severity="high",
        find=find_escalation,
    ),
    Rule(
        id="contact_after_stop",
        title="Contact after being told to stop",
        reason=(
            "{suspect} contacted {victim} {count} times after being told to stop ({told}): "
            "{messages}. Each contact is one more occasion of the course of conduct (Protection "
            "from Harassment Act 1997 s7(3)), and contacting by any means is an act associated "
            "with stalking (s2A)."
        ),
        action=(
            "Count these contacts as occasions of one course of conduct against {victim}, not as "
            "background; take the messages as evidence and consider harassment or stalking "
            "(s2, s2A), think stalking first."
        ),
        severity="medium",
        find=find_contact_after_stop,
    ),
    Rule(
        id="contact_while_order_binds",
        title="Contacts while an order binds",
        reason=(
            "{respondent} contacted {protected} {count} times on days the {order_label} "
            "{order_ref} bound them: {messages}. Each is a breach occasion of the order (Family "
            "Law Act 1996 s42A)."
        ),
        action=(
            "Treat each contact as a breach of {order_ref}: a criminal offence (Family Law Act "
            "1996 s42A, up to 5 years). Record the breach, take the messages as evidence and "
            "take positive action."
        ),
        severity="high",
        find=find_contact_while_bound,
    ),
    Rule(
        id="contact_pattern",
        title="Stalking pattern in communications",
        reason=(
            "The communications from {suspect} to {victim} ({senders} numbers or accounts: "
            "{channels}) show: {markers}."
        ),
        action=(
            "Think stalking first (FOUR: fixated, obsessive, unwanted, repeated): complete the "
            "S-DASH with {victim} and review the risk now; a grade may be raised on professional "
            "judgement, never lowered."
        ),
        severity="high",
        find=find_contact_pattern,
    ),
    Rule(
        id="repeat_victim",
        title="Repeat victim",
        reason="{who} is the victim in {count} incidents in {window}: {incidents}.",
        action=(
            "Treat {who} as a repeat victim: check earlier risk assessments and whether these "
            "incidents are linked."
        ),
        severity="medium",
        find=find_repeat_victims,
    ),
    Rule(
        id="repeat_suspect",
        title="Repeat suspect",
        reason="{who} is the suspect in {count} incidents in {window}: {incidents}.",
        action="Check {who}'s history before attending and share it with the officers deployed.",
        severity="medium",
        find=find_repeat_suspects,
    ),
    Rule(
        id="repeat_location",
        title="Repeat location",
        reason="{who} is the location of {count} incidents in {window}: {incidents}.",
        action=(
            "Check who lives at or visits {who} and consider a problem-solving plan for the "
            "location."
        ),
        severity="low",
        find=find_repeat_locations,
    ),
    Rule(
        id="gap_no_crime",
        title="Course of conduct with no crime recorded",
        reason=(
            "No crime is recorded on {any_of} ({refs}) in the course of conduct by {suspect} "
            "against {victim}."
        ),
        action=(
            "A course of conduct is a crime in law: record harassment or stalking within 24 hours "
            "(National Crime Recording Standard) unless there is credible evidence to the contrary."
        ),
        severity="medium",
        find=find_no_crime,
        scope=_series_scope,
    ),
    Rule(
        id="gap_stalking_recorded_as_lesser",
        title="Stalking recorded as a lesser crime",
        reason=(
            "The course of conduct by {suspect} against {victim} shows stalking behaviours, but "
            "its crimes are recorded only as {offences} ({crime_refs}), not as stalking (8Q)."
        ),
        action=(
            "Review the crime classification: record stalking (Home Office code 8Q) where the "
            "conduct amounts to stalking, and reclassify {crime_refs} into that one crime rather "
            "than count them beside it (Home Office Counting Rules: a course of conduct against "
            "one victim is one crime)."
        ),
        severity="medium",
        find=find_stalking_recorded_as_lesser,
        scope=_series_scope,
    ),
    Rule(
        id="gap_breach_no_crime",
        title="Breach of an order with no crime recorded",
        reason="{incident} reports a breach of the {orders}, but no crime is recorded on it.",
        action=(
            "Record the breach{breach_offence}; the inspectorate recommends recording a stalking "
            "or harassment crime when a victim reports a breach of an order."
        ),
        severity="medium",
        find=find_breach_no_crime,
        scope=_incident_scope,
    ),
    Rule(
        id="gap_domestic_no_dash",
        title="Domestic incident without a DASH risk assessment",
        reason="{incident} is a domestic incident ({why}) with no DASH risk assessment.",
        action=(
            "Complete the DASH risk assessment with the victim; professional judgement may raise "
            "the grade, never lower it."
        ),
        severity="medium",
        find=find_domestic_no_dash,
        scope=_incident_scope,
    ),
    Rule(
        id="gap_history_not_viewed",
        title="Linked history never viewed",
        reason=(
            "{incident} shares people or places with {earlier} ({refs}), but its linked history "
            "was never viewed."
        ),
        action=(
            "Open the linked history of {incident}: earlier incidents, risk assessments and orders "
            "may change the response."
        ),
        severity="low",
        find=find_history_not_viewed,
        scope=_incident_scope,
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_ID"]

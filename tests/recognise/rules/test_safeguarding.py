"""DASH answers and narrative threats that are red flags in their own right (issue 23, part 3).

The DASH is graded by its count of "yes" answers, 14 or more being visible high risk, but
"professional judgement may raise the grade, never lower it" and a MARAC referral may rest on
"professional judgement" alone (``/work/shared/domain.md``, "Risk"; SafeLives referral criteria).
Question numbers are those of the 2009 police form (``risk/checklists/dash-2009.json``): Q17 "Has
the abuser ever threatened to kill you or someone else, and you believed them?", Q18 "Has the
abuser ever attempted to strangle, choke, suffocate or drown you?".
"""

from recognise_factory import assessed, feed, fired, inc

from threadline.recognise.rules.safeguarding import RED_FLAG_SETS, REFERRALS


def _safeguarding(steps):
    return {c.alert.alert_key: c for step in steps for c in fired(step, "safeguarding")}


def test_one_yes_to_threats_to_kill_calls_for_marac_whatever_the_count():
    """A DASH with 2 "yes" answers is far below the 14 of visible high risk, yet Q17 alone
    calls for a MARAC referral on professional judgement."""
    events = [inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic")]
    _, steps = feed(events, assessments=[assessed("RA-1", "I1", "2026-03-01T10:00", 17, 3)])
    (change,) = _safeguarding(steps).values()
    alert = change.alert
    assert alert.alert_key == "safeguarding:V:risk_to_life"
    assert alert.details["referral"] == "marac"
    assert "MARAC" in alert.reason and "DASH Q17" in alert.reason and "RA-1" in alert.reason
    assert "Offences Against the Person Act 1861 s16" in alert.action
    assert alert.severity == "high"


def test_each_red_flag_set_names_its_own_referral():
    events = [inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic")]
    many = assessed("RA-1", "I1", "2026-03-01T10:00", 5, 13, 17, 18, 25, 26)
    _, steps = feed(events, assessments=[many])
    alerts = {k: c.alert for k, c in _safeguarding(steps).items()}
    assert {k: a.details["referral"] for k, a in alerts.items()} == {
        "safeguarding:V:risk_to_life": "marac",
        "safeguarding:V:escalation": "idva",
        "safeguarding:V:suicide": "mental_health",
    }
    assert REFERRALS["mental_health"] in alerts["safeguarding:V:suicide"].reason
    assert "Serious Crime Act 2015 s75A" in alerts["safeguarding:V:risk_to_life"].action


def test_a_stalked_victim_is_referred_to_a_stalking_advocate_not_an_idva():
    """DASH Q8: "Does the abuser constantly text, call, contact, follow, stalk or harass you?"."""
    events = [inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic")]
    _, steps = feed(events, assessments=[assessed("RA-1", "I1", "2026-03-01T10:00", 8, 26)])
    (change,) = _safeguarding(steps).values()
    assert change.alert.details["referral"] == "stalking_advocate"
    assert "a stalking advocate" in change.alert.action


def test_answers_that_are_not_red_flags_raise_nothing():
    events = [inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic")]
    yes = (1, 2, 3, 4, 6, 7, 9, 10, 11, 15, 16, 19, 20, 21, 22, 23, 24, 27)
    _, steps = feed(events, assessments=[assessed("RA-1", "I1", "2026-03-01T10:00", *yes)])
    assert _safeguarding(steps) == {}


def test_the_alert_is_one_per_person_and_set_updated_not_repeated():
    """Random answers on many checklists must not flood the victim's picture: the second DASH
    with the same or more red flags updates the one alert of each set."""
    events = [
        inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic"),
        inc("I2", "2026-03-05", victim="V", suspect="S", category="domestic"),
        inc("I3", "2026-03-09", victim="V", suspect="S", category="domestic"),
    ]
    checklists = [
        assessed("RA-1", "I1", "2026-03-01T10:00", 17),
        assessed("RA-2", "I2", "2026-03-05T10:00", 17, 18),
    ]
    recogniser, steps = feed(events, assessments=checklists)
    kinds = [c.change for step in steps for c in fired(step, "safeguarding")]
    assert kinds == ["raised", "updated"]  # I3 adds nothing: no change at all
    alert = recogniser.alerts["safeguarding:V:risk_to_life"]
    assert alert.details["flags"] == ["dash.17", "dash.18"]
    assert alert.raised_on == "I1" and alert.cited == ("I1", "I2")


def test_a_narrative_threat_raises_the_same_set_as_the_dash_answer():
    events = [
        inc(
            "I1",
            "2026-03-01",
            victim="V",
            suspect="S",
            narrative="V says S messaged her that if he can't have her nobody will.",
        ),
        inc("I2", "2026-03-05", victim="V", suspect="S", category="domestic"),
    ]
    recogniser, steps = feed(events, assessments=[assessed("RA-2", "I2", "2026-03-05T10:00", 17)])
    keys = [c.alert.alert_key for step in steps for c in fired(step, "safeguarding")]
    assert set(keys) == {"safeguarding:V:risk_to_life"}
    alert = recogniser.alerts["safeguarding:V:risk_to_life"]
    assert alert.details["flags"] == ["narrative.possessive_threat", "dash.17"]
    assert alert.people == ("V", "S")
    assert "if he can't have her nobody will" in alert.reason


def test_a_denied_threat_is_not_a_red_flag():
    events = [
        inc(
            "I1",
            "2026-03-01",
            victim="V",
            suspect="S",
            narrative=(
                "Verbal argument. V states no threats were made; S denies threatening to kill her."
            ),
        )
    ]
    _, steps = feed(events)
    assert _safeguarding(steps) == {}


def test_an_unresolved_subject_is_the_incidents_victim():
    events = [inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic")]
    _, steps = feed(
        events, assessments=[assessed("RA-1", "I1", "2026-03-01T10:00", 5, subject=None)]
    )
    assert set(_safeguarding(steps)) == {"safeguarding:V:suicide"}


def test_an_s_dash_is_not_read_as_a_dash():
    """S-DASH question 5 is not DASH Q5: only the DASH's numbering is read."""
    events = [inc("I1", "2026-03-01", victim="V", suspect="S", category="domestic")]
    sdash = assessed("SD-1", "I1", "2026-03-01T10:00", 5, 8, sdash=True)
    _, steps = feed(events, assessments=[sdash])
    assert _safeguarding(steps) == {}


def test_every_set_is_declared_with_a_known_referral():
    assert {s.referral for s in RED_FLAG_SETS} <= set(REFERRALS)
    assert [s.id for s in RED_FLAG_SETS] == ["risk_to_life", "escalation", "suicide"]

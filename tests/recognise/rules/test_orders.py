"""Order breaches: numbered, one alert each, only while the order is in force."""

from datetime import timedelta

from recognise_factory import ever, feed, fired, inc, order

NMO = order("NMO-123", "S", "V", "2026-03-02", "2027-03-01")


def breach(ref: str, when: str, **fields):
    return inc(ref, when, victim="V", suspect="S", category="breach_of_order", **fields)


def test_breach_of_an_active_order_fires_with_the_order_and_what_to_do():
    _, steps = feed([breach("I1", "2026-03-10")], orders=[NMO])
    [alert] = [c.alert for c in fired(steps[0], "order_breach")]
    assert alert.alert_key == "order_breach:NMO-123:I1"
    assert alert.reason.startswith(
        "1st reported breach of the non-molestation order NMO-123 granted on 2026-03-02"
    )
    assert "until 2027-03-01, Exeter Family Court" in alert.reason
    assert "Not to contact the applicant directly or indirectly." in alert.reason
    assert alert.action.startswith("Active non-molestation order: breach is a criminal offence")
    assert "arrest if it is necessary under PACE s24(5)" in alert.action
    assert "arrestable" not in alert.action
    assert alert.details["criminal_offence"] is True
    assert alert.people == ("S", "V")


def test_the_seventh_breach_is_counted_as_the_seventh():
    events = [breach(f"I{i}", f"2026-03-{i + 9:02d}") for i in range(1, 8)]
    _, steps = feed(events, orders=[NMO])
    breaches = ever(steps, "order_breach")
    assert [c.change for c in breaches] == ["raised"] * 7
    assert len({c.alert.alert_key for c in breaches}) == 7
    seventh = breaches[-1].alert
    assert seventh.reason.startswith(
        "7th reported breach of the non-molestation order NMO-123 granted on 2026-03-02"
    )
    assert seventh.details["breach_number"] == 7
    assert seventh.details["earlier_breaches"] == ["I1", "I2", "I3", "I4", "I5", "I6"]
    assert "not one at a time" in seventh.action
    assert seventh.cited == ("I1", "I2", "I3", "I4", "I5", "I6", "I7")


def test_breaches_before_the_order_are_not_counted():
    events = [
        inc("I0", "2026-02-20", victim="V", suspect="S"),
        breach("I1", "2026-03-10"),
    ]
    _, steps = feed(events, orders=[NMO])
    [alert] = fired(steps[1], "order_breach")
    assert alert.alert.details["breach_number"] == 1


def test_expired_order_does_not_fire():
    expired = order("NMO-9", "S", "V", "2025-01-01", "2025-12-31")
    _, steps = feed([breach("I1", "2026-01-05")], orders=[expired])
    assert ever(steps, "order_breach") == []


def test_order_not_yet_started_does_not_fire():
    _, steps = feed([breach("I1", "2026-03-01")], orders=[NMO])
    assert ever(steps, "order_breach") == []


def test_the_day_the_order_is_granted_does_not_count_but_the_next_does():
    # the incident that leads to an order is often reported the day it is granted
    starts = NMO.starts.isoformat()
    following = (NMO.starts + timedelta(days=1)).isoformat()
    _, steps = feed([breach("I1", starts), breach("I2", following)], orders=[NMO])
    assert not fired(steps[0], "order_breach")
    assert fired(steps[1], "order_breach")


def test_last_day_of_the_order_still_counts():
    _, steps = feed([breach("I1", "2027-03-01")], orders=[NMO])
    assert fired(steps[0], "order_breach")


def test_respondent_as_victim_is_not_a_breach():
    _, steps = feed([inc("I1", "2026-03-10", victim="S", suspect="V")], orders=[NMO])
    assert ever(steps, "order_breach") == []


def test_other_people_are_not_the_orders_business():
    _, steps = feed([inc("I1", "2026-03-10", victim="X", suspect="S")], orders=[NMO])
    assert ever(steps, "order_breach") == []


def test_protected_caller_counts():
    _, steps = feed([inc("I1", "2026-03-10", caller="V", suspect="S")], orders=[NMO])
    [alert] = fired(steps[0], "order_breach")
    assert "is the caller in I1" in alert.alert.reason


def test_breach_of_order_category_with_both_present_counts_whatever_their_roles():
    event = inc("I1", "2026-03-10", victim="V", witness="S", category="breach_of_order")
    _, steps = feed([event], orders=[NMO])
    [alert] = fired(steps[0], "order_breach")
    assert "S (bound by the order) is the witness" in alert.alert.reason


def test_non_criminal_orders_say_so():
    dvpo = order(
        "DVPO-4",
        "S",
        "V",
        "2026-03-02",
        "2026-03-30",
        order_type="domestic_violence_protection",
        court=None,
    )
    _, steps = feed([breach("I1", "2026-03-10")], orders=[dvpo])
    [alert] = fired(steps[0], "order_breach")
    assert "not itself a crime" in alert.alert.action
    assert alert.alert.details["criminal_offence"] is False
    assert "(until 2026-03-30; service not recorded" in alert.alert.reason


def test_two_orders_breached_at_once_are_two_alerts():
    spo = order("SPO-7", "S", "V", "2026-01-01", order_type="stalking_protection")
    _, steps = feed([breach("I1", "2026-03-10")], orders=[NMO, spo])
    keys = {c.alert.alert_key for c in fired(steps[0], "order_breach")}
    assert keys == {"order_breach:NMO-123:I1", "order_breach:SPO-7:I1"}

"""When an order binds, which order types are offences to breach, and what the prompt says.

Each test quotes the rule it implements (``/work/shared/domain.md``, "Law and recording rules").
"""

from recognise_factory import ever, feed, fired, inc, order

from threadline.recognise.rules.orders import BREACH_OFFENCES, ORDER_ACTIONS, POSITIVE_ACTION


def breach(ref: str, when: str):
    return inc(ref, when, victim="V", suspect="S", category="breach_of_order")


def breaches(events, orders):
    _, steps = feed(events, orders=orders)
    return [c.alert for c in ever(steps, "order_breach")]


def test_an_order_made_on_notice_binds_from_when_it_is_made():
    """Family Law Act 1996 s42A(2): "one made on notice binds from when it is made, so a breach
    on the day of the hearing counts"."""
    on_notice = order("NMO-1", "S", "V", "2026-03-02", on_notice=True)
    [alert] = breaches([breach("I1", "2026-03-02")], [on_notice])
    assert alert.details["breach_number"] == 1
    assert "made on notice, binding from the day it was made" in alert.reason
    assert alert.details["binds_from"] == "2026-03-02"


def test_a_report_on_the_day_it_is_made_counts_only_when_it_says_it_is_a_breach():
    """An order binds "from when it is made" (s42A(2)): the incident that led to the order,
    reported that morning before the hearing, is not its 1st breach; a report that day which says
    it breaches the order is."""
    on_notice = order("NMO-1", "S", "V", "2026-03-02", on_notice=True)
    before = inc("I0", "2026-03-02T08:00", victim="V", suspect="S", narrative="He texted her.")
    said = "He texted her again, in breach of the order made this morning."
    after = inc("I1", "2026-03-02T17:00", victim="V", suspect="S", narrative=said)
    found = breaches([before, after], [on_notice])
    assert [a.incident_ref for a in found] == ["I1"]
    assert found[0].details["breach_number"] == 1
    next_day = inc("I2", "2026-03-03", victim="V", suspect="S", narrative="He texted her.")
    assert [a.incident_ref for a in breaches([before, next_day], [on_notice])] == ["I2"]


def test_an_order_made_without_notice_binds_only_once_served():
    """Family Law Act 1996 s42A(2): "An order made without notice binds only once the
    respondent is aware of it"."""
    served = order("NMO-2", "S", "V", "2026-03-02", on_notice=False, served="2026-03-05")
    events = [breach("I1", "2026-03-03"), breach("I2", "2026-03-05"), breach("I3", "2026-03-06")]
    found = breaches(events, [served])
    assert [a.incident_ref for a in found] == ["I2", "I3"]
    assert found[0].details["breach_number"] == 1 and found[1].details["breach_number"] == 2
    assert "served on 2026-03-05, binding from then" in found[0].reason


def test_an_order_made_without_notice_and_not_served_does_not_bind():
    unserved = order("NMO-3", "S", "V", "2026-03-02", on_notice=False)
    assert breaches([breach("I1", "2026-03-10")], [unserved]) == []


def test_an_order_whose_service_is_not_recorded_counts_from_the_next_day_and_says_so():
    unknown = order("NMO-4", "S", "V", "2026-03-02")
    found = breaches([breach("I1", "2026-03-02"), breach("I2", "2026-03-03")], [unknown])
    assert [a.incident_ref for a in found] == ["I2"]
    assert "service not recorded: check the respondent knew of the order" in found[0].reason
    assert "s42A(2)" in found[0].reason


def test_stalking_protection_orders_interim_and_full_have_their_own_breach_offence():
    """Stalking Protection Act 2019 s8: breach of a stalking protection order or an interim
    order "is an offence (max 5 years)"."""
    for interim in (True, False):
        spo = order("SPO-1", "S", "V", "2026-03-02", order_type="stalking_protection",
                    interim=interim, on_notice=True)  # fmt: skip
        [alert] = breaches([breach("I1", "2026-03-04")], [spo])
        assert alert.details["criminal_offence"] is True
        assert "Stalking Protection Act 2019 s8" in alert.action
        assert "Stalking Protection Act 2019 s8" in alert.details["breach_offence"]
        assert ("interim stalking protection order" in alert.reason) is interim


def test_a_domestic_abuse_protection_order_is_an_order_type_with_its_breach_offence():
    """Domestic Abuse Act 2021: "breach of a DAPO is an offence (max 5 years)" (s39)."""
    dapo = order("DAPO-1", "S", "V", "2026-03-02", order_type="domestic_abuse_protection",
                 on_notice=True)  # fmt: skip
    [alert] = breaches([breach("I1", "2026-03-04")], [dapo])
    assert "domestic abuse protection order DAPO-1" in alert.reason
    assert "Domestic Abuse Act 2021 s39" in alert.action
    assert alert.details["criminal_offence"] is True
    notice = order("DAPN-1", "S", "V", "2026-03-02", "2026-03-04",
                   order_type="domestic_abuse_protection_notice", on_notice=True)  # fmt: skip
    [alert] = breaches([breach("I1", "2026-03-03")], [notice])
    assert alert.details["criminal_offence"] is False and "not itself a crime" in alert.action


def test_the_arrest_prompt_is_the_s24_5_necessity_test_and_positive_action():
    """PACE s24 as replaced by SOCPA 2005 s110: "an arrest without warrant needs the s24(5)
    necessity test"; College of Policing APP: "positive action and a recorded rationale when
    there is no arrest"."""
    for order_type, words in ORDER_ACTIONS.items():
        assert "arrestable" not in words, order_type
        nmo = order("O-1", "S", "V", "2026-03-02", order_type=order_type, on_notice=True)
        [alert] = breaches([breach("I1", "2026-03-03")], [nmo])
        assert alert.action.endswith(POSITIVE_ACTION)
    assert "PACE s24(5)" in POSITIVE_ACTION and "record the rationale" in POSITIVE_ACTION


def test_breach_of_pre_charge_bail_cites_pace_s46a_1a():
    """ "Breach of pre-charge bail conditions: PACE s46A(1A)"."""
    bail = order("BAIL-1", "S", "V", "2026-03-02", order_type="bail_conditions", on_notice=True)
    _, steps = feed([breach("I1", "2026-03-03")], orders=[bail])
    [alert] = [c.alert for c in fired(steps[0], "order_breach")]
    assert "PACE s46A(1A)" in alert.action
    assert "bail_conditions" not in BREACH_OFFENCES  # not itself an offence


def test_every_order_type_has_its_words_and_its_prompt():
    from threadline.model import OrderType
    from threadline.recognise.history import ORDER_LABELS

    for order_type in OrderType:
        assert order_type.value in ORDER_ACTIONS and order_type.value in ORDER_LABELS

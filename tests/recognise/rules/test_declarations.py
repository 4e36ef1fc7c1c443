"""The declared rule list documents itself, and every template is filled in practice."""

import string

from recognise_factory import contact, crime, feed, inc, order

from threadline.recognise import RULES, RULES_BY_ID, Association


def test_every_rule_has_an_id_a_title_a_reason_and_an_action():
    for rule in RULES:
        assert rule.id and rule.id.isidentifier(), rule
        assert rule.title.strip(), rule.id
        assert len(rule.reason.split()) >= 5, rule.id
        assert rule.action.strip(), rule.id
        assert rule.severity in {"low", "medium", "high"}
        assert rule.template_fields(), f"{rule.id}: a reason with no facts explains nothing"


def test_rule_ids_are_unique():
    assert len(RULES_BY_ID) == len(RULES)


def test_the_brief_rules_are_all_declared():
    assert set(RULES_BY_ID) == {
        "course_of_conduct",
        "think_stalking",
        "stalking_s4a",
        "order_breach",
        "escalation",
        "repeat_victim",
        "repeat_location",
        "repeat_suspect",
        "gap_no_crime",
        "gap_stalking_recorded_as_lesser",
        "gap_breach_no_crime",
        "gap_domestic_no_dash",
        "gap_history_not_viewed",
        "contact_after_stop",
        "contact_while_order_binds",
        "contact_pattern",
    }


def test_every_rule_fires_on_a_full_case_with_its_templates_filled():
    events = [
        inc(
            "I1",
            "2026-03-03",
            victim="V",
            suspect="S",
            category="domestic",
            relationship="former_partner",
            narrative="He keeps texting after she told him to stop.",
            crimes=["C1"],
            location="L1",
        ),
        crime("C1", "2026-03-04", "Harassment", incidents=["I1"]),
        inc(
            "I2",
            "2026-03-20",
            victim="V",
            suspect="S",
            narrative="He followed her home.",
            location="L1",
        ),
        inc(
            "I3",
            "2026-04-05",
            victim="V",
            suspect="S",
            narrative="Turned up at her work. She is too frightened to leave the house now.",
            location="L1",
        ),
        inc(
            "I4",
            "2026-04-08",
            victim="M",
            suspect="S",
            category="breach_of_order",
            narrative="He contacted her mum.",
            location="L1",
        ),
        inc(
            "I5",
            "2026-04-09",
            victim="V",
            suspect="S",
            category="assault",
            location="L1",
            qualifiers=["domestic"],
            viewed=False,
        ),
    ]
    events += [
        inc("J1", "2026-05-01", victim="W", suspect="T", category="asb"),
        inc("J2", "2026-05-02", victim="W", suspect="T", category="asb"),
    ]
    nmo = order("NMO-1", "S", "V", "2026-03-10")
    texts = contact(
        "S", "V", 400, "2026-03-01", "2026-04-09", after_stop=350, told="2026-03-02T20:00",
        while_bound={"NMO-1": 120}, night=40, bursts=[("2026-03-05T00:30", "2026-03-05T01:20", 55)],
    )  # fmt: skip
    _, steps = feed(
        events, orders=[nmo], associations=[Association("V", "M", "family")], contacts=[texts]
    )
    seen = {c.alert.rule_id for step in steps for c in step}
    assert seen == set(RULES_BY_ID)
    for step in steps:
        for change in step:
            assert "{" not in change.alert.reason and "{" not in change.alert.action
            assert change.alert.cited, change.alert.rule_id


def test_templates_are_valid_format_strings():
    for rule in RULES:
        for template in (rule.reason, rule.action):
            list(string.Formatter().parse(template))

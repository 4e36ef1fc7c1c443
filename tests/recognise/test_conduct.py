from recognise_factory import inc

from threadline.recognise import Association
from threadline.recognise.conduct import associates, build_series, links_of


def links(event, *ties):
    return {(k.suspect, k.victim, k.kind) for k in links_of(event, associates(ties))}


def test_suspect_and_victim_make_a_direct_link():
    assert links(inc("I1", "2026-01-03", victim="V", suspect="S", witness="W")) == {
        ("S", "V", "direct")
    }


def test_witness_and_third_party_without_relationship_make_no_link():
    event = inc("I1", "2026-01-03", victim="V", suspect="S", witness="W", third_party="T")
    assert ("S", "W", "direct") not in links(event)
    assert all(victim == "V" for _, victim, _ in links(event))


def test_family_named_in_an_incident_against_someone_else_links_to_them():
    # S messaged X; V (X's sister) is named as a third party.
    event = inc(
        "I1", "2026-01-03", victim="X", suspect="S", third_party="V", related={"V": "sibling"}
    )
    assert ("S", "V", "relationship") in links(event)


def test_association_links_contact_with_family():
    event = inc("I1", "2026-01-03", victim="M", suspect="S")
    assert ("S", "V", "association") in links(event, Association("V", "M", "family"))
    assert ("S", "V", "association") not in links(event, Association("V", "M", "neighbour"))


def test_crimes_make_no_links():
    from recognise_factory import crime

    assert links(crime("C1", "2026-01-03", "Harassment", victim="V", suspect="S")) == set()


def series_of(suspect, victim, events, *ties):
    index = associates(ties)
    return build_series(suspect, victim, events, {e.ref: links_of(e, index) for e in events})


def test_series_needs_a_direct_incident():
    events = [
        inc("I1", "2026-01-03", victim="M", suspect="S"),
        inc("I2", "2026-01-05", victim="B", suspect="S"),
    ]
    ties = (Association("V", "M", "family"), Association("V", "B", "family"))
    assert series_of("S", "V", events, *ties) is None


def test_series_is_in_time_order_and_records_counter_allegations():
    events = [
        inc("I2", "2026-01-09", victim="V", suspect="S", relationship="former_partner"),
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I3", "2026-01-04", victim="S", suspect="V"),
    ]
    series = series_of("S", "V", events)
    assert series.refs == ("I1", "I2")
    assert series.counter_refs == ("I3",)
    assert series.relationship == "former_partner"
    assert series.key == "S->V"

from datetime import UTC, date, datetime

import pytest
from recognise_factory import at, hist, inc, order

from threadline.recognise import Association, Event, Party


def test_unknown_role_is_an_error():
    with pytest.raises(ValueError, match="unknown role 'offender'"):
        Party("S", "offender")


def test_unknown_relationship_is_an_error():
    with pytest.raises(ValueError, match="relationship_to_victim"):
        Party("S", "suspect", "ex")


def test_naive_time_is_an_error():
    with pytest.raises(ValueError, match="time zone"):
        Event(ref="I1", kind="incident", reported_at=datetime(2026, 1, 3, 12, 0))


def test_unknown_category_is_an_error():
    with pytest.raises(ValueError, match="category"):
        Event(ref="I1", kind="incident", reported_at=at("2026-01-03"), category="stalkin")


def test_day_is_the_force_local_day():
    # 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
    event = Event(ref="I1", kind="incident", reported_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert event.day == date(2026, 7, 1)


def test_victims_fall_back_to_the_caller():
    assert inc("I1", "2026-01-03", caller="C", suspect="S").victims == ("C",)
    assert inc("I2", "2026-01-03", caller="C", victim="V", suspect="S").victims == ("V",)


def test_collections_are_frozen():
    event = Event(ref="I1", kind="incident", reported_at=at("2026-01-03"), qualifiers=["domestic"])
    assert event.qualifiers == frozenset({"domestic"})
    assert event.is_domestic


def test_order_is_active_from_start_to_end_inclusive():
    nmo = order("NMO-1", "S", "V", "2026-03-02", "2026-09-01")
    assert not nmo.active_on(date(2026, 3, 1))
    assert nmo.active_on(date(2026, 3, 2))
    assert nmo.active_on(date(2026, 9, 1))
    assert not nmo.active_on(date(2026, 9, 2))
    assert order("SPO-1", "S", "V", "2026-03-02").active_on(date(2036, 1, 1))


def test_order_ending_before_it_starts_is_an_error():
    with pytest.raises(ValueError, match="ends before it starts"):
        order("NMO-1", "S", "V", "2026-03-02", "2026-03-01")


def test_order_label_says_interim():
    assert order("NMO-1", "S", "V", "2026-03-02", interim=True).label == (
        "interim non-molestation order"
    )


def test_association_other_end():
    tie = Association("V", "M", " Family ")
    assert tie.kind == "family"
    assert tie.other("V") == "M" and tie.other("M") == "V" and tie.other("X") is None


def test_with_event_replaces_the_same_ref():
    first = inc("I1", "2026-01-03", victim="V", suspect="S")
    amended = inc("I1", "2026-01-03", victim="V", suspect="S", closing="stalking")
    history = hist(first).with_event(amended)
    assert history.events == (amended,)

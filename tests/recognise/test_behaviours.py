import pytest
from recognise_factory import inc

from threadline.recognise import BEHAVIOURS, find_behaviours
from threadline.recognise.behaviours import is_negated, narrative_signs


def found(narrative: str) -> set[str]:
    return {s.behaviour for s in narrative_signs("I1", narrative)}


@pytest.mark.parametrize(
    ("narrative", "behaviour"),
    [
        ("He followed her home from the bus stop.", "following"),
        ("Caller says he has been watching her house every night.", "watching"),
        ("Male seen loitering by the flats again.", "loitering"),
        ("He was sat outside her work in his car.", "loitering"),
        ("He turned up at her work at 9am.", "turning_up"),
        ("She has told him to stop but he kept texting.", "unwanted_contact"),
        ("Received hundreds of messages over the weekend.", "unwanted_contact"),
        ("He is now messaging from a new number after she blocked him.", "new_accounts"),
        ("He contacted her mum asking where she lives now.", "third_party_contact"),
        (
            "Victim found her tyres slashed; he slashed her tyres before.",
            "interfering_with_property",
        ),
        ("She found an AirTag in her handbag.", "monitoring_online"),
        ("He logged into her Instagram and read her messages.", "monitoring_online"),
        ("He left flowers on the doorstep with a card.", "unwanted_gifts"),
        ("Note left on Amanda Smith's car: 'you looked lovely today'.", "unwanted_gifts"),
        ("The driver, male, 30s, was watching the house.", "watching"),
        ("Male sitting in a car FT73 FYX outside their work again.", "loitering"),
        ("The same car FT73 FYX parked on their street on several evenings.", "loitering"),
        ("He posted intimate photos of her online.", "publishing"),
    ],
)
def test_behaviour_found_in_narrative(narrative, behaviour):
    assert behaviour in found(narrative)


@pytest.mark.parametrize(
    "narrative",
    [
        "Officers attended the following day.",
        "Caller was watching TV when the window broke.",
        "PC followed up with the caller by phone.",
        "Dispute over parking outside the shop.",
        "Neighbour has parked across their drive again and refused to move.",
        "Her car was parked outside the house when officers arrived.",
        "Loud music from the neighbouring flat.",
    ],
)
def test_ordinary_words_are_not_behaviours(narrative):
    assert found(narrative) == set()


def test_negated_mention_is_ignored():
    assert "following" not in found("There was no sign of anyone following her.")
    assert "turning_up" not in found("He has not turned up at her work since the order.")


def test_negation_does_not_cross_a_clause():
    assert "following" in found("He did not call, but he followed her to the shop.")


def test_wont_stop_is_not_a_negation():
    assert "following" in found("He won't stop following her.")
    assert not is_negated("He won't stop following her.", len("He won't stop "))


def test_categories_show_behaviours_but_harassment_does_not():
    damage = inc("I1", "2026-01-03", victim="V", suspect="S", category="criminal_damage")
    assert {s.behaviour for s in find_behaviours(damage)} == {"interfering_with_property"}
    assert find_behaviours(damage)[0].source == "category"
    harassment = inc("I2", "2026-01-03", victim="V", suspect="S", category="harassment")
    assert find_behaviours(harassment) == []
    stalking = inc("I3", "2026-01-03", victim="V", suspect="S", closing="stalking")
    assert {s.behaviour for s in find_behaviours(stalking)} == {"reported_stalking"}


def test_narrative_evidence_is_kept_and_described():
    sign = narrative_signs("I7", "He  followed   her home.")[0]
    assert sign.evidence == "followed her"
    assert sign.describe() == 'following (I7: "followed her")'


def test_every_behaviour_has_a_label_and_a_way_to_be_shown():
    ids = [b.id for b in BEHAVIOURS]
    assert len(ids) == len(set(ids))
    for behaviour in BEHAVIOURS:
        assert behaviour.label
        assert behaviour.rules or behaviour.categories

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


# Wording of the kind a victim or call handler uses, none of it phrased as synth/ writes it
# (issue 21 part 5). Each behaviour in several persons, tenses and shorthands.
@pytest.mark.parametrize(
    ("narrative", "behaviour"),
    [
        ("keeps turning up wherever she goes", "turning_up"),
        ("was parked across the road again", "loitering"),
        ("messages her through her sister's account", "third_party_contact"),
        ("messages her through her sister's account", "new_accounts"),
        ("He tails me on his moped when I leave the office.", "following"),
        ("IP was followed from the tram stop to her front door.", "following"),
        (
            "susp walkin behind vic all the way from the shops, crossed when she crossed",
            "following",
        ),
        ("I caught him peering in through my kitchen window at midnight.", "watching"),
        ("He has been taking pictures of my house from his car.", "watching"),
        ("Male lurking by the bins at the back of her block.", "loitering"),
        ("He waits outside the leisure centre every Tuesday until I finish.", "loitering"),
        ("Ex showed up at my sister's wedding uninvited.", "turning_up"),
        (
            "V reports susp attended her home address at 02:00 and knocked on her window.",
            "turning_up",
        ),
        ("I've had 45 missed calls from him today.", "unwanted_contact"),
        ("He keeps WhatsApping me even though I have begged him to stop.", "unwanted_contact"),
        ("She blocked him, so he made a new Snapchat to message her.", "new_accounts"),
        ("Calls now come from a withheld number every night.", "new_accounts"),
        ("He rang my boss pretending to be my brother.", "third_party_contact"),
        (
            "Her ex went round to her best friend's flat asking who she was seeing.",
            "third_party_contact",
        ),
        ("Someone let her tyres down again outside work.", "interfering_with_property"),
        ("He scratched the paintwork on my car with a key.", "interfering_with_property"),
        ("Mechanic found a tracking device taped under her bumper.", "monitoring_online"),
        ("He logged into my Gmail and deleted messages.", "monitoring_online"),
        ("He always seems to know where I am.", "monitoring_online"),
        ("A single red rose was left on her car windscreen again.", "unwanted_gifts"),
        ("He keeps leaving cards and little presents on my doorstep.", "unwanted_gifts"),
        ("He uploaded a video of her to YouTube with her name in the title.", "publishing"),
        ("He spread lies about her on the school parents' Facebook group.", "publishing"),
    ],
)
def test_other_wordings_of_each_behaviour_are_recognised(narrative, behaviour):
    assert behaviour in found(narrative)


@pytest.mark.parametrize(
    ("narrative", "behaviour"),
    [
        ("He did not follow her home; he drove the other way.", "following"),
        ("I didn't see him watching the house tonight.", "watching"),
        ("He has not been hanging around outside her flat since the order.", "loitering"),
        ("He never turned up at her work.", "turning_up"),
        (
            "She confirms he hasn't contacted her since Friday despite the order.",
            "unwanted_contact",
        ),
        ("There was no tracker on the car when the garage checked.", "monitoring_online"),
        ("V denies that he has been sending her flowers.", "unwanted_gifts"),
        ("Nobody has posted her address online.", "publishing"),
        ("He didnt slash her tyres, they were worn.", "interfering_with_property"),
        ("He wasnt loitering outside my house, he was waiting for a taxi.", "loitering"),
    ],
)
def test_negated_wordings_are_not_recognised(narrative, behaviour):
    assert behaviour not in found(narrative)


@pytest.mark.parametrize(
    "narrative",
    [
        "She rang her sister to ask her to collect the kids.",
        "The school contacted her mum because she was unwell.",
        "Officer followed up with the victim at her home address.",
        "Delivery driver left a parcel behind the bins as requested.",
        "She posted a photo of her new car on Instagram.",
        "Her car tyres were damaged by a pothole on the bypass.",
        "Flowers were delivered to the wrong address; florist traced.",
        "She got a new phone number after losing her phone.",
        "Her ex-husband called about the children's contact arrangements.",
    ],
)
def test_the_same_words_in_another_sense_are_not_behaviours(narrative):
    assert found(narrative) == set()


def test_the_nlp_object_is_built_once_per_process():
    from threadline.recognise.behaviours import lexicon

    assert lexicon() is lexicon()
    assert lexicon().nlp is lexicon().nlp

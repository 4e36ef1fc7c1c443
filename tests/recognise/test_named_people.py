from threadline.recognise.named_people import KnownPerson, people_named

KNOWN = [
    KnownPerson("E-MARK", "Mark", "Evans"),
    KnownPerson("E-JANE", "Jane", "Evans"),
    KnownPerson("E-GARETH", "Gareth John", "Hughes"),
    KnownPerson("E-SARAH", "Sarah", "Jones"),
]


def test_a_suspect_named_only_in_the_words_becomes_a_mention_with_his_role_and_words():
    (named,) = people_named("Mark was there again when she came out of work.", KNOWN)
    assert named.entity == "E-MARK"
    assert named.role == "suspect"
    assert named.name == "Mark"
    assert named.words == "Mark was there again when she came out of work."
    assert named.behaviours == ("turning_up",)


def test_a_nickname_names_the_known_person_and_the_behaviours_are_the_nearest_names():
    text = "Sarah states Gaz followed her home, then he rang her sister Jane."
    named = people_named(text, KNOWN, exclude={"E-SARAH"})
    assert [(n.entity, n.role) for n in named] == [
        ("E-GARETH", "suspect"),
        ("E-JANE", "third_party"),
    ]
    assert named[0].behaviours == ("following", "third_party_contact")


def test_a_title_and_surname_name_a_person_when_the_surname_is_unique():
    (named,) = people_named("Mr Hughes was parked across the road.", KNOWN)
    assert (named.entity, named.role) == ("E-GARETH", "suspect")
    # two known Evanses: "Mrs Evans" cannot say which
    assert people_named("Mrs Evans was parked across the road.", KNOWN) == []


def test_a_forename_two_known_people_answer_to_names_neither_unless_the_surname_says():
    known = [*KNOWN, KnownPerson("E-MARK2", "Mark", "Price")]
    assert people_named("Mark followed her to the bus stop.", known) == []
    (named,) = people_named("Mark Price followed her to the bus stop.", known)
    assert named.entity == "E-MARK2"


def test_unknown_names_people_already_in_the_incident_and_ordinary_words_are_not_mentions():
    assert people_named("Dave followed her home.", KNOWN) == []
    assert people_named("Mark followed her home.", KNOWN, exclude={"E-MARK"}) == []
    assert people_named("He left a mark on her car. She was in Wales.", KNOWN) == []
    assert people_named("", KNOWN) == []
    assert people_named("Mark followed her home.", []) == []


def test_each_person_is_named_once_at_the_first_naming():
    text = "Jane called police. Later Mark sat outside her house and Mark followed her."
    named = people_named(text, KNOWN)
    assert [(n.entity, n.role) for n in named] == [("E-JANE", "third_party"), ("E-MARK", "suspect")]
    assert named[1].words == "Later Mark sat outside her house and Mark followed her."


def test_a_suspect_named_only_in_the_words_joins_the_course_of_conduct_on_this_report():
    from recognise_factory import hist, inc

    from threadline.recognise import recognise
    from threadline.recognise.named_people import with_named_suspects

    earlier = [
        inc("I1", "2026-01-03", victim="V", suspect="S", narrative="He followed her home."),
        inc("I2", "2026-01-10", victim="V", suspect="S", narrative="He sat outside her flat."),
    ]
    # the third report lists only the victim; the caller names him in the words
    third = inc("I3", "2026-01-17", victim="V", narrative="Mark was there again outside her work.")
    history = hist(*earlier, labels={"S": "Mark Evans", "V": "Sian Price"})
    event, named = with_named_suspects(third, history)
    assert [(n.entity, n.role, n.words) for n in named] == [
        ("S", "suspect", "Mark was there again outside her work.")
    ]
    assert event.suspects == ("S",)
    assert [c.alert.rule_id for c in recognise(third, history)].count("course_of_conduct") == 0
    assert any(c.alert.rule_id == "course_of_conduct" for c in recognise(event, history))


def test_only_people_linked_to_the_victim_with_a_known_name_are_looked_for():
    from recognise_factory import hist, inc

    from threadline.recognise.named_people import known_around, with_named_suspects

    other = inc("I1", "2026-01-03", victim="W", suspect="T", narrative="")
    mine = inc("I2", "2026-01-05", victim="V", suspect="S", narrative="")
    history = hist(other, mine, labels={"S": "Mark Evans", "T": "Dave Jones", "U": "Prince"})
    third = inc(
        "I3", "2026-01-17", victim="V", narrative="Dave followed her. Mark was there again."
    )
    assert [p.entity for p in known_around(third, history)] == ["S"]
    event, named = with_named_suspects(third, history)
    assert [n.entity for n in named] == ["S"]
    # a victim with no earlier incidents: nobody is known, nothing is added
    alone = inc("I4", "2026-01-17", victim="X", narrative="Mark was there again.")
    assert with_named_suspects(alone, history) == (alone, [])

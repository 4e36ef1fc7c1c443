"""Attributing senders (issue 25, part 2) on shapes the synthetic force does not write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from threadline.recognise.attribution import (
    Clue,
    Holder,
    Message,
    Report,
    Suspect,
    attribute,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HIS = "I will always find you wherever you go now"
ALSO_HIS = "You belong with me and everyone knows it"


def msg(sender: str | None, text: str = "hi", minutes: int = 0, **kw: object) -> Message:
    values: dict[str, object] = {
        "at": T0 + timedelta(minutes=minutes),
        "channel": "sms",
        "kind": "message",
        "sender": sender,
        "direction": "incoming",
        "text": text,
        "thread": None,
        "file": "log.csv",
        "line": minutes + 2,
    }
    values.update(kw)
    return Message(**values)  # type: ignore[arg-type]


SUSPECT = Suspect("E1", frozenset({"dan mercer"}), "incident:cad:I1:p1")


def decided(messages: list[Message], holders=None, reports=()):  # type: ignore[no-untyped-def]
    return {a.sender: a for a in attribute(messages, holders or {}, [SUSPECT], list(reports))}


def test_a_number_on_his_record_is_his() -> None:
    holders = {"+447700900111": [Holder("+447700900111", "E1", "incident:cad:I1:p1", "I1")]}
    a = decided([msg("07700 900111")], holders)["07700 900111"]
    assert (a.status, a.entity_id) == ("attributed", "E1")
    assert a.clues == [Clue("on_record", "E1", "+447700900111", ("I1",))]


def test_a_number_two_people_hold_is_hers_suspects_or_for_review() -> None:
    holders = {
        "+447700900111": [
            Holder("+447700900111", "E1", "m1", "I1"),
            Holder("+447700900111", "E2", "m2", "I2"),
        ]
    }
    # one of the two is her suspect: his
    a = decided([msg("07700 900111")], holders)["07700 900111"]
    assert (a.status, a.entity_id) == ("attributed", "E1")
    # both are her suspects: a person decides
    other = Suspect("E2", frozenset({"lee carver"}), "m2")
    both = attribute([msg("07700 900111")], holders, [SUSPECT, other], [])
    assert both[0].status == "review" and set(both[0].candidates) == {"E1", "E2"}


def test_her_report_naming_the_number_joins_it_to_its_one_suspect() -> None:
    report = Report(
        "I9", T0, "He has been ringing her off +44 (0)7700 900222 since Friday.", ("E1",)
    )
    a = decided([msg("+447700900222")], reports=[report])["+447700900222"]
    assert (a.status, a.entity_id) == ("attributed", "E1")
    assert a.clues[0].basis == "named_in_report" and a.clues[0].refs == ("I9",)


def test_a_report_with_two_suspects_names_nobody() -> None:
    report = Report("I9", T0, "Texts from 07700 900222.", ("E1", "E2"))
    a = decided([msg("07700 900222")], reports=[report])["07700 900222"]
    assert a.status == "unattributed"


def test_his_sentences_give_a_new_number_away_and_one_sentence_is_for_review() -> None:
    holders = {"+447700900111": [Holder("+447700900111", "E1", "m1", "I1")]}
    messages = [
        msg("07700 900111", f"{HIS}. {ALSO_HIS}!"),
        msg("07700 900333", f"ok. {HIS}\n{ALSO_HIS}", minutes=5),
        msg("07700 900444", f"{HIS}", minutes=9),
        msg("07700 900555", "Your parcel arrives today between 9 and 5", minutes=11),
    ]
    got = decided(messages, holders)
    assert (got["07700 900333"].status, got["07700 900333"].entity_id) == ("attributed", "E1")
    assert got["07700 900333"].clues[0].count == 2
    assert got["07700 900444"].status == "review"
    assert got["07700 900555"].status == "unattributed"


def test_her_own_sentences_are_not_his() -> None:
    holders = {"+447700900111": [Holder("+447700900111", "E1", "m1", "I1")]}
    mine = "Please do not ever send me anything again ok"
    messages = [
        msg("07700 900111", f"{mine}. {HIS}"),
        msg("Amy", f"{mine}.", direction="outgoing"),
        msg("07700 900333", f"{mine}. {HIS}", minutes=3),
    ]
    assert decided(messages, holders)["07700 900333"].status == "review"


def test_her_export_naming_him_and_withheld_callers() -> None:
    messages = [
        msg("Dan Mercer", channel="whatsapp", file="WhatsApp Chat with Dan Mercer.txt"),
        msg("Private number", kind="withheld_call", channel="call", text=None),
        msg(None, kind="withheld_call", channel="call", text=None),
    ]
    got = decided(messages)
    assert (got["Dan Mercer"].status, got["Dan Mercer"].entity_id) == ("attributed", "E1")
    assert got["Private number"].status == "withheld"


def test_reasons_are_words_made_from_data_and_withhold_the_number() -> None:
    clue = Clue("named_in_report", "E1", "+447700900222", ("I9",))
    assert Clue.from_json(clue.to_json()) == clue
    assert "+447700900222" in clue.sentence()
    assert "+447700900222" not in clue.sentence(withhold=True)

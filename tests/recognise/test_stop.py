"""Being told to stop, in wording the synthetic force does not write.

../shared/domain.md: "Occasions, not reports (PHA 1997 s7(3)): one report can disclose conduct on
two or more occasions ('a dozen texts after she told him to stop')"; s2A lists "contacting or
attempting to contact by any means" among the acts associated with stalking.
"""

from __future__ import annotations

import pytest

from threadline.recognise.stop import asks_to_stop, reports_told_to_stop


@pytest.mark.parametrize(
    "text",
    [
        "I've asked you a hundred times, quit ringing me",
        "STOP",
        "just stop it!!",
        "pack in calling me will you",
        "don't ever text me again",
        "Never come near me again",
        "I want nothing to do with you",
        "lose my number",
        "No more contact. I mean it.",
        "please stop bothering me\nI'm tired",
    ],
)
def test_a_victim_asking_to_stop(text: str) -> None:
    assert asks_to_stop(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can't stop thinking about you",
        "please don't stop",
        "stop at the shop for milk?",
        "The bus didn't stop",
        "call me when you're home",
        "Don't forget to call mum",
        "I've blocked you.",
        "",
        None,
    ],
)
def test_not_an_ask_to_stop(text: str | None) -> None:
    assert not asks_to_stop(text)


@pytest.mark.parametrize(
    "narrative",
    [
        "She asked him repeatedly not to contact her.",
        "Victim has told Dan to leave her alone but the calls continue.",
        "She made it clear to him she does not want any contact.",
        "IP states she told the suspect to stop weeks ago.",
    ],
)
def test_a_report_that_she_told_him_to_stop(narrative: str) -> None:
    assert reports_told_to_stop(narrative)


@pytest.mark.parametrize(
    "narrative",
    [
        "She has not told him to stop.",
        "He told her he would not stop.",
        "Neighbour reports a car parked across the drive.",
    ],
)
def test_a_report_that_does_not_say_so(narrative: str) -> None:
    assert not reports_told_to_stop(narrative)

"""Text folding to lower-case ASCII."""

from __future__ import annotations

import pytest

from threadline.normalise.text import fold_text


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Siân", "sian"),
        ("ÉLODIE", "elodie"),
        ("Straße", "strasse"),
        ("Ødegård", "odegard"),
        ("Łódź", "lodz"),
        ("Œuvre", "oeuvre"),
        ("O\u2019Neil", "o'neil"),
        ("Smith\u2014Jones", "smith-jones"),
        ("ﬁnch", "finch"),  # ligature, by NFKD
        ("Jane 🙂", "jane "),
    ],
)
def test_fold_text(written: str, expected: str) -> None:
    assert fold_text(written) == expected


def test_ascii_text_folds_as_any_text_does() -> None:
    """ASCII takes a shorter path; each character must come out as by the general one."""
    for code in range(128):
        char = chr(code)
        # a non-ASCII letter beside it sends the same character down the general path
        assert fold_text(f"A{char}z") == fold_text(f"A{char}z\u00e9")[:-1], repr(char)
    assert fold_text("O`Neil") == "o'neil"

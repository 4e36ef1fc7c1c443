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

import pytest

from threadline.recognise.wording import listing, ordinal, plural


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (7, "7th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (111, "111th"),
        (123, "123rd"),
    ],
)
def test_ordinal(number, text):
    assert ordinal(number) == text


def test_listing_reads_as_english():
    assert listing([]) == "none"
    assert listing(["I1"]) == "I1"
    assert listing(["I1", "I2"]) == "I1 and I2"
    assert listing(["I1", "I2", "I3"]) == "I1, I2 and I3"


def test_plural():
    assert plural(1, "incident") == "1 incident"
    assert plural(2, "incident") == "2 incidents"

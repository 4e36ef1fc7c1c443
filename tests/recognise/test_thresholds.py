import pytest

from threadline.model import Category
from threadline.recognise import CATEGORY_SEVERITY, Thresholds


def test_every_category_has_a_severity():
    assert set(CATEGORY_SEVERITY) == {c.value for c in Category}


def test_severity_is_the_worst_category():
    assert Thresholds().severity(frozenset({"harassment", "stalking"})) == 4


@pytest.mark.parametrize(
    "bad",
    [
        {"course_min_incidents": 1},
        {"repeat_min_incidents": 1},
        {"escalation_interval_ratio": 1.5},
        {"escalation_min_incidents": 2},
    ],
)
def test_nonsense_thresholds_are_refused(bad):
    with pytest.raises(ValueError):
        Thresholds(**bad)

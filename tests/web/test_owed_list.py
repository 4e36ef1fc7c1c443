"""The dashboard's owed assessments (issue 24): newest due first, paged, an officer's own list,
times a reader can read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from threadline.crossref.owed_list import page_of as owed_page
from threadline.risk import OwedAssessment, owed_assessments
from threadline.risk.facts import IncidentFacts

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def owed(n: int) -> list[OwedAssessment]:
    officers = ["PC 101 Tremayne", "pc 101 tremayne", "PS 7 Nance", None]
    return [
        OwedAssessment(
            "dash_missing",
            f"INC-{i:03d}",
            officers[i % 4],
            f"reason {i}",
            None,
            T0 + timedelta(days=i),
        )  # fmt: skip
        for i in range(n)
    ]


def test_owed_is_newest_due_first_in_pages() -> None:
    first = owed_page(owed(60), page=1, size=25)
    assert (first.total, first.pages, first.page) == (60, 3, 1)
    assert [o.incident_ref for o in first.items[:3]] == ["INC-059", "INC-058", "INC-057"]
    last = owed_page(owed(60), page=3, size=25)
    assert [o.incident_ref for o in last.items] == [f"INC-{i:03d}" for i in range(9, -1, -1)]
    assert owed_page(owed(60), page=99, size=25).page == 3  # past the end: the last page
    assert owed_page([], page=1).items == [] and owed_page([]).pages == 1


def test_an_officers_own_list_matches_the_name_as_recorded_in_any_case() -> None:
    mine = owed_page(owed(40), officer="  PC 101 TREMAYNE ", size=100)
    assert mine.total == 20  # both spellings of one officer, nobody else's
    assert {o.officer for o in mine.items} == {"PC 101 Tremayne", "pc 101 tremayne"}
    assert mine.officer == "  PC 101 TREMAYNE "
    assert owed_page(owed(40), officer="   ", size=100).total == 40


def test_the_reason_says_when_in_words_not_iso() -> None:
    incident = IncidentFacts(
        ref="INC-1", reported_at=datetime(2026, 11, 22, 10, 58, tzinfo=UTC), domestic=True,
        officer=None, victim_entity=None, suspect_entity=None,
    )  # fmt: skip
    [due] = owed_assessments([incident], [], datetime(2026, 11, 25, tzinfo=UTC))
    assert "reported 22 Nov 2026 10:58 UTC has no DASH" in due.reason
    assert "T10:58" not in due.reason

"""Person search scores the query as a mention, with the resolver's own model and keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from threadline.resolve.search import NEEDED, PersonQuery, SearchError, search_people
from threadline.store import open_store

Searcher = tuple[Engine, Any]


@pytest.fixture
def searcher(resolved_force: Any) -> Iterator[Searcher]:
    path, model = resolved_force
    engine = open_store(f"sqlite:///{path}")
    yield engine, model
    engine.dispose()


@pytest.fixture
def victim(small_force: Path) -> dict[str, Any]:
    """The ex-partner stalking victim, as the force's truth gives her."""
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return dict(truth["people"][series["victims"][0]])


def search(searcher: Searcher, limit: int = 20, **fields: str) -> list[Any]:
    engine, model = searcher
    with engine.connect() as conn:
        return search_people(conn, model, PersonQuery(**fields), limit)


def test_name_and_date_of_birth_find_the_person_first(searcher: Searcher, victim: Any) -> None:
    hits = search(searcher, forenames=victim["forenames"], surname=victim["surname"],
                  dob=victim["dob"])  # fmt: skip
    top = hits[0]
    assert victim["surname"].lower() in (top.label or "").lower()
    assert top.probability > 0.9 and top.records > 5
    assert top.evidence[0].startswith("match probability")
    assert any("date of birth" in line for line in top.evidence)
    assert [h.probability for h in hits] == sorted((h.probability for h in hits), reverse=True)
    assert len({h.entity_id for h in hits}) == len(hits), "one hit per person"


def test_a_phone_number_alone_finds_its_owner(searcher: Searcher, victim: Any) -> None:
    by_name = search(searcher, forenames=victim["forenames"], surname=victim["surname"],
                     dob=victim["dob"])[0]  # fmt: skip
    hits = search(searcher, phone=victim["phones"][0].replace(" ", ""))
    assert hits[0].entity_id == by_name.entity_id
    assert any(line.startswith("phone +44") for line in hits[0].evidence)


def test_a_misspelt_nickname_still_finds_the_person(searcher: Searcher, victim: Any) -> None:
    exact = search(searcher, forenames=victim["forenames"], surname=victim["surname"],
                   dob=victim["dob"])[0]  # fmt: skip
    day, month = victim["dob"][8:10], victim["dob"][5:7]
    swapped = f"{victim['dob'][:4]}-{day}-{month}"
    hits = search(searcher, forenames=victim["forenames"][:-1], surname=victim["surname"],
                  dob=swapped, postcode=victim["postcode"])  # fmt: skip
    assert exact.entity_id in [h.entity_id for h in hits[:3]]


def test_a_surname_alone_falls_back_to_sounds_alike(searcher: Searcher, victim: Any) -> None:
    hits = search(searcher, limit=5, surname=victim["surname"])
    assert 0 < len(hits) <= 5
    assert all(victim["surname"].lower()[:1] in (h.label or "").lower() for h in hits)


def test_a_query_with_nothing_to_search_on_says_what_is_needed(searcher: Searcher) -> None:
    with pytest.raises(SearchError) as caught:
        search(searcher, forenames="Grace")
    assert caught.value.field is None and str(caught.value) == NEEDED
    with pytest.raises(ValueError, match="surname"):
        search(searcher)


def test_a_field_that_is_not_understood_is_named(searcher: Searcher) -> None:
    for field, value in (("phone", "not a number"), ("dob", "31/02/1990"), ("postcode", "ZZZ")):
        with pytest.raises(SearchError) as caught:
            search(searcher, surname="Lee", **{field: value})
        assert caught.value.field == field and value in caught.value.message

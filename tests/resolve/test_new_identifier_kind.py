"""A new identifier kind is one registry entry and a normaliser (issue 22, "done when").

An IMEI (a handset's 15-digit serial, whose last digit is a Luhn check digit) is registered in a
fixture with a normaliser written here, and nothing else in Threadline changes. It is then
normalised on import, used for blocking, compared and weighed in resolution, explained, withheld
from a role that may not see contact details, and drawn in the link chart. The registration is
removed after the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from factories import incident, person
from threadline.crossref import submit
from threadline.crossref.person import load_person_profile
from threadline.features import features_of
from threadline.guard.disclosure import (
    GraphDisclosure,
    disclose_evidence,
    disclose_identifier,
    disclose_network,
    disclose_profile,
)
from threadline.guard.policy import sees_contact_details
from threadline.ingest.importer import import_records
from threadline.ingest.readers import RawRecord, csv_row_to_record
from threadline.links import network
from threadline.links.graph import edge_kinds
from threadline.links.lookup import resolve_node
from threadline.model import RecordError, parse_record
from threadline.model.kinds import IdentifierKind, identifier_kinds, registered
from threadline.resolve import LinkageModel, mention_features, train_model
from threadline.resolve.candidates import candidates
from threadline.resolve.comparisons import blocking_keys, person_comparisons
from threadline.resolve.explain import explain_pair
from threadline.resolve.linkage import score_pairs
from threadline.store import tables as t
from threadline.web.linkchart import layout, legend, network_svg

RESTRICTED = "analyst"
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def luhn_digit(body: str) -> str:
    """The Luhn check digit of a string of digits."""
    total = 0
    for i, char in enumerate(reversed(body)):
        digit = int(char) * (2 if i % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def normalise_imei(text: str) -> str | None:
    """Fifteen digits with a valid Luhn check digit, spaces, dashes and slashes dropped."""
    digits = re.sub(r"[\s/-]", "", text)
    if not re.fullmatch(r"\d{15}", digits) or luhn_digit(digits[:14]) != digits[14]:
        return None
    return digits


IMEI = "35209900176148" + luhn_digit("35209900176148")
WRITTEN = f"{IMEI[:2]}-{IMEI[2:8]}-{IMEI[8:14]}-{IMEI[14]}"  # 35-209900-176148-x
BAD_CHECK = IMEI[:14] + str((int(IMEI[14]) + 1) % 10)


@pytest.fixture
def imei() -> Iterator[IdentifierKind]:
    kind = IdentifierKind("imei", "imeis", "IMEI", "Handset (IMEI)", normalise_imei)
    with registered(kind):
        yield kind
    assert "imei" not in {k.name for k in identifier_kinds()}


@pytest.fixture
def imei_model(imei: IdentifierKind, make_population: Callable[..., Any]) -> LinkageModel:
    """The test population, each person's handset recorded on most of their mentions."""
    population = make_population(n_people=150, seed=11)
    for n, someone in enumerate(population.people):
        body = f"35{n:012d}"
        for i, mention in enumerate(someone.mentions):
            if i % 3 != 2:
                mention["identifiers"] = [("imei", body + luhn_digit(body))]
    features = mention_features(population.rows)
    return train_model(features, trained_at="2026-01-01T00:00:00+00:00", seed=3, max_pairs=1e5)


def _person(forenames: str, surname: str, *imeis: str, **fields: Any) -> dict[str, Any]:
    handsets = [{"kind": "imei", "value": value} for value in imeis]
    return person("victim", forenames=forenames, surname=surname, identifiers=handsets, **fields)


def test_a_kind_not_registered_is_refused_with_the_known_kinds() -> None:
    with pytest.raises(RecordError, match="unknown identifier kind 'imei'.*phone"):
        parse_record(incident(people=[_person("Alys", "Penhallow", WRITTEN)]))


def test_a_registered_kind_is_normalised_on_import(engine: Engine, imei: IdentifierKind) -> None:
    record = incident("INC-1", people=[_person("Alys", "Penhallow", WRITTEN, BAD_CHECK)])
    report = import_records(engine, [RawRecord("in.jsonl", 1, record)], files=["in.jsonl"])
    assert report.counts.stored == 1
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.identifiers.c.kind, t.identifiers.c.raw, t.identifiers.c.value)
            .where(t.identifiers.c.kind == "imei")
            .order_by(t.identifiers.c.id)
        ).all()
        stored = conn.execute(select(t.mention_features.c.identifiers)).scalars().all()
    assert [tuple(r) for r in rows] == [("imei", WRITTEN, IMEI), ("imei", BAD_CHECK, None)]
    assert {"imei": [IMEI]} in stored
    # a force's CSV export names the kind's column: p1_imeis
    csv_record, _ = csv_row_to_record({"ref": "INC-2", "p1_role": "victim", "p1_imeis": WRITTEN})
    assert csv_record["people"][0]["identifiers"] == [{"kind": "imei", "value": WRITTEN}]


def test_a_registered_kind_blocks_compares_explains_and_is_withheld(
    engine: Engine, imei: IdentifierKind, imei_model: LinkageModel
) -> None:
    # compared: the model has a comparison for it, trained like any other
    assert "imeis" in [c.name for c in person_comparisons()]
    in_both = imei_model.level_weights["imeis"][1]
    assert in_both.label == "IMEI in both" and in_both.match_weight > 3
    # blocking: a shared IMEI makes two mentions candidates in batch and at call time
    assert any(key.explode == "imeis" for key in blocking_keys())
    first = submit(engine, imei_model, parse_record(incident("INC-1", people=[
        _person("Alys", "Penhallow", WRITTEN, dob="1991-04-12")])), NOW)  # fmt: skip
    elsewhere = features_of(
        {"mention_id": "x", "forenames": "Zed", "identifiers": [("imei", IMEI)]}
    )
    with engine.connect() as conn:
        found = candidates(conn, elsewhere, exclude_record=None).rows
    assert [row["unique_id"] for row in found] == [first.decisions[0].mention_key]
    assert found[0]["imeis"] == [IMEI]

    # resolution: a later call with the handset (and no date of birth) joins her, and says why
    later = submit(engine, imei_model, parse_record(incident("INC-2", people=[
        _person("Alys", "Penhallow", IMEI.replace("", " ").strip())])), NOW)  # fmt: skip
    decision = later.decisions[0]
    assert (decision.outcome, decision.entity_id) == ("joined", first.decisions[0].entity_id)
    said = f"IMEI {IMEI} in both"
    assert any(line.startswith(said) for line in decision.evidence), decision.evidence

    # weighed: without the handset the same pair scores lower by the IMEI's weight
    a = features_of({"mention_id": "a", "forenames": "Alys", "surname": "Penhallow",
                     "identifiers": [("imei", IMEI)]})  # fmt: skip
    b = {**a, "unique_id": "b"}
    with_handset = score_pairs(imei_model, a, [b]).iloc[0]
    without = score_pairs(imei_model, {**a, "imeis": []}, [b]).iloc[0]
    assert with_handset.gamma_imeis == 1 and without.gamma_imeis == -1
    assert with_handset.match_weight == pytest.approx(without.match_weight + with_handset.mw_imeis)
    assert any(line.startswith(said) for line in explain_pair(imei_model, with_handset))

    # redacted: an IMEI is contact detail; a restricted role sees the kind, not the number
    assert not sees_contact_details(RESTRICTED)
    shown = disclose_evidence(decision.evidence, RESTRICTED)
    assert not any(IMEI in line for line in shown)
    assert any(line.startswith("IMEI in both (withheld)") for line in shown)
    assert disclose_evidence(decision.evidence, "officer") == list(decision.evidence)
    assert disclose_identifier(IMEI, RESTRICTED, "victim", kind="imei") == "(withheld)"
    profile = load_person_profile(engine, decision.entity_id)
    assert profile is not None
    assert any(m["imeis"] for m in profile["mentions"])
    hidden = disclose_profile(profile, RESTRICTED)
    assert all(m["imeis"] == [] and "imeis" in m["withheld"] for m in hidden["mentions"])

    # drawn: the handset is a node of the person's network, in the chart and its legend
    assert "has_imei" in edge_kinds()
    with engine.connect() as conn:
        node = resolve_node(conn, f"imei:{WRITTEN}")
        net = network(conn, decision.entity_id, depth=1)
    assert node == f"imei:{IMEI}"
    assert any(n.id == node and n.kind == "imei" for n in net.nodes)
    assert any(e.kind == "has_imei" and e.target == node for e in net.edges)
    svg = str(network_svg(net, layout(net), lambda _node: None))
    assert IMEI in svg and "has imei" in svg
    nodes, edges = legend(net)
    assert "Handset (IMEI)" in [label for label, _, _ in nodes]
    assert "Has IMEI" in [label for label, _, _ in edges]
    assert IMEI not in str(
        network_svg(disclose_network(net, RESTRICTED), layout(net), lambda _node: None)
    )


def test_a_kind_not_flagged_contact_detail_is_shown_to_every_role(
    engine: Engine, make_population: Callable[..., Any]
) -> None:
    badge = IdentifierKind(
        "badge", "badges", "staff badge", "Staff badge", lambda s: s.strip().upper() or None,
        contact=False, blocks=False,
    )  # fmt: skip
    with registered(badge):
        assert not any(key.explode == "badges" for key in blocking_keys())
        assert disclose_identifier("B-77", RESTRICTED, "victim", kind="badge") == "B-77"
        chart = GraphDisclosure(RESTRICTED)  # drawn with its value; a contact kind is not
        assert not chart.hides("badge") and chart.hides("phone") and chart.hides("location")
        one = features_of({"mention_id": "a", "identifiers": [("badge", "b-77")]})
        with engine.connect() as conn:  # blocks=False: a shared badge alone finds no one
            assert candidates(conn, one, exclude_record=None).rows == []
        assert one["badges"] == ["B-77"]


def test_a_model_trained_before_a_kind_was_registered_still_scores(
    imei: IdentifierKind, model: LinkageModel
) -> None:
    """The kind is stored and blocked on at once, and weighed once the model is retrained."""
    before = LinkageModel(
        settings=model.settings, metadata=model.metadata, term_frequencies=model.term_frequencies
    )
    a = features_of({"mention_id": "a", "forenames": "Alys", "surname": "Penhallow",
                     "identifiers": [("imei", IMEI)]})  # fmt: skip
    scored = score_pairs(before, a, [{**a, "unique_id": "b"}]).iloc[0]
    no_handset = {**a, "imeis": []}
    unweighed = score_pairs(before, no_handset, [{**no_handset, "unique_id": "b"}]).iloc[0]
    assert "gamma_imeis" not in scored and "gamma_surname" in scored
    assert scored.match_weight == unweighed.match_weight

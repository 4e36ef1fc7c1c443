"""A nameless "her ex" is joined to the victim's only recorded former partner, and only then."""

from __future__ import annotations

from threadline.resolve.described import MentionRow, describes_ex_partner, infer_ex_partners


def row(record: str, position: int, role: str, named: bool = True, **kw: str | None) -> MentionRow:
    return MentionRow(
        f"incident:cad:{record}#{position}",
        f"incident:cad:{record}",
        role,
        named,
        kw.get("description"),
        kw.get("relationship"),
    )


def history(*partners: str) -> tuple[list[MentionRow], dict[str, str]]:
    """Earlier incidents of victim V with each named partner, then INC-9 with "her ex"."""
    rows, entity_of = [], {}
    for n, partner in enumerate(partners):
        victim = row(f"INC-{n}", 0, "victim")
        suspect = row(f"INC-{n}", 1, "suspect", relationship="former_partner")
        rows += [victim, suspect]
        entity_of[victim.mention_key] = "V"
        entity_of[suspect.mention_key] = partner
    victim, ex = row("INC-9", 0, "victim"), row("INC-9", 1, "suspect", False, description="her ex")
    rows += [victim, ex]
    entity_of[victim.mention_key] = "V"
    entity_of[ex.mention_key] = "NEW"
    return rows, entity_of


def test_her_ex_is_her_only_recorded_former_partner() -> None:
    rows, entity_of = history("S", "S")
    [found] = infer_ex_partners(rows, entity_of, {"S": "Stephen Brown"})
    assert (found.mention_key, found.entity_id) == ("incident:cad:INC-9#1", "S")
    assert 'described as "her ex"' in found.evidence[0]
    assert "Stephen Brown (INC-0, INC-1)" in found.evidence[1]


def test_two_former_partners_is_a_gap_not_a_guess() -> None:
    rows, entity_of = history("S", "T")
    assert infer_ex_partners(rows, entity_of) == []


def test_no_former_partner_on_record_leaves_it_alone() -> None:
    rows, entity_of = history()
    assert infer_ex_partners(rows, entity_of) == []


def test_only_nameless_suspects_described_as_an_ex_count() -> None:
    assert describes_ex_partner(row("I", 1, "suspect", False, description="Her ex-boyfriend"))
    assert describes_ex_partner(row("I", 1, "suspect", False, relationship="former_partner"))
    assert not describes_ex_partner(row("I", 1, "suspect", False, description="unknown male"))
    assert not describes_ex_partner(row("I", 1, "suspect", False, description="next door"))
    assert not describes_ex_partner(row("I", 1, "suspect", True, description="her ex"))
    assert not describes_ex_partner(row("I", 1, "witness", False, description="her ex"))

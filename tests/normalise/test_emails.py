"""E-mail addresses: trimmed and lower-cased, never provider-folded."""

from __future__ import annotations

import pytest

from threadline.normalise.emails import normalise_email


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("jane.doe@example.com", "jane.doe@example.com"),
        ("  Jane.Doe@Example.COM  ", "jane.doe@example.com"),
        ("mailto:jane.doe@example.com", "jane.doe@example.com"),
        ("MAILTO:Jane.Doe@example.com", "jane.doe@example.com"),
        ("Jane Doe <jane.doe@example.com>", "jane.doe@example.com"),
        ("<jane.doe@example.com>", "jane.doe@example.com"),
        ("jane.doe@example.com.", "jane.doe@example.com"),  # end of a sentence
        ("jane@example.co.uk", "jane@example.co.uk"),
        ("jane_o'neil@example.org", "jane_o'neil@example.org"),
    ],
)
def test_normalise_email(written: str, expected: str) -> None:
    assert normalise_email(written) == expected


def test_dots_and_plus_tags_are_kept() -> None:
    # Only some providers ignore them; merging two people's addresses would be a false link.
    assert normalise_email("Jane.Doe+threadline@gmail.com") == "jane.doe+threadline@gmail.com"
    assert normalise_email("j.a.n.e@example.com") != normalise_email("jane@example.com")


@pytest.mark.parametrize(
    "written",
    [
        None,
        "",
        "n/a",
        "none",
        "jane at example dot com",
        "jane@localhost",
        "jane@@example.com",
        "jane doe@example.com",
        "@example.com",
        "jane@",
        ".jane@example.com",
        "jane..doe@example.com",
        "jane@-example.com",
        "jane@example.c",
        "jane@exa_mple.com",
        "a" * 65 + "@example.com",
    ],
)
def test_invalid_is_none(written: str | None) -> None:
    assert normalise_email(written) is None

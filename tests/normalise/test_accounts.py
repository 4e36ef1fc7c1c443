"""Accounts: platform aliases folded, handles cleaned, links read, WhatsApp as a phone."""

from __future__ import annotations

import pytest

from threadline.normalise.accounts import normalise_account, normalise_platform


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("fb", "facebook"),
        ("FB", "facebook"),
        ("Facebook", "facebook"),
        ("Face Book", "facebook"),
        ("insta", "instagram"),
        ("IG", "instagram"),
        ("Instagram", "instagram"),
        ("Twitter", "x"),
        ("X", "x"),
        ("snap", "snapchat"),
        ("SnapChat", "snapchat"),
        ("TikTok", "tiktok"),
        ("Tik Tok", "tiktok"),
        ("WhatsApp", "whatsapp"),
        ("Whats App", "whatsapp"),
        ("Telegram", "telegram"),
        ("  ", None),
        (None, None),
    ],
)
def test_platform_aliases(platform: str | None, expected: str | None) -> None:
    assert normalise_platform(platform) == expected


@pytest.mark.parametrize(
    ("platform", "handle", "expected"),
    [
        ("FB", "@Jane.Doe.77", "facebook:jane.doe.77"),
        ("facebook", "jane.doe.77", "facebook:jane.doe.77"),
        ("facebook", "facebook.com/jane.doe.77", "facebook:jane.doe.77"),
        ("Facebook", "https://www.facebook.com/Jane.Doe.77/", "facebook:jane.doe.77"),
        ("fb", "https://m.facebook.com/profile.php?id=100012345", "facebook:100012345"),
        ("insta", "@Jane_Doe", "instagram:jane_doe"),
        ("IG", "instagram.com/jane_doe?igshid=abc", "instagram:jane_doe"),
        ("twitter", "@JaneDoe", "x:janedoe"),
        ("X", "https://twitter.com/JaneDoe", "x:janedoe"),
        ("snap", "snapchat.com/add/jane.d", "snapchat:jane.d"),
        ("tiktok", "tiktok.com/@jane", "tiktok:jane"),
        ("Telegram", "@jane", "telegram:jane"),
        ("facebook", "  Jane   Doe ", "facebook:jane doe"),  # a display name, kept as such
    ],
)
def test_normalise_account(platform: str, handle: str, expected: str) -> None:
    assert normalise_account(platform, handle) == expected


def test_a_link_names_its_platform() -> None:
    assert normalise_account(None, "facebook.com/jane.doe.77") == "facebook:jane.doe.77"
    assert normalise_account("instagram", "facebook.com/jane.doe.77") == "facebook:jane.doe.77"
    assert normalise_account(None, "wa.me/447700900123") == "whatsapp:+447700900123"


def test_a_dotted_handle_is_not_mistaken_for_a_link() -> None:
    assert normalise_account("facebook", "jane.doe") == "facebook:jane.doe"


@pytest.mark.parametrize(
    "handle", ["07700 900123", "+44 7700 900123", "447700900123", "(07700) 900-123"]
)
def test_whatsapp_handles_are_phone_numbers(handle: str) -> None:
    assert normalise_account("WhatsApp", handle) == "whatsapp:+447700900123"


def test_whatsapp_display_name_identifies_nobody() -> None:
    assert normalise_account("whatsapp", "Gaz") is None


@pytest.mark.parametrize(
    ("platform", "handle"),
    [("fb", None), ("fb", ""), ("fb", "@"), (None, "@jane"), ("", "jane"), ("fb", "facebook.com/")],
)
def test_nothing_usable_is_none(platform: str | None, handle: str | None) -> None:
    assert normalise_account(platform, handle) is None

"""Social-media and messaging accounts: one "platform:handle" string per account.

Stalking and harassment arrive through Facebook, WhatsApp, Instagram and the rest, and the same
account is written many ways: "FB", "facebook.com/jane.doe.77", "@Jane.Doe.77". This module folds
platform names to one spelling each and handles to their lower-case form without the "@":

* aliases: fb/facebook/messenger-style spellings -> ``facebook``; insta/ig -> ``instagram``;
  twitter/x -> ``x``; snap/snapchat -> ``snapchat``; tiktok/tik tok -> ``tiktok``; whatsapp/wa ->
  ``whatsapp``; an unknown platform is kept, lower case, letters and digits only;
* profile links are read as handles ("facebook.com/jane.doe.77", "instagram.com/jane_doe/",
  "tiktok.com/@jane", "x.com/jane", "snapchat.com/add/jane", "wa.me/447700900123"), and a link
  names its platform whatever the platform field says; Facebook's "profile.php?id=100012345"
  keeps the id;
* WhatsApp accounts are phone numbers, so a WhatsApp handle is normalised to E.164 through
  :mod:`threadline.normalise.phones`; a WhatsApp "handle" that is not a number (a display name
  such as "Gaz") identifies nobody and gives ``None``;
* a "handle" with spaces ("Jane Doe") is a display name, which no platform allows in a handle: it
  is kept with single spaces ("facebook:jane doe") so it can still be compared, as weak evidence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from threadline.normalise.phones import normalise_phone
from threadline.normalise.text import fold_text

__all__ = ["normalise_account", "normalise_platform"]

_PLATFORM_ALIASES: dict[str, str] = {
    "fb": "facebook",
    "facebook": "facebook",
    "face book": "facebook",
    "fbook": "facebook",
    "facebook messenger": "facebook",
    "insta": "instagram",
    "ig": "instagram",
    "instagram": "instagram",
    "instagramm": "instagram",
    "twitter": "x",
    "x": "x",
    "x twitter": "x",
    "twitter x": "x",
    "snap": "snapchat",
    "snapchat": "snapchat",
    "snap chat": "snapchat",
    "sc": "snapchat",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "whatsapp": "whatsapp",
    "whats app": "whatsapp",
    "wa": "whatsapp",
}
# Link hosts and the platform they belong to (matched on the host without "www."/"m.").
_HOSTS: dict[str, str] = {
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "messenger.com": "facebook",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "twitter.com": "x",
    "x.com": "x",
    "snapchat.com": "snapchat",
    "tiktok.com": "tiktok",
    "wa.me": "whatsapp",
    "whatsapp.com": "whatsapp",
}
# Path segments that come before the handle in a profile link and are not the handle.
_PATH_PREFIXES = frozenset({"add", "people", "profile", "u", "user", "users", "send"})
_HOST_PREFIX = re.compile(r"^(?:www|m|mobile|web|l|api)\.")
_LINK = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)*[a-z0-9-]+\.[a-z]{2,}(?:/|$)", re.IGNORECASE)
_PLATFORM_NOISE = re.compile(r"[^a-z0-9 ]+")
_HANDLE_SPACES = re.compile(r"\s+")


def normalise_platform(platform: str | None) -> str | None:
    """The platform's one spelling ("FB" -> "facebook", "Twitter" -> "x"), or None if blank."""
    if platform is None:
        return None
    words = " ".join(_PLATFORM_NOISE.sub(" ", fold_text(platform)).split())
    if not words:
        return None
    return _PLATFORM_ALIASES.get(words, words.replace(" ", ""))


def _from_link(text: str) -> tuple[str | None, str | None]:
    """(platform, handle) read from a profile link, or (None, None) if ``text`` is not a link."""
    if not _LINK.match(text):
        return None, None
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = _HOST_PREFIX.sub("", (parts.hostname or "").lower())
    platform = _HOSTS.get(host)
    if platform is None:
        return None, None
    if parts.path.rstrip("/").endswith("profile.php"):
        ids = parse_qs(parts.query).get("id")
        return platform, ids[0] if ids else None
    segments = [segment for segment in parts.path.split("/") if segment]
    while segments and segments[0].lower() in _PATH_PREFIXES:
        segments = segments[1:]
    return platform, segments[0] if segments else None


def _clean_handle(handle: str) -> str | None:
    cleaned = _HANDLE_SPACES.sub(" ", fold_text(handle)).strip().lstrip("@").strip("/ ")
    return cleaned or None


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def normalise_account(platform: str | None, handle: str | None) -> str | None:
    """ "platform:handle" for an account ("FB", "@Jane.Doe.77" -> "facebook:jane.doe.77").

    ``None`` when the handle is blank, when neither the platform nor a link names the platform,
    or when a WhatsApp handle is not a phone number.
    """
    if handle is None:
        return None
    name = normalise_platform(platform)
    link_platform, link_handle = _from_link(handle.strip())
    if link_platform is not None:
        name = link_platform  # a link says unambiguously which platform hosts the account
        handle = link_handle or ""
    if name is None:
        return None
    if name == "whatsapp":
        e164 = normalise_phone(handle)
        return f"whatsapp:{e164}" if e164 else None
    cleaned = _clean_handle(handle)
    return f"{name}:{cleaned}" if cleaned else None

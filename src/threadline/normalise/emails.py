"""E-mail addresses: trimmed, lower-cased and checked for a plausible shape.

"  MAILTO:Jane.Doe@Example.COM " and "Jane Doe <jane.doe@example.com>" become
"jane.doe@example.com"; text that is not an address
("n/a", "jane at example dot com", "jane@localhost") becomes ``None``.

The whole address is lower-cased. Strictly the local part is case-sensitive, but no large mailbox
provider treats it so, and a call handler's capitals carry no information.

Dots and "+tags" are **not** removed. Gmail ignores dots and everything after "+", but that is one
provider's rule: other providers (and Google Workspace domains that look like any other domain)
deliver "jane.doe" and "janedoe" to different people. A force cannot know which provider sits behind
a domain, and a normaliser that merged two real people's addresses would create false links in
the evidence. Comparing provider-folded forms, where wanted, is a scoring decision made downstream.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["normalise_email"]

_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_BRACKETED = re.compile(r"<([^<>]+)>")
_WRAPPING = "<>\"'()[] \t\r\n,;"
# Local part: the unquoted characters RFC 5322 allows, no leading, trailing or double dot.
_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
# Domain: dot-separated labels of letters, digits and inner hyphens; a letter-only TLD.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ADDRESS = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[a-z]{{2,63}}")


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def normalise_email(text: str | None) -> str | None:
    """The address lower-cased and trimmed, "mailto:" removed; ``None`` if it is not an address."""
    if text is None:
        return None
    bracketed = _BRACKETED.search(text)  # "Jane Doe <jane@example.com>"
    candidate = (bracketed.group(1) if bracketed else text).strip(_WRAPPING)
    # A full stop after the address ends the sentence it was written in.
    candidate = _MAILTO.sub("", candidate).strip(_WRAPPING).rstrip(".").lower()
    if len(candidate) > 254 or not _ADDRESS.fullmatch(candidate):
        return None
    if len(candidate.split("@", 1)[0]) > 64:
        return None
    return candidate

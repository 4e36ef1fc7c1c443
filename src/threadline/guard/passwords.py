"""The password policy: long enough, and not a common, breached or guessable password.

NCSC and NIST SP 800-63B (5.1.1.2) ask for length rather than composition rules, and for every
new password to be checked against a list of passwords known from breaches, dictionary words,
repeated or sequential characters, and context-specific words such as the username. The check is
zxcvbn's (the ``zxcvbn`` package, Dropbox's estimator ported to Python): it ships, offline, a
list of the 30,000 commonest passwords from breach corpora, English words, names and surnames,
and finds repeats (``aaaaaaaaaaaa``), sequences (``abcdefghijkl``), keyboard walks (``qwertyuiop``)
and dates, and it is given the username and display name as words to avoid. A password is
accepted at :data:`MIN_SCORE` (3 of 4: "safely unguessable", at least 10^8 guesses) and
:data:`MIN_LENGTH` characters. A breach-list service (Have I Been Pwned) would need the network,
which a force's server may not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_SCORE = 3
#: zxcvbn's cost grows with length; the rest of a long password cannot make it weaker
CHECKED_LENGTH = 100


def password_problem(password: str, context: Sequence[str] = ()) -> str | None:
    """Why ``password`` is unfit, in words for the user, or ``None`` if it is fit.

    ``context`` holds words the password must not be built on (username, display name).
    """
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    given = [w for w in context if w]
    if password.strip().lower() in {w.strip().lower() for w in given}:
        return "the password may not be the username"
    # each part of a name too: "Penhallow1985" is built on "Mo Penhallow"
    words = given + [part for w in given for part in re.split(r"[\s._@-]+", w) if len(part) >= 3]
    from zxcvbn import zxcvbn  # its word lists take 0.1 s to load: only when a password is set

    verdict = zxcvbn(password[:CHECKED_LENGTH], user_inputs=words)
    if verdict["score"] >= MIN_SCORE:
        return None
    feedback = verdict.get("feedback") or {}
    reason = feedback.get("warning") or "it is too easy to guess"
    return f"choose a harder password: {reason.rstrip('.')} (a few unrelated words work well)"

"""Folding free text to lower-case ASCII: the first step shared by the name and address normalisers.

Accents are folded with Unicode decomposition (NFKD), which turns "é" into "e" plus a combining
mark that is then dropped. A few letters have no decomposition (``ß``, ``æ``, ``ø``, ``ł``, ...) and
are spelt out by a declared table rather than a transliteration library: the set that turns up in
British police records is small, and a table says exactly what happens to each letter.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold_text"]

# Letters that NFKD leaves alone, with the ASCII spelling a British record would use.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
        # Typographic apostrophes and dashes become their ASCII forms so the
        # normalisers need only handle "'" and "-".
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


# The table's entries for ASCII characters: all that applies to text that is ASCII already.
_ASCII_FOLDS = tuple(
    (chr(code), spelling) for code, spelling in _UNDECOMPOSABLE.items() if code < 128
)


def fold_text(text: str) -> str:
    """Lower-case ``text`` and fold it to ASCII ("Siân Ó Dónaill" -> "sian o donaill").

    Characters with no ASCII form (emoji, CJK) are dropped. Whitespace is left as it is; the callers
    collapse it after removing their own punctuation.
    """
    if text.isascii():  # most text: nothing to decompose or drop, so the same result sooner
        for char, spelling in _ASCII_FOLDS:
            text = text.replace(char, spelling)
        return text.lower()
    text = text.translate(_UNDECOMPOSABLE)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))
    return ascii_only.lower()

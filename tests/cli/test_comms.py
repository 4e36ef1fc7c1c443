"""`threadline import-comms`: stored / duplicates / refused, each refusal as file:line:reason."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from factories import incident
from links_factory import store
from threadline.cli import app
from threadline.store import open_store

FIXTURES = Path(__file__).parents[1] / "ingest" / "comms" / "fixtures"
MALFORMED = FIXTURES / "whatsapp" / "android_malformed.txt"
LOG = FIXTURES / "call_logs" / "handset_call_sms_log.csv"


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["import-comms", *args], env={"COLUMNS": "250"})


def stored_store(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path}/s.db"
    engine: Engine = open_store(db)
    store(engine, incident("INC-7"))
    engine.dispose()
    return db


def test_import_comms_reports_stored_duplicates_and_refusals(tmp_path: Path) -> None:
    db = stored_store(tmp_path)
    first = run(str(MALFORMED), str(LOG), "--incident", "INC-7", "--db", db)
    assert first.exit_code == 0, first.output
    assert "stored 9, duplicates 0, refused 10" in first.stdout
    assert "android_malformed.txt:3: the header's date and time" in first.stderr
    assert "handset_call_sms_log.csv:11: Duration: 'twelve' is not a duration" in first.stderr
    again = run(str(LOG), "--incident", "INC-7", "--db", db)
    assert again.exit_code == 0, again.output
    assert "stored 0, duplicates 6, refused 5" in again.stdout


def test_import_comms_refuses_an_unknown_incident_zone_or_file(tmp_path: Path) -> None:
    db = stored_store(tmp_path)
    unknown = run(str(LOG), "--incident", "INC-404", "--db", db)
    assert unknown.exit_code == 2 and "INC-404: no such incident" in unknown.stderr
    zone = run(str(LOG), "--incident", "INC-7", "--db", db, "--tz", "Mars/Olympus")
    assert zone.exit_code == 2 and "Mars/Olympus" in zone.stderr
    missing = run(str(tmp_path / "gone.csv"), "--incident", "INC-7", "--db", db)
    assert missing.exit_code == 2 and "gone.csv: no such file" in missing.stderr


def test_import_comms_exits_1_when_no_entry_could_be_read(tmp_path: Path) -> None:
    db = stored_store(tmp_path)
    junk = tmp_path / "junk.txt"
    junk.write_text("not a chat at all\n")
    result = run(str(junk), "--incident", "INC-7", "--db", db)
    assert result.exit_code == 1
    assert "junk.txt:1:" in result.stderr and "refused 1" in result.stdout

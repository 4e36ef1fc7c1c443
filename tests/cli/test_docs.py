"""Docs are tested: every CLI command has help text and is named in the README or docs/."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from threadline.cli import app

ROOT = Path(__file__).resolve().parents[2]


def command_paths() -> list[tuple[str, str | None]]:
    """("import", help), ("review list", help), ... for every command and sub-command."""
    root = get_command(app)
    found: list[tuple[str, str | None]] = []

    def walk(group: object, prefix: str) -> None:
        for name, command in getattr(group, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            found.append((path, command.help))
            walk(command, path)

    walk(root, "")
    return found


def test_every_command_has_help_text() -> None:
    missing = [path for path, text in command_paths() if not (text or "").strip()]
    assert missing == []


def test_every_command_is_documented() -> None:
    text = (ROOT / "README.md").read_text()
    text += "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    undocumented = [path for path, _ in command_paths() if f"threadline {path}" not in text]
    assert undocumented == []


def test_the_app_is_a_typer_app() -> None:
    assert isinstance(app, typer.Typer)

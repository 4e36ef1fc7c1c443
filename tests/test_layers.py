"""The layers of docs/architecture.md hold: no module imports a layer above its own.

The contract is declared once, in pyproject.toml's ``[tool.importlinter]``; this runs it.
"""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_no_import_crosses_the_layers(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_the_contract_names_every_package_of_the_library():
    """A new package must be given its layer, or the contract would not see it."""
    text = (ROOT / "pyproject.toml").read_text()
    packages = {
        p.name
        for p in (ROOT / "src" / "threadline").iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    }
    unlisted = {
        p for p in packages if f'"threadline.{p}' not in text and f"| threadline.{p}" not in text
    }
    assert unlisted <= {"synth"}, f"packages with no layer: {sorted(unlisted)}"

"""The Typer application and what every command shares: the store, consoles, the model, the
checked reader (the options they share are :mod:`threadline.cli.options`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine

from threadline.settings import Settings

if TYPE_CHECKING:
    from threadline.crossref.reads import Reader
    from threadline.resolve.linkage import LinkageModel
    from threadline.usecases.auditor import Auditor

T = TypeVar("T")

app = typer.Typer(
    name="threadline",
    help="Cross-reference every incident a police force logs with everything it already knows.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def settings_for(db: str | None) -> Settings:
    settings = Settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    return settings


def engine_for(db: str | None) -> Engine:
    from threadline.store import open_store

    return open_store(settings_for(db).database_url)


def model_for(path: Path | None) -> LinkageModel:
    from threadline.resolve.linkage import load_model

    path = path or Settings().model_path
    if not path.is_file():
        errors.print(f"[red]No linkage model at {path}: run `threadline train` first.[/red]")
        raise typer.Exit(2)
    return load_model(path)


def fail(message: str) -> NoReturn:
    """End the command: ``message`` on standard error in red, as written (an error's words are
    not Rich markup), and exit status 1."""
    errors.print(message, style="red", markup=False, highlight=False)
    raise typer.Exit(1) from None


def step_auditor(
    engine: Engine,
    username: str,
    command: str,
    *,
    action: str | None = None,
    purpose: str | None = None,
) -> Auditor:
    """The auditor of a step a command takes as ``username``, checked as the API checks a
    request (:func:`threadline.crossref.reads.acting_user`: an active user; with ``action``, a
    role that may; with ``purpose``, a stated purpose); a refusal is audited there and ends the
    command with its reason."""
    from threadline.crossref.reads import ReadRefused, acting_user
    from threadline.usecases.auditor import Auditor

    try:
        user = acting_user(engine, username, command, now(), action=action, purpose=purpose)
    except ReadRefused as refused:
        fail(f"refused: {refused}")
    return Auditor(engine, user, now)


def say(text: object) -> None:
    """Print ``text`` as written: names, notes and reasons are people's words, not Rich markup,
    and nothing in them is highlighted."""
    console.print(text, markup=False, highlight=False)


def now() -> datetime:
    return datetime.now(UTC)


def reader_for(engine: Engine, user: str, purpose: str, action: str, command: str) -> Reader:
    """The checked reader of a command that prints person data
    (:func:`threadline.crossref.reads.reader`); a refusal, audited there, ends the command with
    its reason and exit status 1."""
    from threadline.crossref.reads import ReadRefused, reader

    try:
        return reader(engine, user, purpose, action, command, now())
    except ReadRefused as error:
        fail(f"refused: {error}")


def audited_list(
    db: str | None,
    user: str,
    purpose: str,
    action: str,
    command: str,
    read: Callable[[Engine, datetime], T],
    records: Callable[[T], Sequence[str]],
    detail: Callable[[T], dict[str, Any]],
    at: datetime,
) -> tuple[T, Reader]:
    """A list the force's store gives as it is at ``at`` (``read``), read for ``user`` with the
    checked reader of ``action`` and audited with the ``records`` it names and ``detail``
    (:func:`threadline.crossref.reads.audited_read`), with who read it."""
    from threadline.crossref.reads import audited_read

    engine = engine_for(db)
    who = reader_for(engine, user, purpose, action, command)
    return audited_read(engine, who, lambda _: read(engine, at), records, at, detail), who

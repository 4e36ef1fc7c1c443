"""Commands for resolving mentions into people: train, resolve, review, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from threadline.cli.app import (
    app,
    console,
    engine_for,
    errors,
    fail,
    now,
    reader_for,
    say,
    step_auditor,
)
from threadline.cli.options import DbOption, ModelOption, PurposeOption, UserOption
from threadline.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from threadline.usecases.auditor import Auditor

review_app = typer.Typer(
    help="The review queue: pairs the model was unsure of.", no_args_is_help=True
)
export_app = typer.Typer(help="Export data for analysts and auditors.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(export_app, name="export")


@app.command("train")
def train_command(
    db: DbOption = None,
    model: ModelOption = None,
    seed: Annotated[int, typer.Option(help="Seed for random sampling of pairs.")] = 1,
) -> None:
    """Train the linkage model on the store's own mentions (and reviewers' judgements)."""
    from threadline.resolve.batch import train_store_model
    from threadline.resolve.linkage import save_model, splink_warnings_in_a_line

    path = model or Settings().model_path
    trained = train_store_model(engine_for(db), trained_at=now(), seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_model(trained, path)
    meta = trained.metadata
    console.print(
        f"Model saved to {path}: trained on {meta['training_rows']:,} mentions "
        f"({meta['labelled_pairs']} labelled pairs), version {meta['threadline_model_version']}"
    )
    for reason in meta.get("skipped", []):
        console.print(f"[yellow]Skipped {reason}[/yellow]", soft_wrap=True)
    warned = splink_warnings_in_a_line(meta.get("splink_warnings", []))
    if warned:
        console.print(f"[yellow]{warned}[/yellow]", soft_wrap=True)


@app.command("resolve")
def resolve_command(
    db: DbOption = None,
    model: ModelOption = None,
    train: Annotated[bool, typer.Option(help="Train a model first if there is none.")] = True,
    backend: Annotated[
        str, typer.Option(help="duckdb (one machine) or spark (Splink on Spark).")
    ] = "duckdb",
    master: Annotated[
        str | None,
        typer.Option(
            envvar="THREADLINE_SPARK_MASTER",
            help="Spark master for --backend spark: spark://host:7077, k8s://https://host, "
            "yarn (default local[2], Spark in this process).",
        ),
    ] = None,
    executor_memory: Annotated[
        str, typer.Option(help="Heap of each Spark executor (--backend spark).")
    ] = "1g",
    executor_cores: Annotated[
        int, typer.Option(help="Cores of each Spark executor (--backend spark).")
    ] = 1,
    spark_dir: Annotated[
        str | None,
        typer.Option(
            envvar="THREADLINE_SPARK_DIR",
            help="Where the run's Parquet goes for --backend spark (features, pairs, clusters): "
            "a path or URI every worker and this machine reach, e.g. s3://bucket/threadline "
            "(default: a new temporary directory, enough for one machine).",
        ),
    ] = None,
) -> None:
    """Resolve every person mention in the store into entities (ids stay stable)."""
    from threadline.resolve.batch import resolve_store, train_store_model
    from threadline.resolve.linkage import load_model, save_model

    engine = engine_for(db)
    path = model or Settings().model_path
    if path.is_file():
        linkage = load_model(path)
    elif train:
        errors.print(f"No model at {path}: training one on the store's mentions")
        linkage = train_store_model(engine, trained_at=now())
        path.parent.mkdir(parents=True, exist_ok=True)
        save_model(linkage, path)
    else:
        errors.print(f"[red]No linkage model at {path}[/red]")
        raise typer.Exit(2)
    score = None
    session = None
    if backend == "spark":
        from threadline.resolve.spark import score_on_spark, spark_session

        session = spark_session(
            master, executor_memory=executor_memory, executor_cores=executor_cores
        )
        score = score_on_spark(session, spark_dir)
    elif backend != "duckdb":
        errors.print("[red]--backend must be duckdb or spark[/red]")
        raise typer.Exit(2)
    try:
        with console.status("Resolving") as status:
            report = resolve_store(
                engine, linkage, now=now(), progress=lambda m: status.update(m), score=score
            )
    finally:
        if session is not None:
            session.stop()
    console.print(
        f"{report.mentions:,} mentions → {report.entities:,} people "
        f"({report.created:,} new, {report.joined:,} joined, {report.moved:,} moved, "
        f"{report.retired:,} retired); {report.refused_links:,} links refused by judgements; "
        f"{report.queued_for_review:,} pairs newly queued for review "
        f"({report.awaiting_review:,} awaiting a reviewer)"
    )


@review_app.command("list")
def review_list(
    user: UserOption = "",
    purpose: PurposeOption = "",
    db: DbOption = None,
    limit: int = 20,
) -> None:
    """Show the open review queue with the evidence for each pair.

    As the API's queue: the user's role must allow ``review.judge``, the read is audited with
    the purpose, and evidence that is contact detail is shown without its values to a role that
    may not see it."""
    from threadline.crossref.reads import audited_read
    from threadline.crossref.supervision import at_stake
    from threadline.guard.disclosure import disclose_evidence
    from threadline.resolve.review import open_queue

    engine = engine_for(db)
    who = reader_for(engine, user, purpose, "review.judge", "review list")
    items = audited_read(
        engine,
        who,
        lambda conn: open_queue(conn, limit),
        lambda found: sorted({f"mention:{k}" for i in found for k in (i.mention_a, i.mention_b)}),
        now(),
        lambda found: {"queue_viewed": len(found)},
    )
    for item in items:
        console.print(
            f"[bold]{escape(item.mention_a)}[/bold]  ↔  {escape(item.mention_b)}", highlight=False
        )
        for line in at_stake(item):
            console.print(f"    [bold]at stake:[/bold] {escape(line)}", highlight=False)
        for line in disclose_evidence(item.evidence, who.role):
            say(f"    {line}")


def _reviewer(engine: Engine, username: str, command: str) -> Auditor:
    """The active user ``username`` as the auditor of a judgement or a split, if their role may
    judge the review queue (``review.judge``, as the API asks); else, audited, the command ends."""
    return step_auditor(engine, username, command, action="review.judge")


@review_app.command("judge")
def review_judge(
    mention_a: str,
    mention_b: str,
    judgement: Annotated[str, typer.Argument(help="same, different or unsure")],
    user: Annotated[str, typer.Option(help="Who is judging (a user of the store).")],
    note: str | None = None,
    db: DbOption = None,
) -> None:
    """Record a judgement on two mentions (append-only; "different" binds the model).

    The same use case as the API's (:func:`threadline.usecases.review.judge`): checked,
    stored in the writers' turn and audited the same way."""
    from threadline.usecases.errors import Refused
    from threadline.usecases.review import PairJudgement, judge

    engine = engine_for(db)
    asked = PairJudgement(mention_a, mention_b, judgement, note)
    try:
        outcome = judge(engine, _reviewer(engine, user, "review judge"), asked, now())
    except Refused as refused:
        fail(f"{refused.field or 'refused'}: {refused.message}")
    console.print(outcome)


@review_app.command("split")
def review_split(
    entity_id: str,
    mention_keys: list[str],
    user: Annotated[str, typer.Option(help="Who is splitting (a user of the store).")],
    reason: Annotated[str, typer.Option(help="Why these records are someone else.")],
    db: DbOption = None,
) -> None:
    """Split records off a wrongly merged entity into a new one.

    The same use case as the API's (:func:`threadline.usecases.people.split_person`): checked,
    stored in the writers' turn and audited the same way."""
    from threadline.usecases.errors import Refused
    from threadline.usecases.people import split_person

    engine = engine_for(db)
    try:
        new_id = split_person(
            engine, _reviewer(engine, user, "review split"), entity_id, mention_keys, reason, now()
        )
    except Refused as refused:
        fail(f"{refused.field or 'refused'}: {refused.message}")
    console.print(f"{len(mention_keys)} records moved from {entity_id} to {new_id}")


@export_app.command("mentions")
def export_mentions(
    user: UserOption = "",
    purpose: PurposeOption = "",
    db: DbOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv",
) -> None:
    """Every person mention with the entity it was resolved to and the match probability.

    A bulk disclosure of people: it needs a user whose role may export (``export.mentions``)
    and a purpose, and writes an audit row naming the user, the purpose and how many rows; a
    refused attempt is audited too."""
    from threadline.crossref.export import ExportRefused, audited_mention_rows
    from threadline.export import safe_csv_writer
    from threadline.resolve.export import MENTION_COLUMNS

    if fmt not in ("csv", "jsonl"):
        errors.print("[red]--format must be csv or jsonl[/red]")
        raise typer.Exit(2)
    try:
        rows = audited_mention_rows(engine_for(db), user, purpose, now(), fmt)
    except ExportRefused as error:
        fail(f"refused: {error}")
    handle = output.open("w", newline="") if output else sys.stdout
    try:
        if fmt == "csv":
            safe_csv_writer(handle).writedicts(MENTION_COLUMNS, rows)
        else:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    finally:
        if output:
            handle.close()

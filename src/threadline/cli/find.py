"""``threadline find``: a person by name (and anything else known), as the web's search and the
API's ``/api/people/search`` find them (:func:`threadline.usecases.people.search`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from threadline.cli.app import app, console, engine_for, errors, model_for, now, reader_for
from threadline.cli.options import DbOption, ModelOption, PurposeOption, UserOption


def _detail(help_text: str) -> Any:
    return typer.Option(help=help_text)


@app.command("find")
def find_command(
    forenames: Annotated[str | None, _detail("Forename(s) as given.")] = None,
    surname: Annotated[str | None, _detail("Surname.")] = None,
    dob: Annotated[str | None, _detail("Date of birth: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    phone: Annotated[str | None, _detail("A phone number in any usual format.")] = None,
    postcode: Annotated[str | None, _detail("A UK postcode.")] = None,
    email: Annotated[str | None, _detail("An e-mail address.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="At most this many people.")] = 10,
    user: UserOption = "",
    purpose: PurposeOption = "",
    db: DbOption = None,
    model: ModelOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Find the people some details may belong to, most probable first: how sure, the deciding
    evidence, and what tells two people of one name apart (born, area, last seen).

    As the API's search: the user's role must allow ``person.search``, the search and what it
    found are audited with the purpose, and what is shown is what the role may see."""
    from threadline.resolve.search import PersonQuery
    from threadline.usecases import people
    from threadline.usecases.auditor import Auditor
    from threadline.usecases.errors import Unprocessable

    engine = engine_for(db)
    who = reader_for(engine, user, purpose, "person.search", "find")
    linkage = model_for(model)
    query = PersonQuery(forenames, surname, dob, phone, postcode, email)
    try:
        found = people.search(
            engine, Auditor(engine, who.user, now), linkage, query, who.purpose, limit
        )
    except Unprocessable as error:
        errors.print(escape(error.message), style="red")
        raise typer.Exit(2) from None
    if json_output:
        typer.echo(json.dumps(found, indent=2, default=str))
        return
    print_hits(found["hits"])


def print_hits(hits: list[dict[str, Any]]) -> None:
    """Search hits as a table, one person a row, with what tells them apart side by side."""
    if not hits:
        console.print("No one known matches.")
        return
    table = Table("person", "name", "how sure", "born", "area", "last seen", "records", "deciding")
    for hit in hits:
        area = hit["area"] or ("withheld" if "area" in hit.get("withheld", []) else "")
        table.add_row(
            hit["entity_id"],
            escape(hit["label"] or ""),
            f"{hit['confidence']} ({hit['probability']:.0%})",
            hit["dob"] or "",
            area,
            hit["last_seen"] or "",
            str(hit["records"]),
            escape(str(hit["deciding"] or "")),
        )
    console.print(table)

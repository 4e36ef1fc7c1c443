"""Find a person by name (and whatever else is known): the same search as the call-time panel
and ``/api/people/search`` (:func:`threadline.usecases.people.search`), on a page of its own.

The purpose is a field of the search form: nothing is looked up until it is given, and the
search and what it found are written to the audit log with it. Each hit says how sure the model
is in words, the deciding evidence, and what tells two people of one name apart (born, area,
last seen), side by side.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, EngineDep, linkage_model_of, require
from threadline.guard.users import User
from threadline.resolve.search import PersonQuery
from threadline.usecases import people
from threadline.usecases.errors import Unprocessable
from threadline.web.pages.purpose import PurposeQuery, stated_purpose
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Searcher = Annotated[User, require("person.search")]
FIELDS = (
    ("forenames", "Forename(s)", 120),
    ("surname", "Surname", 120),
    ("dob", "Date of birth (YYYY-MM-DD, or just the year)", 10),
    ("phone", "Phone", 40),
    ("postcode", "Postcode", 10),
)


def _field(max_length: int) -> Any:
    return Query(max_length=max_length)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    user: Searcher,
    engine: EngineDep,
    audited: Audited,
    forenames: Annotated[str | None, _field(120)] = None,
    surname: Annotated[str | None, _field(120)] = None,
    dob: Annotated[str | None, _field(10)] = None,
    phone: Annotated[str | None, _field(40)] = None,
    postcode: Annotated[str | None, _field(10)] = None,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """The search form; with details and a purpose, the people they may belong to."""
    values = {"forenames": forenames, "surname": surname, "dob": dob, "phone": phone,
              "postcode": postcode}  # fmt: skip
    asked = any(v and v.strip() for v in values.values())
    stated, problem = stated_purpose(user, purpose) if asked else (None, None)
    if asked and stated is None:
        problem = problem or "Say why you are searching: it is logged with the search."
    hits: list[dict[str, Any]] | None = None
    error: str | None = None
    if asked and stated is not None:
        query = PersonQuery(forenames, surname, dob, phone, postcode)
        try:
            found = people.search(engine, audited, linkage_model_of(request), query, stated, 20)
            hits = found["hits"]
        except Unprocessable as refused:
            error = refused.message
    context = {
        "fields": [(name, label, size, values[name] or "") for name, label, size in FIELDS],
        "purpose": purpose or "",
        "problem": problem,
        "error": error,
        "hits": hits,
        "stated": stated,
    }
    return render(request, "search.html", user, context, status_code=400 if problem else 200)

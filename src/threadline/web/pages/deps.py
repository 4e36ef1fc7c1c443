"""What pages need beyond the API's dependencies: the browser's form."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from threadline.api.security import CSRF_FIELD


async def form_items(request: Request) -> list[tuple[str, str]]:
    """The posted form's text fields as (name, value) pairs, in the order sent, without the
    CSRF token (checked before the page runs: :mod:`threadline.api.hardening`)."""
    form = await request.form()
    return [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name != CSRF_FIELD
    ]


FormItems = Annotated[list[tuple[str, str]], Depends(form_items)]

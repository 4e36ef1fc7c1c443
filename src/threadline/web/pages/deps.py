"""What pages need beyond the API's dependencies: the browser's form, and a form that takes a
step (on an alert, a case, a MARAC referral)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from threadline.api.security import CSRF_FIELD
from threadline.usecases.errors import Unprocessable


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


@dataclass(frozen=True)
class StepForm:
    """A posted form that takes a step: every (name, value) pair in the order sent, and each
    field's value (the last of a repeated one)."""

    items: list[tuple[str, str]]
    fields: dict[str, str]

    def every(self, name: str) -> list[str]:
        """Each value of a repeated field (``grounds``, ``criteria``), in the order sent."""
        return [value for key, value in self.items if key == name]

    def purpose(self) -> str:
        """The purpose stated, as typed: a 422 naming it when it is under three characters
        once trimmed."""
        purpose = self.fields.get("purpose", "")
        if len(purpose.strip()) < 3:
            raise Unprocessable("state the purpose", field="purpose")
        return purpose


async def step_form(items: FormItems) -> StepForm:
    return StepForm(items, dict(items))


StepFormDep = Annotated[StepForm, Depends(step_form)]

"""What pages need beyond the API's dependencies: the browser's form, and a form that takes a
step (on an alert, a case, a MARAC referral)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Path, Request

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


S = TypeVar("S", bound=str)


@dataclass(frozen=True)
class StepForm(Generic[S]):
    """A posted form that takes a step: the step its path names, every (name, value) pair in
    the order sent, and each field's value (the last of a repeated one)."""

    step: S
    items: list[tuple[str, str]]
    fields: dict[str, str]

    def every(self, name: str) -> list[str]:
        """Each value of a repeated field (``grounds``, ``criteria``), in the order sent."""
        return [value for key, value in self.items if key == name]

    def filled(self, names: Iterable[str]) -> dict[str, str]:
        """The fields of ``names`` the form filled in (an empty one is not given)."""
        return {name: self.fields[name] for name in names if self.fields.get(name)}

    def purpose(self) -> str:
        """The purpose stated, as typed: a 422 naming it when it is under three characters
        once trimmed."""
        purpose = self.fields.get("purpose", "")
        if len(purpose.strip()) < 3:
            raise Unprocessable("state the purpose", field="purpose")
        return purpose


def step_form(steps: tuple[S, ...]) -> Callable[..., Awaitable[StepForm[S]]]:
    """The dependency of a page posting to a path with ``{step}``: the form, with the step it
    names, one of ``steps`` (any other segment is a 422 naming ``step``, before the page runs)."""
    pattern = "^(" + "|".join(steps) + ")$"

    # The pattern is the default, not in the annotation: annotations here are text, read
    # against the module's names, where this call's ``pattern`` is not.
    async def posted(items: FormItems, step: str = Path(pattern=pattern)) -> StepForm[S]:
        chosen = next(s for s in steps if s == step)
        return StepForm(chosen, items, dict(items))

    return posted

"""The routes that take one step on followed work (an alert, a case, a MARAC referral), made
from a table: each step is ``POST`` to its path with its own body, allowed by the policy's
``<thing>.<step>`` (403 otherwise), and answers the thing as it stands after the step.

What differs between the three kinds of work is declared once per kind (the dependency that
carries the store, clock, auditor and purpose; the use case that takes the step; the answer
model; the refusals) and once per step (its path, path parameters, body and description), so
that a new step is one :class:`StepRoute` in its module's table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from inspect import Parameter, Signature
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel

from threadline.api.deps import require
from threadline.guard.users import User

__all__ = ["StepRoute", "add_step_routes"]


@dataclass(frozen=True)
class StepRoute:
    """One step's route: the step (the policy's ``<thing>.<step>``, the operation's name
    ``<thing>_<step>``), its path, its path parameters (name to annotated type), its body and
    what it does (the operation's description)."""

    step: str
    path: str
    body: type[BaseModel]
    description: str
    params: Mapping[str, Any] = field(default_factory=dict)
    status_code: int = 200


#: ``take(context, step, body, **path_parameters)``: the step taken, the thing as it stands.
TakeStep = Callable[..., BaseModel]


def add_step_routes(
    router: APIRouter,
    thing: str,
    steps: Iterable[StepRoute],
    *,
    context: Any,
    take: TakeStep,
    answer: type[BaseModel],
    responses: dict[int | str, dict[str, Any]],
) -> None:
    """Add one ``POST`` route per step to ``router``: the user must be allowed
    ``<thing>.<step>``; ``context`` (an ``Annotated`` dependency) and the step's path
    parameters and body are handed to ``take``, whose answer is ``answer``."""
    for step in steps:
        router.add_api_route(
            step.path,
            _endpoint(step, thing, context, take, answer),
            methods=["POST"],
            response_model=answer,
            status_code=step.status_code,
            responses=responses,
            name=f"{thing}_{step.step}",
            description=step.description,
        )


def _endpoint(
    step: StepRoute, thing: str, context: Any, take: TakeStep, answer: type[BaseModel]
) -> Callable[..., BaseModel]:
    def endpoint(user: User, context: Any, body: BaseModel, **path: Any) -> BaseModel:
        return take(context, step.step, body, **path)

    def keyword(name: str, annotation: Any) -> Parameter:
        return Parameter(name, Parameter.KEYWORD_ONLY, annotation=annotation)

    permission = f"{thing}.{step.step}"
    endpoint.__signature__ = Signature(  # type: ignore[attr-defined]
        [
            keyword("user", Annotated[User, require(permission)]),
            keyword("context", context),
            *(keyword(name, annotation) for name, annotation in step.params.items()),
            keyword("body", step.body),
        ],
        return_annotation=answer,
    )
    endpoint.__name__ = f"{thing}_{step.step}"
    return endpoint

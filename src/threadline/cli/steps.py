"""Step commands: one command for each step on followed work (an alert, a case, a MARAC referral).

Every step command of a group names what it acts on (an alert's key, a case's number, a
referral's reference), the options of its own step, and the same few options saying who takes
it, why, and in which store. :func:`step_commands` declares the shared part once for a group;
each step is then written as the function that turns its own options into the step's details
(``given``), with its help text, and the group's ``take`` does the rest.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import typer

from threadline.cli.options import AsOption, DbOption, StepPurposeOption

Given = dict[str, Any]
GivenFn = Callable[..., Given]


def option(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    """A parameter of a step command, declared once for a group."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


#: Who takes a step on an alert or a MARAC referral, why, and in which store.
STAFF_STEP: tuple[inspect.Parameter, ...] = (
    option("as_user", AsOption),
    option("purpose", StepPurposeOption),
    option("db", DbOption, None),
)


def step_commands(
    group: typer.Typer,
    subject: inspect.Parameter,
    shared: Sequence[inspect.Parameter],
    take: Callable[..., None],
) -> Callable[..., Callable[[GivenFn], GivenFn]]:
    """A decorator for the step commands of ``group``: ``@steps("close")`` over a function of
    the step's own options that returns its details makes the command ``close``, taking
    ``subject`` first and the ``shared`` options after its own. The command calls
    ``take(subject, step, given, **shared)``."""

    def register(name: str, step: str | None = None) -> Callable[[GivenFn], GivenFn]:
        def decorate(given: GivenFn) -> GivenFn:
            own = inspect.signature(given, eval_str=True).parameters.values()
            params = [
                p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in (subject, *own, *shared)
            ]

            def command(**values: Any) -> None:
                taken = {p.name: values.pop(p.name) for p in shared}
                on = values.pop(subject.name)
                take(on, step or name, given(**values), **taken)

            command.__doc__ = given.__doc__
            command.__name__ = command.__qualname__ = given.__name__
            command.__module__ = given.__module__
            command.__annotations__ = {p.name: p.annotation for p in params}
            setattr(command, "__signature__", inspect.Signature(params, return_annotation=None))  # noqa: B010
            group.command(name)(command)
            return given

        return decorate

    return register

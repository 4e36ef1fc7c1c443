"""The dependencies routes declare: the engine, the signed-in user, permission, purpose, audit.

Permission is checked in one place, :class:`Require` (``user: Annotated[User, require("x")]``),
which asks :func:`threadline.guard.policy.require` and writes nothing. A route that discloses,
changes or combines personal data takes :data:`Audited` and writes one audit row before it
returns. A person-record view also takes :data:`Purpose`: the reason the user gives for looking,
from the ``purpose`` query parameter or the ``X-Purpose`` header. Declare the permission before
the purpose, so that a user without the permission hears "forbidden" rather than "give a purpose".

Every route is one of: public (``dependencies=[PUBLIC]``, e.g. signing in), any signed-in user
(:data:`CurrentUser`), or guarded by :func:`require`. ``tests/api/test_access.py`` walks
``app.routes`` and fails for a route that is none of these.

The dependencies that only read the app's state or check a value are ``async def``: FastAPI
runs a plain ``def`` dependency in its thread pool, a hop to another thread and back for each
(eight for a submission), and under load every hop back waits for the GIL. Only
:func:`get_current_user`, which reads the user's row, stays ``def``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine

from threadline.api.errors import ApiError, error_answer
from threadline.api.security import Claim, Tokens, claim_of
from threadline.api.turns import SubmissionTurns
from threadline.guard import audit, policy
from threadline.guard.policy import MAX_PURPOSE_LENGTH, MIN_PURPOSE_LENGTH
from threadline.guard.users import User, get_user
from threadline.recognise.rules import RULES_BY_ID
from threadline.resolve.linkage import LinkageModel
from threadline.settings import Settings
from threadline.store import writing
from threadline.store.alert_board import MAX_PAGE_SIZE, PAGE_SIZE, AlertFilter
from threadline.usecases.auditor import Auditor
from threadline.usecases.supervision import BoardQuery

T = TypeVar("T")
#: What :func:`checked_purpose` accepts, as the OpenAPI states it: at least three characters
#: once trimmed (two non-space characters with something between them) and at most 500 in all
#: (whitespace spelt out as Python's ``str.strip`` reads it: JSON Schema's ``\s`` is ECMAScript's,
#: which differs, so neither ``\s`` nor ``\S`` would say the same to every reader)
WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
PURPOSE_PATTERN = rf"[^{WHITESPACE}][\s\S]+[^{WHITESPACE}]"
PURPOSE_DESCRIPTION = (
    "Why you are viewing this record, for example an incident reference: required, 3 to "
    f"{MAX_PURPOSE_LENGTH} characters once trimmed (a 400 naming purpose otherwise). It may be "
    "sent as the X-Purpose header instead."
)

_bearer = OAuth2PasswordBearer(tokenUrl="/api/token", auto_error=False)


async def public() -> None:
    """Marks a route that needs no sign-in (``dependencies=[PUBLIC]``)."""


PUBLIC = Depends(public)


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def submission_turns(request: Request) -> SubmissionTurns:
    """This worker's :class:`~threadline.api.turns.SubmissionTurns`, made on first use (in the
    event loop: one thread, no race); 503 if there is no linkage model."""
    state = request.app.state
    turns: SubmissionTurns | None = getattr(state, "submission_turns", None)
    if turns is None:
        model = linkage_model_of(request)
        turns = state.submission_turns = SubmissionTurns(
            state.engine, model, state.submission_group
        )
    return turns


async def get_submission_turns(request: Request) -> SubmissionTurns:
    return submission_turns(request)


async def get_clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


async def get_tokens(request: Request) -> Tokens:
    tokens: Tokens = request.app.state.tokens
    return tokens


def linkage_model_of(request: Request) -> LinkageModel:
    """The app's linkage model (read once by ``create_api``); 503 if there is none."""
    model: LinkageModel | None = getattr(request.app.state, "linkage_model", None)
    if model is None:
        raise ApiError(503, "no linkage model: run threadline train")
    return model


async def get_linkage_model(request: Request) -> LinkageModel:
    return linkage_model_of(request)


EngineDep = Annotated[Engine, Depends(get_engine)]
ModelDep = Annotated[LinkageModel, Depends(get_linkage_model)]
TurnsDep = Annotated[SubmissionTurns, Depends(get_submission_turns)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]
TokensDep = Annotated[Tokens, Depends(get_tokens)]


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(
    request: Request,
    engine: EngineDep,
    tokens: TokensDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> User:
    """The signed-in user, from a bearer token or the session cookie; 401 if there is none.

    The user is read afresh on every request, so a disabled account, a changed password or a
    changed role takes effect at once. A refusal is audited (:func:`audit_refusal`).
    """
    claim: Claim | None
    if token:
        claim = tokens.read(token)
        refusal = "the token is not valid or has expired: ask for a new one"
    else:
        claim = claim_of(request.session.get("user"))
        refusal = "sign in first (POST /api/login, or POST /api/token for a token)"
    user = get_user(engine, claim.username) if claim is not None else None
    if claim is not None and (user is None or not user.active or user.session_stamp != claim.stamp):
        request.session.clear()
        refusal = "this session has ended: sign in again"
        user = None
    if user is None:
        audit_refusal(request, 401, refusal, user=claim.username if claim else "")
        raise _unauthorised(refusal)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


class Require:
    """The permission check: the signed-in user's role must be allowed ``action``."""

    def __init__(self, action: str) -> None:
        policy.permission(action)  # an undeclared action fails when the route is defined
        self.action = action

    async def __call__(self, request: Request, user: CurrentUser) -> User:
        try:
            policy.require(user.role, self.action)
        except policy.PermissionDenied as denied:
            await run_in_threadpool(
                audit_refusal, request, 403, denied.reason, user=user, asked=self.action
            )
            raise
        return user

    def __repr__(self) -> str:
        return f"Require({self.action!r})"


def require(action: str) -> Any:
    """``user: Annotated[User, require("person.view")]``: 401 if not signed in, 403 if the
    role may not; the user otherwise."""
    return Depends(Require(action))


def checked_purpose(purpose: str | None, x_purpose: str | None = None) -> str:
    """The purpose the user states for viewing a record; 400 naming ``purpose`` if none."""
    stated = (purpose if purpose is not None else x_purpose or "").strip()
    if len(stated) < MIN_PURPOSE_LENGTH:
        raise ApiError(
            400,
            "state why you are viewing this record: the purpose query parameter or the "
            "X-Purpose header (for example an incident reference)",
            field="purpose",
        )
    if len(stated) > MAX_PURPOSE_LENGTH:
        raise ApiError(400, f"keep the purpose under {MAX_PURPOSE_LENGTH} characters", "purpose")
    return stated


async def get_purpose(
    request: Request,
    user: CurrentUser,
    purpose: Annotated[str | None, Query(description=PURPOSE_DESCRIPTION)] = None,
    x_purpose: Annotated[str | None, Header(alias="X-Purpose", include_in_schema=False)] = None,
) -> str:
    """:func:`checked_purpose` of the query parameter or the header; a refusal is audited.

    The OpenAPI states ``purpose`` as the required query parameter it is in effect
    (:func:`threadline.api.main.document_purpose`); the header, its alternative for pages that
    keep it out of the address, is described there and left out of the parameters, so a
    client generated from the schema always sends the query parameter."""
    try:
        return checked_purpose(purpose, x_purpose)
    except ApiError as refused:
        given = (purpose if purpose is not None else x_purpose or "")[:MAX_PURPOSE_LENGTH]
        await run_in_threadpool(
            audit_refusal, request, 400, str(refused.detail), user=user, purpose=given or None
        )
        raise


Purpose = Annotated[str, Depends(get_purpose)]


def client_of(request: Request) -> str | None:
    """The address ``request`` came from, as the server saw it (behind a proxy, run uvicorn with
    ``--proxy-headers`` so that it is the proxy's ``X-Forwarded-For``)."""
    return request.client.host[:64] if request.client else None


def anchor_file_of(request: Request) -> audit.AnchorFile | None:
    """The app's audit anchor file (``settings.audit_anchor_path``), made on first use."""
    state = request.app.state
    if not hasattr(state, "audit_anchors"):
        settings = getattr(state, "settings", None)
        path = getattr(settings, "audit_anchor_path", None)
        every = getattr(settings, "audit_anchor_every", 1000)
        state.audit_anchors = audit.AnchorFile(path, every) if path else None
    anchors: audit.AnchorFile | None = state.audit_anchors
    return anchors


#: The audit actions of attempts that were turned away (not policy actions: nothing was done).
REFUSED = audit.REFUSED
SIGNIN_FAILED = "signin.failed"


def audit_refusal(
    request: Request,
    status: int,
    reason: str,
    *,
    user: User | str = "",
    asked: str | None = None,
    purpose: str | None = None,
    action: str = REFUSED,
) -> audit.AuditEntry:
    """Write the audit row of a refused attempt (401, 403, or 400 for want of a purpose) or a
    failed sign-in (``action=SIGNIN_FAILED``, ``user`` the name tried): who, if known, from
    where, what they asked for (method, path, and the policy action ``asked``) and why not.

    The dependencies that refuse call it (:func:`get_current_user`, :class:`Require`,
    :func:`get_purpose`), so no route repeats it.
    """
    state = request.app.state
    detail: dict[str, Any] = {
        "status": status,
        "method": request.method,
        "path": request.url.path[:300],
        "reason": reason,
    }
    if asked is not None:
        detail["action"] = asked
    username, role = (user.username, user.role.value) if isinstance(user, User) else (user, "")
    with writing(state.engine, alone=False) as conn:
        return audit.record(
            conn,
            username[:80],
            role,
            action,
            [],
            purpose,
            detail,
            state.clock(),
            client=client_of(request),
            anchors=anchor_file_of(request),
        )


async def get_auditor(
    request: Request, user: CurrentUser, engine: EngineDep, clock: ClockDep
) -> Auditor:
    return Auditor(engine, user, clock, client_of(request), anchor_file_of(request))


Audited = Annotated[Auditor, Depends(get_auditor)]


@dataclass(frozen=True)
class Recording:
    """What a route that stores or discloses something needs beside the user's permission and
    its own input: the store, the clock and the auditor (who writes the audit row)."""

    engine: Engine
    clock: Callable[[], datetime]
    audited: Auditor


async def recording(engine: EngineDep, clock: ClockDep, audited: Audited) -> Recording:
    return Recording(engine, clock, audited)


#: ``recording: RecordingDep`` after the permission: the store, clock and auditor together.
RecordingDep = Annotated[Recording, Depends(recording)]


@dataclass(frozen=True)
class Acting(Recording):
    """What a route that reads or acts on person data (a picture, a person, a case, a MARAC
    referral) needs: the store, the clock, the auditor and the purpose stated."""

    purpose: str

    @property
    def reading(self) -> tuple[Engine, Auditor, str]:
        """The store, the auditor and the purpose: what a use case that lists or counts
        person data takes first (``supervision.alerts(*acting.reading, ...)``)."""
        return self.engine, self.audited, self.purpose


async def acting(engine: EngineDep, clock: ClockDep, audited: Audited, purpose: Purpose) -> Acting:
    return Acting(engine, clock, audited, purpose)


#: ``acting: ActingDep`` after the permission: the store, clock, auditor and purpose together.
ActingDep = Annotated[Acting, Depends(acting)]


# -- What the dependencies can answer, documented once -------------------------------------------
#
# Each refusal above comes from a dependency (or, for 403 CSRF, 413 and 429, a middleware every
# route passes through), so what a route can answer follows from what it depends on.
# :func:`error_responses` reads a route's dependency tree and names each status with the one
# error body (:class:`~threadline.api.errors.ErrorResponse`); ``create_api`` adds them to every
# route's OpenAPI (:func:`threadline.api.main.document_errors`). A route's own ``responses=``
# (a 404 for its record, say) stands beside them and wins where both name a status.

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _calls(dependant: Dependant) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found += _calls(sub)
    return found


def _has_inputs(dependant: Dependant) -> bool:
    own = (
        dependant.path_params
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
    )
    return bool(own) or any(_has_inputs(sub) for sub in dependant.dependencies)


def error_responses(dependant: Dependant, methods: Sequence[str]) -> dict[int | str, Any]:
    """The error answers a route with this dependency tree can give, each with its reason."""
    calls = _calls(dependant)
    out: dict[int | str, Any] = {}
    if _has_inputs(dependant):
        out[422] = error_answer("A parameter or a field of the body is not valid (named in field)")
    if get_current_user in calls:
        out[401] = error_answer("Not signed in, or the session or token has ended")
    requires = [c.action for c in calls if isinstance(c, Require)]
    forbidden = []
    if requires:
        forbidden.append(f"the role may not {', '.join(sorted(set(requires)))}")
    if UNSAFE_METHODS & set(methods):
        forbidden.append(
            "a cookie-signed-in request without the X-CSRF-Token header, or from another origin"
        )
    if forbidden:
        out[403] = error_answer("Refused: " + "; or ".join(forbidden))
    reasons = []
    if get_purpose in calls:
        reasons.append("no purpose given, or one over 500 characters (field: purpose)")
    has_body = bool(dependant.body_params) or any(sub.body_params for sub in dependant.dependencies)
    if has_body:
        reasons.append("the body could not be read (not UTF-8, say)")
    if reasons:
        out[400] = error_answer("; or ".join(reasons).capitalize())
    if get_linkage_model in calls or get_submission_turns in calls:
        out[503] = error_answer("No linkage model has been trained")
    if has_body:
        out[413] = error_answer("The request body is too large")
    out[429] = error_answer("Too many requests from this user or address: see Retry-After")
    return out


def signoff_hours(request: Request) -> float:
    """The force's time for signing off a 'not arrested' decision (settings)."""
    settings: Settings = getattr(request.app.state, "settings", None) or Settings()
    return settings.not_arrested_signoff_hours


async def get_board_query(
    rule: Annotated[
        str | None,
        Query(
            max_length=60,
            description="Only this rule's alerts",
            json_schema_extra={"enum": sorted(RULES_BY_ID)},
        ),
    ] = None,
    severity: Annotated[
        Literal["high", "medium", "low"] | None, Query(description="Only this severity")
    ] = None,
    since: Annotated[date | None, Query(description="Last changed on or after (UTC day)")] = None,
    until: Annotated[date | None, Query(description="Last changed on or before (UTC day)")] = None,
    assigned_to: Annotated[
        str | None, Query(max_length=80, description="Assigned to this officer or team")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Alerts per page")] = PAGE_SIZE,
) -> BoardQuery:
    """The dashboard's alert filters and paging, the same for the page and ``/api/dashboard``;
    an unknown rule or a day range that ends before it starts is refused (422)."""
    if rule and rule not in RULES_BY_ID:
        raise ApiError(422, f"no rule {rule!r}", field="rule")
    if since and until and until < since:
        raise ApiError(422, "until is before since", field="until")
    f = AlertFilter(
        rule=rule or None,
        severity=severity,
        since=since,
        until=until,
        assigned_to=assigned_to or None,
    )
    return BoardQuery(f, page, size)


BoardDep = Annotated[BoardQuery, Depends(get_board_query)]

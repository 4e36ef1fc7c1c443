"""What each route answers, as pydantic models: the OpenAPI describes every 2xx body from these
(``tests/api/test_openapi_responses.py`` fails for a route whose answer is undescribed).

The use cases (:mod:`threadline.usecases`) return plain JSON already disclosed for the user's
role; a route declares one of these as its ``response_model`` and FastAPI checks the answer
against it. Times are ISO 8601 text as the use cases write them. A field a role may not see is
blanked or reads ``(withheld)``, never left out, so the shape does not depend on the role.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from threadline.api.mirror import mirror
from threadline.crossref.person import AssessmentPoint, MemberEvidence
from threadline.crossref.picture import (
    AssessmentView,
    ObjectLink,
    OrderView,
    PersonPicture,
    TimelineEntry,
)
from threadline.crossref.picture import Picture as IncidentPicture
from threadline.crossref.strip import StripItem
from threadline.resolve.search import SearchHit


class Answer(BaseModel):
    """A response body. A field the model does not name is an error (a 500 the tests see),
    not silently dropped: what the server sends and what the OpenAPI says cannot drift."""

    model_config = ConfigDict(extra="forbid")


# -- alerts ---------------------------------------------------------------------------------------


class ActionStepOut(Answer):
    """One step taken on an alert: which, by whom (and their role), when, and its details."""

    step: str
    by: str
    role: str
    at: str
    detail: dict[str, Any]


class AlertActionsOut(Answer):
    """Where an alert's actions stand (owner, acknowledgement, an owed arrest decision) and
    every step taken on it (``threadline.crossref.actions.with_actions``)."""

    status: str
    assignee: str | None = None
    acknowledged_by: str | None = None
    decision_owed: bool
    breach: bool = False
    awaiting_signoff: bool = False
    steps: list[ActionStepOut]


class StoredAlert(Answer):
    """An alert as the store keeps it: why it fired, what it cites, what to do, its state."""

    id: int | None = None
    alert_key: str
    rule_id: str
    first_incident_ref: str | None = None
    incident_ref: str
    people: list[str]
    reason: str
    action: str | None = None
    cited: list[str]
    severity: str
    details: dict[str, Any] | None = Field(
        default=None, description="The facts the rule found, by name (they differ by rule)"
    )
    status: str
    raised_at: str | None = None
    updated_at: str | None = None
    title: str | None = None
    actions: AlertActionsOut | None = Field(
        default=None, description="Who owns the alert and the steps taken on it"
    )


class AlertChangeOut(Answer):
    """An alert a submission or a research check raised, updated or cleared."""

    change: Literal["raised", "updated", "cleared"]
    rule_id: str
    alert_key: str
    incident_ref: str
    people: list[str]
    reason: str
    cited: list[str]
    severity: str
    action: str
    details: dict[str, Any] = Field(description="The facts the rule found, by name")
    raised_on: str


class AlertList(Answer):
    alerts: list[StoredAlert]


# -- the picture ----------------------------------------------------------------------------------


class TimelineEntryOut(mirror(TimelineEntry, base=Answer)):  # type: ignore[misc]
    """A record in a timeline: when, which, what, and who was in it in which role."""


class OrderOut(mirror(OrderView, base=Answer)):  # type: ignore[misc]
    """An order the person is party to, their role in it, and from when it binds."""


class AssessmentSummary(mirror(AssessmentView, base=Answer)):  # type: ignore[misc]
    """A risk assessment the person is the subject of."""


class BurstOut(Answer):
    start: str
    end: str
    count: int


class ContactsFromPerson(Answer):
    entity_id: str
    contacts: int
    after_stop: int
    while_order_bound: dict[str, int]
    senders: int
    told_to_stop_at: str | None


class CommsSenderOut(Answer):
    """A sender as written (withheld for roles that may not see contact details), attributed to
    a person (``attributed``), for a reviewer (``review``), to nobody yet (``unattributed``) or
    not shown (``withheld``), with the reason in words for the role."""

    sender: str
    status: str
    entity_id: str | None
    contacts: int
    after_stop: int
    while_order_bound: dict[str, int]
    first: str | None
    reason: str


class CommunicationsOut(Answer):
    """A person's communications evidence counted (threadline.recognise.contacts): contacts in
    all, per channel, per local day and channel, silent or withheld calls, at night, bursts, and
    per order the contacts on days it bound."""

    total: int
    per_channel: dict[str, int]
    per_day: dict[str, dict[str, int]]
    silent_or_withheld: int
    night: int
    night_hours: str
    bursts: list[BurstOut]
    burst_rule: str
    while_order_bound: dict[str, int]
    from_people: list[ContactsFromPerson] = Field(
        default_factory=list,
        description="Per person the senders are attributed to: contacts, after being told to "
        "stop, on days each order bound them (breach occasions, Family Law Act 1996 s42A)",
    )
    senders: list[CommsSenderOut] = Field(
        default_factory=list, description="Each sender: whose it is, why, and its contacts"
    )


class StripItemOut(mirror(StripItem, base=Answer)):  # type: ignore[misc]
    """One phrase of the summary strip ("7 breaches reported"); ``key`` names what it says."""


class MessageOut(Answer):
    """One stored message or call. ``text`` and ``attachments`` are blanked for a role that may
    not read content, ``sender``, ``recipients`` and ``thread`` read ``(withheld)`` for one that
    may not see contact details; ``withheld`` names what was."""

    at: str
    channel: str
    kind: str
    direction: str | None
    sender: str | None
    recipients: list[str]
    duration: int | None
    text: str | None
    attachments: list[str]
    thread: str | None
    file: str
    line: int
    withheld: list[str]


class DayContactsOut(Answer):
    """Contacts on one local day over one channel."""

    day: str
    channel: str
    count: int


class SenderCountOut(Answer):
    """Contacts from one sender as written (``null``: not said; ``(withheld)`` for a role that
    may not see contact details)."""

    sender: str | None
    count: int


class OrderBandOut(Answer):
    """An order the person is party to, as the chart draws it: binding from ``binds_from``
    (served, or the day made on notice: Family Law Act 1996 s42A(2)) to ``ends``."""

    ref: str
    label: str
    role: str
    starts: str
    binds_from: str | None
    ends: str | None
    binding: str


class CommunicationsPage(Answer):
    """A person's or an incident's communications evidence: contacts per day and channel,
    per sender, the orders' bands, and one page of the messages matching the filters."""

    subject: str
    content_shown: bool
    contact_details_shown: bool
    filters: dict[str, str]
    total: int
    offset: int
    limit: int
    messages: list[MessageOut]
    per_day: list[DayContactsOut]
    contacts: int
    senders: list[SenderCountOut]
    channels: list[str]
    orders: list[OrderBandOut]
    timezone: str


#: The response models of the picture's parts, by the dataclass each mirrors.
_PICTURE_PARTS: dict[type, type[BaseModel]] = {
    TimelineEntry: TimelineEntryOut,
    OrderView: OrderOut,
    AssessmentView: AssessmentSummary,
    StripItem: StripItemOut,
}


class PicturePerson(
    mirror(  # type: ignore[misc]
        PersonPicture,
        base=Answer,
        nested=_PICTURE_PARTS,
        communications=(CommunicationsOut | None, None),
        summary=(
            list[StripItemOut],
            Field(
                default=[],
                description="The summary strip about them: one line to read aloud, in order",
            ),
        ),
    )
):
    """One person of the incident: who they were resolved to, how sure and why (in words for the
    role), and their records, orders and risk assessments."""


class ObjectLinkOut(mirror(ObjectLink, base=Answer, nested=_PICTURE_PARTS)):  # type: ignore[misc]
    """Records sharing a phone, e-mail, account, vehicle or place with the incident (the value
    ``(withheld)`` for roles that may not see it)."""


class IncidentOut(Answer):
    """The incident itself; ``location``, ``postcode`` and ``narrative`` are null and named in
    ``withheld`` for roles that may not see them."""

    record_key: str
    ref: str
    source: str
    reported_at: str
    channel: str | None
    category: str | None
    closing_category: str | None
    qualifiers: list[str]
    location: str | None
    postcode: str | None
    narrative: str | None
    officer: str | None
    crime_refs: list[str]
    withheld: list[str] | None = None


class Picture(
    mirror(  # type: ignore[misc]
        IncidentPicture,
        base=Answer,
        nested={**_PICTURE_PARTS, PersonPicture: PicturePerson, ObjectLink: ObjectLinkOut},
        incident=(IncidentOut, ...),
        alerts=(list[StoredAlert], ...),
    )
):
    """Everything linked to one incident: its people and their history, records linked by shared
    objects, open alerts about them, and one timeline."""


class DecisionOut(Answer):
    """What happened to one person of a submitted record at call time, and why."""

    mention_key: str
    outcome: str
    entity_id: str
    probability: float | None
    matched_mention: str | None
    evidence: list[str]
    candidates: int
    other_entities: list[tuple[str, float]]
    merged: list[str]
    rule: str | None = Field(
        default=None, description="The declared join rule that joined the mention, or held it"
    )
    provisional: bool = Field(
        default=False,
        description="Joined on the name alone: undone at call time if a namesake arrives",
    )
    held_apart: list[tuple[str, str, str, float, float, bool]] = Field(
        default_factory=list,
        description=(
            "Members of other people this mention shows to fit two people who cannot be one: "
            "(member, the member it is most surely linked to, why, the match probabilities of "
            "its link to this mention and to that one, whether it joins this one)"
        ),
    )


class CaseChangeOut(Answer):
    """A case the record opened, joined or reopened (threadline.crossref.cases), and who holds
    it (told by a notification)."""

    case_id: int
    change: Literal["opened", "joined", "reopened"]
    incident_refs: list[str]
    officer: str | None
    team: str | None


class SubmissionOut(Answer):
    """What the live path did with a record: stored, each person resolved, the rules run, the
    course of conduct gathered into its case."""

    record_key: str
    ref: str
    kind: str
    outcome: str
    decisions: list[DecisionOut]
    alerts: list[AlertChangeOut]
    timings_ms: dict[str, float]
    committed_with: int
    cases: list[CaseChangeOut] = []


class IncidentSubmitted(SubmissionOut):
    picture: Picture


class ResearchCheck(Answer):
    incident_ref: str
    viewed_by: str
    viewed_at: str
    alerts: list[AlertChangeOut]


# -- people ---------------------------------------------------------------------------------------


class MentionOut(Answer):
    """One mention of the person as written in a record, with why it is theirs; contact fields
    blank and named in ``withheld`` for a protected role the user may not see."""

    mention_key: str | None = None
    record_key: str | None = None
    record_kind: str | None = None
    event_time: str | None = None
    position: str | None = None
    role: str | None = None
    forenames: str | None = None
    surname: str | None = None
    dob: str | None = None
    sex: str | None = None
    address_text: str | None = None
    postcode: str | None = None
    relationship_to_victim: str | None = None
    description: str | None = None
    phones: list[str] = []
    emails: list[str] = []
    accounts: list[str] = []
    vehicles: list[str] = []
    match_probability: float | None = None
    evidence: list[str] = []
    linked_to: str | None = None
    assigned_by: str | None = None
    assigned_at: str | None = None
    withheld: list[str] | None = None


class AssessmentPointOut(mirror(AssessmentPoint, base=Answer)):  # type: ignore[misc]
    """One risk assessment of the person, graded, against the previous one on the same
    checklist."""


class EntityEvent(Answer):
    """A change to the person's record: created, merged, split, a member moved; by whom, why."""

    id: int
    at: str
    action: str
    entity_id: str
    mention_keys: list[str]
    by: str
    note: str | None


class FoldedAlertOut(Answer):
    """Open alerts of one rule folded into one entry: how many, the latest, where raised."""

    rule_id: str
    severity: str
    count: int
    latest: str = Field(description="alert_key of the latest of them (in the person's alerts)")
    raised_at: str
    refs: list[str]


class PersonOut(Answer):
    """One person: every mention, the timeline of their records, orders, risk assessments and
    trend, open alerts, and how the record came to be."""

    entity_id: str
    kind: str | None = None
    label: str | None = None
    mentions: list[MentionOut]
    timeline: list[TimelineEntryOut] = []
    orders: list[OrderOut] = []
    assessments: list[AssessmentPointOut] = []
    alerts: list[StoredAlert] = []
    history: list[EntityEvent] = []
    record_keys: list[str] = []
    summary: list[StripItemOut] = Field(
        default=[], description="The summary strip: one line to read aloud, in order"
    )
    folded_alerts: list[FoldedAlertOut] = Field(
        default=[], description="The open alerts, one entry per rule with its count"
    )


class MemberEvidenceOut(mirror(MemberEvidence, base=Answer)):  # type: ignore[misc]
    """Why one mention belongs to the person: the member it is most surely linked to, the
    model's probability for that pair and the evidence in words."""


class PersonEvidence(Answer):
    """Why these records are one person."""

    entity_id: str
    members: list[MemberEvidenceOut]


class SearchHitOut(
    mirror(  # type: ignore[misc]
        SearchHit,
        base=Answer,
        exclude={"area_role"},  # for disclosure, not shown
        confidence=(
            str,
            Field(description="The probability in words, at resolution's thresholds"),
        ),
        deciding=(str | None, Field(description="The strongest piece of evidence")),
        dob=(str | None, Field(description="The date of birth most of their records give")),
        last_seen=(str | None, Field(description="The day of their latest record")),
        area=(
            str | None,
            Field(
                description="Postcode district of their latest known address; withheld (null, "
                "and named in `withheld`) from roles that may not see where a protected person "
                "lives"
            ),
        ),
        withheld=(list[str], Field(default_factory=list)),
    )
):
    """One resolved person the details may be: their best-scoring mention, the model's
    probability and why, how many records, and what tells two people of one name apart."""


class SearchResult(Answer):
    query: dict[str, str] = Field(description="The details searched on, as given")
    hits: list[SearchHitOut]


class SplitResult(Answer):
    entity_id: str
    new_entity_id: str
    moved: list[str]


# -- review ---------------------------------------------------------------------------------------


class MentionSummary(Answer):
    """A mention as a reviewer reads it (only ``mention_key`` if it is no longer stored)."""

    mention_key: str
    record_key: str | None = None
    kind: str | None = None
    ref: str | None = None
    role: str | None = None
    name: str | None = None
    forenames: str | None = None
    surname: str | None = None
    dob: str | None = None
    when: str | None = None
    entity_id: str | None = None


class ReviewPair(Answer):
    id: int
    mention_a: MentionSummary
    mention_b: MentionSummary
    match_probability: float
    at_stake: list[str] = Field(description="Open alerts about either person, in words")
    evidence: list[str]
    created_at: str


class ReviewQueue(Answer):
    pairs: list[ReviewPair]


class JudgementResult(Answer):
    mention_a: str
    mention_b: str
    judgement: Literal["same", "different", "unsure"]
    entities: list[str] = Field(description="The people the two mentions belonged to")
    entity: str | None = Field(
        default=None, description="The person kept (same) or split off (different)"
    )


# -- the dashboard --------------------------------------------------------------------------------


class UnresearchedIncident(Answer):
    ref: str
    reported_at: str
    category: str | None
    officer: str | None
    earlier: int


class OwedAssessmentOut(Answer):
    rule_id: str
    incident_ref: str
    officer: str | None
    reason: str
    victim_entity: str | None
    due_at: str | None


class RepeatVictim(Answer):
    alert_key: str
    people: list[str]
    reason: str
    incident_ref: str
    severity: str
    updated_at: str


class AlertCountOut(Answer):
    """How many open alerts one rule raised at one severity (counted over all of them)."""

    rule_id: str
    severity: str | None
    count: int


class AlertPageOut(Answer):
    """One page of the open alerts matching the filters, the most severe first, then the most
    recently changed; ``total`` counts every match, ``pages`` the pages of ``size``."""

    alerts: list[StoredAlert]
    page: int
    size: int
    total: int
    pages: int


class Dashboard(Answer):
    as_of: str
    open_alerts_by_rule: dict[str, int]
    open_alerts_by_rule_and_severity: list[AlertCountOut]
    open_alerts: int
    alerts: AlertPageOut
    unresearched_incidents: list[UnresearchedIncident]
    owed_assessments: list[OwedAssessmentOut]
    owed_assessments_total: int
    review_queue: int
    repeat_victims: list[RepeatVictim]


# -- risk assessments -----------------------------------------------------------------------------


class ScoreOut(Answer):
    yes: int
    no: int
    not_known: int
    unanswered: list[str]
    total: int
    describe: str


class GradedAssessmentOut(Answer):
    """A DASH or S-DASH with its score, grade and why (officers' free text null for roles that
    do not see contact details)."""

    ref: str
    source: str
    checklist: str
    checklist_version: str
    incident_ref: str
    assessed_at: str
    officer: str | None
    subject_entity: str | None
    safety_plan: bool
    score: ScoreOut | None
    grade: str | None
    visible_grade: str | None
    judgement_grade: str | None
    raised_by_judgement: bool
    judgement_reason: str | None
    reasons: list[str]
    problem: str | None


class AssessmentSubmitted(SubmissionOut):
    assessment: GradedAssessmentOut
    incident_known: bool


class TrendPointOut(Answer):
    ref: str
    checklist: str
    assessed_at: str
    yes_count: int
    grade: str | None
    score_change: str
    grade_change: str
    reason: str


class PersonAssessments(Answer):
    entity_id: str
    assessments: list[GradedAssessmentOut]
    trend: list[TrendPointOut]


class CriterionOut(Answer):
    id: str
    met: bool
    reason: str
    evidence: list[str]


class ReferralOut(Answer):
    victim: str
    label: str | None
    incident_ref: str | None
    officer: str | None
    criteria_met: list[str]
    reasons: list[str]
    criteria: list[CriterionOut]
    dash: GradedAssessmentOut | None
    suspect: str | None
    incidents: list[str]
    notes: list[str]


class Referrals(Answer):
    as_of: str
    escalation_incidents: int
    window_months: int
    referrals: list[ReferralOut]


class QuestionOut(Answer):
    id: str
    number: int
    section: str
    text: str
    notes_prompt: str


class ChecklistOut(Answer):
    """A checklist's questions, answers and guidance, as forms draw them."""

    id: str
    version: str
    title: str
    source: str
    grading: str
    answers: list[str]
    guidance: str
    questions: list[QuestionOut]


# -- statistics and health ------------------------------------------------------------------------


class Measure(Answer):
    id: str
    label: str


class StatsRow(Answer):
    period: str
    counts: dict[str, int] = Field(description="Count per measure id")
    change: dict[str, int | None] = Field(description="Change on the same period a year before")
    change_percent: dict[str, float | None]


class StatsOut(Answer):
    period: str
    measures: list[Measure]
    rows: list[StatsRow]
    notes: list[str]


class Health(Answer):
    status: Literal["ok"]


#: The ``responses`` entry of a route that answers CSV.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "CSV (UTF-8), one row a line, with a header row",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


# -- accountability ----------------------------------------------------------------------------


class AccountabilityItemOut(Answer):
    """One alert a supervisor must act on: which, what is owed, by whom, since or due when."""

    alert_key: str
    rule_id: str
    incident_ref: str
    people: list[str]
    team: str
    owner: str | None = None
    owed: str
    when: str | None = None
    escalated: bool
    rationale: str | None = Field(
        default=None, description="A 'not arrested' decision's rationale, for its sign-off"
    )


class AccountabilityOut(Answer):
    """The supervisor's accountability report for a team (or every team) and period."""

    as_of: str
    team: str | None = None
    since: str | None = None
    until: str | None = None
    breaches_without_decision: list[AccountabilityItemOut]
    not_arrested_unsigned: list[AccountabilityItemOut]
    past_due: list[AccountabilityItemOut]
    dash_owed_by_officer: dict[str, int]
    unresearched: list[dict[str, Any]] = Field(
        description="Calls taken without the research check (incident ref, when, who)"
    )

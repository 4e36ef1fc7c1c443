"""The store's tables: one row per record as received, plus the rows that make it searchable.

Each record (incident, crime, order, risk assessment) is kept whole as a JSON document, exactly as
validated, beside the columns that queries need. People, phones, e-mails, accounts and vehicles
mentioned in a record become rows of ``mentions`` and ``identifiers``, keyed by the record's
``record_key`` (``incident:cad:INC-1``) so that a re-import can replace them without renumbering.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from threadline.model.refs import (
    MENTION_KEY_MAX_LENGTH,
    RECORD_KEY_MAX_LENGTH,
    REF_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
)
from threadline.store.types import Document, UTCDateTime

#: Widths of the columns that hold references and the keys built from them: one definition, in
#: :mod:`threadline.model.refs` (PostgreSQL enforces them; SQLite keeps them as declared).
REF = String(REF_MAX_LENGTH)
RECORD_KEY = String(RECORD_KEY_MAX_LENGTH)
MENTION_KEY = String(MENTION_KEY_MAX_LENGTH)
#: ``rule:subject``, the subject being up to two references (an order and the incident that
#: breached it) or a location key (300): see :mod:`threadline.recognise.engine`.
ALERT_KEY = String(60 + 1 + max(2 * REF_MAX_LENGTH + 1, 300))
#: What an alert is about: a person id, an incident reference or a location key (300).
ALERT_LINK = String(max(REF_MAX_LENGTH, 300))
#: A user's name (2-80 characters, :mod:`threadline.guard.users`), wherever a row says who did
#: something; a process that does it (a linkage model, call-time resolution) writes its name there.
USERNAME = String(80)
#: A user's role (:mod:`threadline.guard.policy`), as granted and as recorded beside what they did.
USER_ROLE = String(20)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _record_table(name: str, *columns: Column[Any] | Index) -> Table:
    """The table of one kind of record: the columns every record has, then ``columns``; unique by
    (source, ref), and indexed by ref alone (the picture of INC-..., a crime's source incident)."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("record_key", RECORD_KEY, nullable=False, unique=True),
        Column("source", String(SOURCE_MAX_LENGTH), nullable=False),
        Column("ref", REF, nullable=False),
        Column("document", Document, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        *columns,
        UniqueConstraint("source", "ref", name=f"uq_{name}_source_ref"),
        Index(f"ix_{name}_ref", "ref"),
    )


def _numbered_table(name: str, *columns: Column[Any] | Index | UniqueConstraint) -> Table:
    """A table whose rows are numbered by an integer ``id`` primary key, then ``columns``."""
    return Table(name, metadata, Column("id", Integer, primary_key=True), *columns)


def _step_table(name: str, *columns: Column[Any]) -> Table:
    """An append-only log of attributed steps on one thing: a numbered table of ``columns`` (what
    the step is on), then when, which step, by whom in which role, and its details (JSON)."""
    return _numbered_table(
        name,
        *columns,
        Column("at", UTCDateTime, nullable=False),
        Column("step", String(20), nullable=False),
        Column("user", USERNAME, nullable=False),
        Column("role", USER_ROLE, nullable=False),
        Column("detail", Document, nullable=False),
    )


incidents = _record_table(
    "incidents",
    Column("reported_at", UTCDateTime, nullable=False),
    Column("occurred_from", UTCDateTime),
    Column("occurred_to", UTCDateTime),
    Column("channel", String(20), nullable=False),
    Column("category", String(40), nullable=False),
    Column("closing_category", String(40)),
    Column("domestic", Boolean, nullable=False),
    Column("location_text", String(300)),
    Column("postcode", String(10)),
    #: the location as one key however written (:func:`threadline.normalise.address_key`)
    Column("location_key", String(300), index=True),
    Column("narrative", Text, nullable=False),
    Column("officer", String(60)),
    #: whether its narrative or categories show a stalking behaviour
    #: (:func:`threadline.recognise.shows_stalking`), kept when it is written (migration 0017)
    Column("stalking_signs", Boolean),
    #: when its first DASH was done, kept whenever it or an assessment is written
    #: (:mod:`threadline.store.first_dash`, migration 0021)
    Column("first_dash_at", UTCDateTime),
    Index("ix_incidents_reported_at", "reported_at"),
    Index("ix_incidents_domestic", "domestic"),
    Index("ix_incidents_stalking_signs", "stalking_signs"),
    #: the owed list's DASH rule, counted and paged newest first (migration 0018)
    Index("ix_incidents_domestic_reported_at", "domestic", "reported_at", "ref", "officer"),
    #: the DASH owed counted, and by officer, from the index alone (migration 0021)
    Index(
        "ix_incidents_domestic_reported_at_first_dash",
        "domestic",
        "reported_at",
        "first_dash_at",
        "officer",
    ),
)

crimes = _record_table(
    "crimes",
    Column("offence", String(200), nullable=False),
    Column("offence_code", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("narrative", Text, nullable=False),
    Column("officer", String(60)),
)

#: Which incidents a crime was recorded from (by incident reference, as the crime gives it).
crime_incidents = _numbered_table(
    "crime_incidents",
    Column("crime_key", RECORD_KEY, nullable=False, index=True),
    Column("incident_ref", REF, nullable=False, index=True),
)

orders = _record_table(
    "orders",
    Column("order_type", String(40), nullable=False),
    Column("interim", Boolean, nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date),
    Column("conditions", Text, nullable=False),
    Column("court", String(200)),
)

risk_assessments = _record_table(
    "risk_assessments",
    Column("checklist", String(20), nullable=False),
    Column("checklist_version", String(20), nullable=False),
    Column("incident_ref", REF, nullable=False, index=True),
    Column("assessed_at", UTCDateTime, nullable=False),
    Column("officer", String(60)),
    Column("answers", Document, nullable=False),
    Column("judgement_grade", String(10)),
    Column("safety_plan", Boolean, nullable=False),
    #: the final grade and the count of "yes" answers (:func:`threadline.risk.graded_facts`),
    #: kept when it is written (migration 0017); ``grade`` null where it cannot be graded
    Column("grade", String(10)),
    Column("yes_count", Integer),
    Index("ix_risk_assessments_checklist_assessed_at", "checklist", "assessed_at"),
    #: an incident's first DASH (migration 0018)
    Index("ix_risk_assessments_checklist_incident_ref", "checklist", "incident_ref", "assessed_at"),
    #: the assessments graded high, for the safety plans owed (migration 0020)
    Index("ix_risk_assessments_grade_assessed_at", "grade", "assessed_at"),
)

#: One row per person as written in one record.
mentions = _numbered_table(
    "mentions",
    Column("mention_key", MENTION_KEY, nullable=False, unique=True),
    Column("record_kind", String(20), nullable=False),
    Column("record_key", RECORD_KEY, nullable=False, index=True),
    Column("position", String(20), nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("role", String(20), nullable=False),
    Column("forenames", String(120)),
    Column("surname", String(120)),
    Column("dob", String(10)),
    Column("sex", String(10)),
    Column("address_text", String(300)),
    Column("postcode", String(10)),
    Column("relationship_to_victim", String(30)),
    Column("description", String(300)),
)

#: Objects (POLE "O") named in a record: phones, e-mails, accounts, vehicles. ``value`` is the
#: normalised form (E.164, ``platform:handle``, ...) that links records; ``raw`` is as written.
identifiers = _numbered_table(
    "identifiers",
    Column("record_key", RECORD_KEY, nullable=False, index=True),
    Column("mention_key", MENTION_KEY, index=True),
    Column("kind", String(20), nullable=False),
    Column("raw", String(300), nullable=False),
    Column("value", String(300)),
    Index("ix_identifiers_kind_value", "kind", "value"),
)

#: What a record was and what it became, each time a re-import changed it.
record_history = _numbered_table(
    "record_history",
    Column("record_key", RECORD_KEY, nullable=False, index=True),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("before", Document, nullable=False),
    Column("after", Document, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id")),
)

#: Each import run, with its counts; a batch is acknowledged when its transaction commits.
imports = _numbered_table(
    "imports",
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("files", Document, nullable=False),
    Column("stored", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("batches", Integer, nullable=False, default=0),
)

__all__ = [
    "crime_incidents",
    "crimes",
    "identifiers",
    "imports",
    "incidents",
    "mentions",
    "metadata",
    "orders",
    "record_history",
    "risk_assessments",
]


# --- resolution: entities, their members, human judgements, the review queue -------------------

#: A resolved real-world thing (for now, people). Its id is stable: it stays as records join.
entities = Table(
    "entities",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("label", String(250)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: Which entity each person mention was resolved to, how sure, and why: ``evidence`` is a list
#: of pieces as JSON (:func:`threadline.resolve.explain.stored_evidence`), ``linked_to`` the
#: member it was linked to, if a batch run linked it to one.
entity_members = Table(
    "entity_members",
    metadata,
    Column("mention_key", MENTION_KEY, primary_key=True),
    Column("entity_id", String(40), ForeignKey("entities.id"), nullable=False, index=True),
    Column("match_probability", Float),
    Column("evidence", Document),
    Column("linked_to", String(200)),
    Column("assigned_at", UTCDateTime, nullable=False),
    Column("assigned_by", USERNAME, nullable=False),
)

#: Each incident's victim (else caller) and suspect as people, kept wherever a membership or
#: the incident's people are written (:mod:`threadline.store.parties`, migration 0019): the
#: S-DASH courses grouped by the index, not by every incident's mentions.
incident_parties = Table(
    "incident_parties",
    metadata,
    Column("record_key", RECORD_KEY, primary_key=True),
    Column("victim_entity", String(40)),
    Column("suspect_entity", String(40)),
    #: its stalking signs as kept on the incident, true where not yet read
    Column("maybe_stalking", Boolean, nullable=False),
    Index(
        "ix_incident_parties_courses",
        "maybe_stalking",
        "victim_entity",
        "suspect_entity",
        "record_key",
    ),
)

#: Append-only: every join, split and new entity, with who or what did it.
entity_events = _numbered_table(
    "entity_events",
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(20), nullable=False),
    Column("entity_id", String(40), nullable=False, index=True),
    Column("mention_keys", Document, nullable=False),
    Column("by", USERNAME, nullable=False),
    Column("note", Text),
)

#: Append-only human judgements on a pair of mentions: same, different or unsure.
judgements = _numbered_table(
    "judgements",
    Column("mention_a", MENTION_KEY, nullable=False, index=True),
    Column("mention_b", MENTION_KEY, nullable=False, index=True),
    Column("judgement", String(10), nullable=False),
    Column("user", USERNAME, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("note", Text),
)

#: Pairs the model was unsure of, waiting for a reviewer.
review_queue = _numbered_table(
    "review_queue",
    Column("mention_a", MENTION_KEY, nullable=False),
    Column("mention_b", MENTION_KEY, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("evidence", Document, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(12), nullable=False, default="open"),
    UniqueConstraint("mention_a", "mention_b", name="uq_review_queue_pair"),
)
#: The open queue most probable first, looked up pair by pair until enough are at stake
#: (migration 0020)
Index(
    "ix_review_queue_status_probability",
    review_queue.c.status,
    review_queue.c.match_probability.desc(),
    review_queue.c.id,
)

#: Each person mention as the linkage model sees it (see :mod:`threadline.features`),
#: computed once at import; the indexed keys serve candidate retrieval at call time.
mention_features = Table(
    "mention_features",
    metadata,
    Column("mention_key", MENTION_KEY, primary_key=True),
    Column("record_key", RECORD_KEY, nullable=False, index=True),
    Column("forename", String(120)),
    Column("forename_canonical", String(120)),
    Column("forename_nicknames", Document),
    Column("forename_phonetic", String(40)),
    Column("forename_initial", String(4)),
    Column("surname", String(120)),
    Column("surname_phonetic", String(40)),
    Column("dob", String(10)),
    Column("dob_year", Integer),
    Column("dob_month", Integer),
    Column("dob_day", Integer),
    Column("sex", String(10)),
    Column("postcode", String(10)),
    Column("postcode_sector", String(10)),
    Column("address_key", String(300)),
    #: every identifier kind's values, by kind name (:mod:`threadline.model.kinds`)
    Column("identifiers", Document),
    Index("ix_mention_features_surname_phonetic_dob_year", "surname_phonetic", "dob_year"),
    Index("ix_mention_features_forename_surname", "forename_canonical", "surname_phonetic"),
    Index("ix_mention_features_dob_forename", "dob", "forename_canonical"),
    #: the address key pairs (``comparisons.KEY_PAIRS``); their address key prefix serves the
    #: house range (``candidates._by_keys_narrowed``)
    Index("ix_mention_features_address_surname", "address_key", "surname_phonetic"),
    Index("ix_mention_features_address_forename", "address_key", "forename_canonical"),
    #: the crossed key (``comparisons.CROSSED_PAIRS``): a forename and surname swapped, read
    #: with the new mention's values the other way round (migration 0024)
    Index("ix_mention_features_forename_surname_sound", "forename_phonetic", "surname_phonetic"),
)

# --- recognition: alerts and the research check --------------------------------------------

#: An alert is raised once and then updated as incidents join it (``alert_key`` is its identity).
alerts = _numbered_table(
    "alerts",
    Column("alert_key", ALERT_KEY, nullable=False, unique=True),
    Column("rule_id", String(60), nullable=False, index=True),
    Column("first_incident_ref", REF, nullable=False),
    Column("incident_ref", REF, nullable=False, index=True),
    Column("people", Document, nullable=False),
    Column("reason", Text, nullable=False),
    Column("action", Text),
    Column("cited", Document, nullable=False),
    Column("severity", String(12)),
    Column("details", Document),
    Column("status", String(12), nullable=False, default="open"),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    #: the dashboard's board (migration 0020): the counts per rule and severity read from the
    #: index alone, each severity's page and a rule's newest alerts read in order from theirs.
    #: None starts with the status: SQLite, which keeps no statistics here, would then read a
    #: person's open alerts through every open alert rather than through the person's links
    Index("ix_alerts_rule_severity_status", "rule_id", "severity", "status"),
    Index("ix_alerts_severity_status_updated_at", "severity", "status", "updated_at", "id"),
    Index("ix_alerts_rule_status_updated_at", "rule_id", "status", "updated_at", "id"),
)

#: Every raise and update of an alert, append-only: which incident changed it and how.
alert_events = _numbered_table(
    "alert_events",
    Column("alert_key", ALERT_KEY, nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("incident_ref", REF, nullable=False),
    Column("change", String(12), nullable=False),
    Column("reason", Text, nullable=False),
)

#: What each alert is about (its people, location and cited incidents), to find it again.
alert_links = _numbered_table(
    "alert_links",
    Column("alert_key", ALERT_KEY, nullable=False, index=True),
    Column("link", ALERT_LINK, nullable=False, index=True),
)

#: The research check: someone looked at an incident's linked history.
history_views = _numbered_table(
    "history_views",
    Column("incident_ref", REF, nullable=False, index=True),
    Column("user", USERNAME, nullable=False),
    Column("viewed_at", UTCDateTime, nullable=False),
)

# --- relationships between people outside incidents ---------------------------------------------

associations = _record_table(
    "associations",
    Column("kind", String(30), nullable=False),
    Column("since", Date),
)

# --- guard: users, roles and the hash-chained audit log -----------------------------------------

users = _numbered_table(
    "users",
    Column("username", USERNAME, nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("role", USER_ROLE, nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    #: part of every session's and token's stamp; signing out raises it (guard/users.py)
    Column("session_generation", Integer, nullable=False, default=0, server_default="0"),
)

#: Failed sign-ins per account name (known or not), for the lockout (guard/lockout.py).
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("username", USERNAME, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", UTCDateTime),
    Column("locked_until", UTCDateTime),
    Column("lockouts", Integer, nullable=False),
)

#: Append-only; each row's hash covers its content and the previous row's hash.
audit_log = _numbered_table(
    "audit_log",
    Column("at", UTCDateTime, nullable=False),
    Column("user", USERNAME, nullable=False),
    Column("role", USER_ROLE, nullable=False),
    Column("action", String(40), nullable=False),
    Column("records", Document, nullable=False),
    Column("purpose", Text),
    Column("detail", Document),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("client", String(64)),
)

# --- actions: what people did about an alert ----------------------------------------------------

#: Append-only: each step taken on an alert (assign, acknowledge, act, decide, sign off, close,
#: reopen), by whom and when, with its details (see :mod:`threadline.recognise.actions`). Written
#: in the same transaction as its audit row.
alert_actions = _step_table(
    "alert_actions",
    Column("alert_key", ALERT_KEY, nullable=False, index=True),
)

# --- communications evidence: messages and calls attached to an incident or a victim -------------

#: One message, call or media entry of a victim's evidence (issue 25), attached to an incident
#: (``incident:<source>:<ref>``, its record key) or a victim (``person:<entity id>`` or a
#: mention key). Unique by (attachment, content_hash): the same export imported twice stores each
#: message once, with the file and line of the first import.
communications = _numbered_table(
    "communications",
    Column("attachment", RECORD_KEY, nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("sender", Text),
    Column("direction", String(10)),
    Column("duration", Integer),
    Column("text", Text),
    Column("thread", Text),
    Column("recipients", Document, nullable=False),
    Column("attachments", Document, nullable=False),
    Column("file", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("import_id", Integer, nullable=False),
    UniqueConstraint("attachment", "content_hash", name="uq_communications_attachment_hash"),
    Index("ix_communications_attachment_at", "attachment", "at"),
)

# --- MARAC referrals: made, heard, the actions agreed and done ------------------------------------

#: One step taken on a MARAC referral (refer, hear, action, complete, close), append-only, written
#: in the same transaction as its audit row; a referral's state is folded from its steps
#: (:mod:`threadline.risk.referral_steps`). ``victim`` is the referred person's entity id.
marac_steps = _step_table(
    "marac_steps",
    Column("referral_ref", String(40), nullable=False, index=True),
    Column("victim", String(40), nullable=False, index=True),
)

#: The entries of ``communications`` counted per attachment, UTC hour, channel, kind, direction
#: and sender (issue 25: the picture of a victim with 100,000 messages reads these, not every
#: message). Kept by :func:`threadline.store.comms.store_communications` in the transaction that
#: inserts the messages, counting only the rows it actually inserted, so a re-import adds nothing.
#: ``hour`` is hours since 1970-01-01 UTC (whole numbers, so a window of hours is arithmetic in
#: SQL on both stores); ``day`` and ``night`` are that hour's local day and whether it is night,
#: in the force's zone and night hours (:data:`threadline.store.comms.COUNTED_IN`), so a summary
#: in those is a GROUP BY. ``direction`` and ``sender`` are ``''`` where the export does not say
#: (a NULL never meets the unique key, and each batch would add a row).
communication_counts = _numbered_table(
    "communication_counts",
    Column("attachment", RECORD_KEY, nullable=False),
    Column("hour", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("night", Boolean, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("sender", Text, nullable=False),
    Column("count", Integer, nullable=False),
    UniqueConstraint(
        "attachment",
        "hour",
        "channel",
        "kind",
        "direction",
        "sender",
        name="uq_communication_counts_key",
    ),
)

#: Each sender of a victim's communications evidence, as attributed (issue 25, part 2) and
#: counted (part 3) by ``resolve.senders.attribute_comms``: whose it is and why (``evidence``,
#: pieces of ``recognise.attribution.Clue`` as JSON), its contacts, those after she told them to
#: stop and while an order bound them (by order), with the messages cited. Recomputed whole for
#: an attachment each time it is attributed; the picture reads these few rows, never the messages.
comms_senders = _numbered_table(
    "comms_senders",
    Column("attachment", RECORD_KEY, nullable=False),
    Column("sender", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("value", String(300)),
    Column("status", String(12), nullable=False),
    Column("entity_id", String(40)),
    Column("mention_key", MENTION_KEY),
    #: the person whose evidence it is (entity id when attributed)
    Column("victim", String(40)),
    #: the sender's key in the review queue and in judgements (``comms-sender:<hash>``)
    Column("review_key", String(40), nullable=False, index=True),
    Column("evidence", Document, nullable=False),
    Column("candidates", Document, nullable=False),
    Column("contacts", Integer, nullable=False),
    Column("first_at", UTCDateTime),
    Column("last_at", UTCDateTime),
    Column("night", Integer, nullable=False),
    Column("told_to_stop_at", UTCDateTime),
    Column("after_stop", Integer, nullable=False),
    Column("while_bound", Document, nullable=False),
    Column("detail", Document, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    UniqueConstraint("attachment", "sender", name="uq_comms_senders_attachment_sender"),
)

# --- cases: one investigation for one course of conduct (issue 23) ------------------------------

#: A course of conduct gathered into one investigation. Keyed on the suspect's and victim's
#: mentions in the incident that founded it (stable: a mention key never changes), with the
#: entity ids as last seen beside them (see :mod:`threadline.crossref.cases`). ``officer`` and
#: ``team``, ``status`` and ``closed_at`` are where its steps (``case_steps``) leave it.
cases = _numbered_table(
    "cases",
    Column("series_key", String(2 * MENTION_KEY_MAX_LENGTH + 2), nullable=False, index=True),
    Column("suspect_mention", MENTION_KEY, nullable=False),
    Column("victim_mention", MENTION_KEY, nullable=False),
    Column("suspect", String(40), nullable=False),
    Column("victim", String(40), nullable=False),
    Column("officer", USERNAME, index=True),
    Column("team", USERNAME),
    Column("status", String(12), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("opened_on", REF, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: The incidents of a case, and the report at which each joined it.
case_incidents = _numbered_table(
    "case_incidents",
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("incident_ref", REF, nullable=False, index=True),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("joined_on", REF, nullable=False),
    UniqueConstraint("case_id", "incident_ref", name="uq_case_incidents_case_ref"),
)

#: Append-only: each step on a case (open, join, assign, note, close, reopen), by whom and when,
#: written in the same transaction as its audit row (see :mod:`threadline.recognise.cases`).
case_steps = _step_table(
    "case_steps",
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
)

#: An officer (or a team) told that something happened on their case: an incident joined it
#: at call time. ``recipient`` is the officer in the case as the case names them.
notifications = _numbered_table(
    "notifications",
    Column("recipient", USERNAME, nullable=False, index=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("incident_ref", REF),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("read_at", UTCDateTime),
)

#: For each kind of fact the store keeps beside its records that live code derives from each
#: record alone (an incident's stalking signs, an assessment's grade): the fingerprint of the
#: code that derived the kept values (:mod:`threadline.store.derived`), so that a release whose
#: rules derive them otherwise has them derived again.
derived_facts = Table(
    "derived_facts",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("derived_at", UTCDateTime, nullable=False),
)

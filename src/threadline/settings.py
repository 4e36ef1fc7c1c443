"""Settings in one place: read from the environment (``THREADLINE_*``) by the entry points only."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/threadline.db"


class Settings(BaseSettings):
    """Everything a deployment can set. SQLite in ``./var`` by default; PostgreSQL by URL."""

    model_config = SettingsConfigDict(env_prefix="THREADLINE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    #: connections each process keeps open to the store (SQLAlchemy's ``pool_size``), and how
    #: many more it may open for a moment (``max_overflow``, closed again when given back).
    #: Sized for a worker: its request threads that read (the pictures, sign-in, the pages)
    #: and its one submitting thread; an overflow connection costs PostgreSQL a new backend
    #: each time, so a worker under load should rarely need one. Per worker process: with
    #: ``serve --workers N``, N times these must stay under the server's ``max_connections``.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    import_batch_size: int = 1000
    model_path: Path = Path("var/model.json")
    dash_deadline_hours: float = 24.0
    repeat_threshold: int = 3
    repeat_window_days: int = 365
    marac_escalation_threshold: int = 3
    #: hours a supervisor has to sign off a "not arrested" decision on a breach before it is
    #: escalated (threadline.recognise.actions; a force's own policy, not law)
    not_arrested_signoff_hours: float = Field(default=24.0, gt=0)
    #: who owns an alert fired at a report that names no officer (threadline.recognise.ownership)
    alert_default_team: str = Field(default="public protection unit", min_length=1, max_length=80)
    #: a file outside the store that the audit log's head is appended to every
    #: ``audit_anchor_every`` rows (see threadline.guard.audit.AnchorFile); unset, none is kept
    audit_anchor_path: Path | None = None
    audit_anchor_every: int = Field(default=1000, ge=1)

    # The HTTP API (see threadline.api.config.ApiConfig for what each does).
    #: signs sessions and tokens; unset, each start makes a random one (sessions end at restart)
    session_secret: SecretStr | None = None
    token_ttl_seconds: int = 12 * 3600
    max_body_bytes: int = 1024 * 1024
    rate_limit_per_minute: float = 600.0
    rate_limit_burst: int = 120
    #: the session cookie is HTTPS-only; set false only to run the demo on plain HTTP (make demo)
    secure_cookies: bool = True
    #: threads each worker runs requests in (anyio's default of 40 when 0); under load fewer
    #: threads contend less for the interpreter, and requests wait in the event loop instead
    request_threads: int = 0
    #: the most submissions each worker commits together (see threadline.api.turns); 1: one by one
    submission_group: int = Field(default=8, ge=1, le=64)
    #: password checks each worker runs at once (each holds 19 MiB); further sign-ins wait
    hash_slots: int = Field(default=1, ge=1, le=64)
    #: seconds a sign-in waits for a password check before it is refused (503)
    hash_wait_seconds: float = Field(default=10.0, gt=0)
    #: seconds the refusal of a sign-in at a locked name is held back (slows a guessing loop)
    locked_delay_seconds: float = Field(default=1.0, ge=0, le=30)

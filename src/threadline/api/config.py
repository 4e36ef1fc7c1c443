"""What a deployment may tune about the HTTP API: secrets, token lifetime, size and rate limits.

Read from :class:`threadline.settings.Settings` where it defines the field (``session_secret``,
``token_ttl_seconds``, ``max_body_bytes``, ``rate_limit_per_minute``, ``rate_limit_burst``,
``secure_cookies``, ``request_threads``, ``submission_group``, ``hash_slots``,
``hash_wait_seconds``, ``locked_delay_seconds``); the defaults below otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class ApiConfig:
    """HTTP API settings. ``session_secret=None``: a random secret is made when the app is
    created, so sessions and tokens end at a restart and are not shared between processes; set
    one for a deployment with more than one worker."""

    session_secret: str | None = None
    token_ttl_seconds: int = 12 * 3600
    max_body_bytes: int = MIB
    rate_limit_per_minute: float = 600.0
    rate_limit_burst: int = 120
    #: the session cookie is sent over HTTPS only; off only to run the demo on plain HTTP
    secure_cookies: bool = True
    #: threads for request handlers (0: anyio's default, 40)
    request_threads: int = 0
    #: the most submissions one worker commits as one group (:mod:`threadline.api.turns`)
    submission_group: int = 8
    #: password checks (argon2id, 19 MiB each) one worker runs at once; more sign-ins wait
    hash_slots: int = 1
    #: how long a sign-in waits for a slot before it is refused (503)
    hash_wait_seconds: float = 10.0
    #: how long the answer to a sign-in at a locked name is held back (a tarpit: an attacker's
    #: loop slows to this pace while the server only keeps a sleeping coroutine)
    locked_delay_seconds: float = 1.0

    @classmethod
    def from_settings(cls, settings: Any) -> ApiConfig:
        """The fields ``settings`` defines, the defaults for the rest."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = getattr(settings, name, None)
            if value is None:
                continue
            if hasattr(value, "get_secret_value"):
                value = value.get_secret_value()
            values[name] = value
        return cls(**values)

"""``threadline users``: adding, disabling, enabling, re-roling and resetting, each audited."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from threadline.cli import app
from threadline.guard import authenticate, get_user, read_log
from threadline.store import open_store

PASSWORD = "plum tree at dusk 42"


def test_users_commands_change_the_account_and_audit_each_change(store_url: str) -> None:
    run = CliRunner().invoke
    added = run(app, ["users", "add", "nia", "--role", "officer", "--db", store_url],
                input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    weak = run(app, ["users", "add", "ola", "--role", "officer", "--db", store_url],
               input="password1234\npassword1234\n")  # fmt: skip
    assert weak.exit_code == 1 and "password" in weak.output
    for args in (["disable", "nia"], ["enable", "nia"], ["set-role", "nia", "--role", "analyst"]):
        done = run(app, ["users", *args, "--db", store_url])
        assert done.exit_code == 0, done.output
    new = "seven gulls over the quay"
    reset = run(app, ["users", "reset-password", "NIA", "--db", store_url], input=f"{new}\n{new}\n")
    assert reset.exit_code == 0, reset.output
    missing = run(app, ["users", "disable", "nobody", "--db", store_url])
    assert missing.exit_code == 1

    engine = open_store(store_url)
    user = get_user(engine, "nia")
    assert user is not None and user.role.value == "analyst" and user.active
    assert authenticate(engine, "nia", new, now=datetime.now(UTC)) is not None
    rows = sorted(read_log(engine), key=lambda r: r.id)
    assert [r.detail["change"] for r in rows if r.detail] == [
        "created",
        "disabled",
        "enabled",
        "role",
        "password reset",
    ]
    assert all(r.user.startswith("cli:") and r.records == ["user:nia"] for r in rows)
    engine.dispose()

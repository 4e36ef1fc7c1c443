"""``threadline serve``: the web app and the API on one port, with uvicorn."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from threadline.cli.app import app, console, errors, fail, now, settings_for
from threadline.cli.options import DbOption, ModelOption

#: How long an idle kept-alive connection stays open (uvicorn's default is 5 s). A client that
#: reuses a connection the server is closing at that moment gets "connection reset" on a request
#: the server never read: a browser's fetch after a few seconds on a page, or a proxy's pooled
#: connection. Longer than the idle time of the common proxies (60 s), so the server is never
#: the side that closes a connection a client may be about to reuse.
KEEP_ALIVE_SECONDS = 75


@app.command("serve")
def serve_command(
    db: DbOption = None,
    model: ModelOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo_users: Annotated[
        bool,
        typer.Option(
            "--demo-users",
            help="Create (or reset) one demo user per role and print their new passwords.",
        ),
    ] = False,
    demo_passwords: Annotated[
        Path | None,
        typer.Option(
            "--demo-passwords",
            help="With --demo-users: a file (kept readable by its owner only) of the demo "
            "passwords; those that still sign their user in are kept and printed again, so a "
            "second run does not change them.",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes (one per core helps under load; each enforces the rate "
            "limit on the requests it serves).",
        ),
    ] = 1,
    threads: Annotated[
        int,
        typer.Option(
            min=0,
            help="Threads each worker runs requests in (0: anyio's default of 40). Under load, "
            "a few per worker contend less for the interpreter.",
        ),
    ] = 0,
) -> None:
    """Serve the web pages and the JSON API (sign in at /login; API docs at /docs)."""
    import os
    import secrets

    import uvicorn

    from threadline.app import create_app
    from threadline.resolve.linkage import load_model
    from threadline.store import open_store
    from threadline.web import create_demo_users

    problem = port_problem(host, port)
    if problem is not None:
        fail(str(problem))
    settings = settings_for(db)
    if threads:
        settings = settings.model_copy(update={"request_threads": threads})
        os.environ["THREADLINE_REQUEST_THREADS"] = str(threads)
    if model is not None:
        settings = settings.model_copy(update={"model_path": model})
    model_path: Path = settings.model_path
    linkage_model = None
    if model_path.is_file():
        linkage_model = load_model(model_path)
    else:
        errors.print(
            f"[yellow]No linkage model at {model_path}: incidents cannot be submitted until "
            "`threadline train` has made one.[/yellow]"
        )
    engine = open_store(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    if demo_users:
        kept = read_demo_passwords(demo_passwords) if demo_passwords else {}
        made = create_demo_users(engine, now(), keep=kept)
        if demo_passwords:
            write_demo_passwords(demo_passwords, made)
        console.print(
            f"Demo users (passwords in force, also in {demo_passwords}; keep them to yourself):"
            if demo_passwords
            else "Demo users (passwords are new; keep them to yourself):"
        )
        for username, role, password in made:
            console.print(f"  {username:22} {role:14} {password}")
    if settings.secure_cookies:
        errors.print(
            "[yellow]The session cookie is Secure (sent over HTTPS only): serve behind HTTPS, or "
            "set THREADLINE_SECURE_COOKIES=false to try the app on plain HTTP.[/yellow]"
        )
    console.print(f"Threadline on http://{host}:{port}/ (sign in at /login)")
    if workers == 1:
        web = create_app(settings, engine, linkage_model=linkage_model)
        uvicorn.run(
            web, host=host, port=port, log_level="info", timeout_keep_alive=KEEP_ALIVE_SECONDS
        )
        return
    engine.dispose()
    # The workers read the deployment from the environment: this store, this model, and one
    # secret for all of them (a token or session cookie signed by one is read by the others).
    os.environ["THREADLINE_DATABASE_URL"] = settings.database_url
    os.environ["THREADLINE_MODEL_PATH"] = str(model_path)
    if settings.session_secret is None:
        os.environ["THREADLINE_SESSION_SECRET"] = secrets.token_urlsafe(32)
    uvicorn.run(
        "threadline.app.server:create",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def port_problem(host: str, port: int) -> str | None:
    """Why the app could not listen on ``host``:``port`` (taken, or not ours to use), or
    ``None``; asked before anything is changed, so a refused second run leaves the first
    server and its demo passwords as they were."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"Port {port} on {host} is in use (is Threadline already running there?). "
                    "Stop it, or choose another port: --port N (make demo PORT=N)."
                )
            return f"Cannot listen on {host}:{port}: {error.strerror}."
    return None


def read_demo_passwords(path: Path) -> dict[str, str]:
    """username → password from a file ``write_demo_passwords`` wrote; none if it is absent."""
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        username, _, password = line.strip().partition(" ")
        if username and password:
            found[username] = password.strip()
    return found


def write_demo_passwords(path: Path, made: list[tuple[str, str, str]]) -> None:
    """One ``username password`` line per demo user, readable by the file's owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("".join(f"{user} {password}\n" for user, _role, password in made), "utf-8")

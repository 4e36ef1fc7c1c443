"""Alembic environment: runs on the engine given by :func:`threadline.store.database.migrate`.

Each migration is a transaction of its own, DDL included (see :mod:`threadline.store.database`):
a kill keeps every migration that finished and nothing of the one it interrupted. Concurrent
migrators of one PostgreSQL schema queue on a session advisory lock (a SQLite file's queue on
its writers' lock, taken by ``migrate``), so the second finds the first one's work done.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from threadline.store.database import transactional_ddl
from threadline.store.tables import metadata

#: The PostgreSQL advisory lock (with the schema's hash) of migrators.
MIGRATION_LOCK_KEY = 720_651_528


engine = context.config.attributes["engine"]
with engine.connect() as connection, transactional_ddl(connection):
    postgres = connection.dialect.name == "postgresql"
    lock = text("SELECT pg_advisory_lock(:key, hashtext(current_schema()))")
    if postgres:
        connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
        connection.commit()  # the session's lock stays; each migration begins afresh
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if postgres:
        connection.execute(
            text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))"),
            {"key": MIGRATION_LOCK_KEY},
        )
        connection.commit()

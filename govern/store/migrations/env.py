"""Alembic environment: migrations run on the connection govern opened, inside its transaction."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from govern.store.migrate import VERSION_TABLE
from govern.store.tables import metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,  # SQLite alters tables by copying them; batch mode does that
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:  # a developer running the alembic command line against -x url=... or sqlalchemy.url
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("pass the database with: alembic -x url=sqlite:///dev.db ...")
    with create_engine(url).begin() as connection:
        run(connection)

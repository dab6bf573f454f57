"""Column, constraint and trigger shapes the revisions in ``versions/`` build their tables from.

A revision is history: it must emit the DDL it emitted the day it shipped. So the output of these
functions must never change. A new shape gets a new function; an old one is never edited, not
even to follow a change of the tables. For the same reason they never import the application's
tables (``adapters/sqlalchemy/tables``), which describe only today's schema. Constraint names are
spelled out (``op.f``) the way the naming convention spells them, so a revision's names do not
depend on that convention either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from adapters.sqlalchemy.ddl import append_only_statements

#: JSON on SQLite, JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def id_column(
    name: str = "id", *foreign_key: sa.ForeignKey, nullable: bool = False, primary_key: bool = False
) -> sa.Column[str]:
    """A 36-character id (the text of a UUID), or a reference to one."""
    return sa.Column(
        name, sa.String(length=36), *foreign_key, nullable=nullable, primary_key=primary_key
    )


def user_reference(
    name: str = "user_id", *, nullable: bool = False, primary_key: bool = False
) -> sa.Column[str]:
    """A user's id whose row goes with the user (the foreign key deletes in cascade)."""
    return id_column(
        name,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=nullable,
        primary_key=primary_key,
    )


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    """A timezone-aware moment."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def lifecycle(*, soft_delete: bool = False) -> list[sa.Column[datetime]]:
    """``created_at`` and ``updated_at`` (and a nullable ``deleted_at`` for soft-deleted rows)."""
    columns = [timestamp("created_at"), timestamp("updated_at")]
    return [*columns, timestamp("deleted_at", nullable=True)] if soft_delete else columns


def json_column(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, JSON, nullable=nullable)


def request_origin() -> list[sa.Column[str]]:
    """Where a logged request came from: ``ip`` and ``user_agent``, both nullable."""
    return [
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
    ]


def primary_key(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def foreign_key(
    table: str, column: str, referred: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """``table.column`` references ``referred`` (``"<table>.<column>"``)."""
    referred_table = referred.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [referred], name=op.f(f"fk_{table}_{column}_{referred_table}"), ondelete=ondelete
    )


def unique(table: str, column: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(column, name=op.f(f"uq_{table}_{column}"))


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def one_of(column: str, *values: str) -> str:
    """The condition of a CHECK that ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def create_unique_where(name: str, table: str, columns: list[str], *, where: str) -> None:
    """A unique index over the rows ``where`` holds (a partial index on both dialects)."""
    op.create_index(
        name,
        table,
        columns,
        unique=True,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def on_postgresql() -> bool:
    """Triggers are PostgreSQL-only: SQLite databases (tests, development) go without them."""
    return op.get_bind().dialect.name == "postgresql"


def make_append_only(table: str, *, purged: bool = False) -> None:
    """On PostgreSQL, ``table`` refuses UPDATE (and DELETE, unless rows are ``purged``)."""
    if on_postgresql():
        for statement in append_only_statements(table, purged=purged):
            op.execute(statement)


def refuse_deletes(table: str) -> None:
    """On PostgreSQL, rows of ``table`` can change but never be deleted (``refuse_change()``
    must exist)."""
    if on_postgresql():
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )


def drop_indexed(table: str, *indexes: str) -> None:
    """Drop the ``indexes`` of ``table`` (in the order given), then the table."""
    for index in indexes:
        op.drop_index(index, table_name=table)
    op.drop_table(table)


def drop_trigger(trigger: str, table: str) -> None:
    if on_postgresql():
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")

"""Shared metadata and column types for every table (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from domain.request_context import MAX_IP_LENGTH, MAX_USER_AGENT_LENGTH

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both dialects (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def id_column(name: str = "id", *args: Any, **kwargs: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), *args, **kwargs)


def timestamp(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcDateTime(), nullable=nullable)


def lifecycle(*, soft_delete: bool = False) -> list[sa.Column[object]]:
    """``created_at`` and ``updated_at`` (and a nullable ``deleted_at`` for soft-deleted rows)."""
    columns = [timestamp("created_at"), timestamp("updated_at")]
    return [*columns, timestamp("deleted_at", nullable=True)] if soft_delete else columns


def scope_reference(table: str, *, nullable: bool = False) -> sa.Column[str]:
    """``<scope>_id`` for ``table`` (organizations, teams, projects): a scope row cannot be
    deleted while anything still points at it (scopes are soft-deleted)."""
    return id_column(
        f"{table.removesuffix('s')}_id",
        sa.ForeignKey(f"{table}.id", ondelete="RESTRICT"),
        nullable=nullable,
    )


def scope_placement() -> list[sa.Column[Any]]:
    """Where a membership or invitation stands: the ids of its organization and of the team and
    project below it where it is that deep, ``scope_id`` (the most specific of them) and
    ``scope_type``."""
    return [
        scope_reference("organizations"),
        scope_reference("teams", nullable=True),
        scope_reference("projects", nullable=True),
        id_column("scope_id", nullable=False),
        sa.Column("scope_type", sa.String(12), nullable=False),
    ]


def user_reference(name: str = "user_id", **kwargs: Any) -> sa.Column[str]:
    """A column naming a user whose rows go with it: deleting the user deletes the row."""
    return id_column(name, sa.ForeignKey("users.id", ondelete="CASCADE"), **kwargs)


def request_origin() -> list[sa.Column[str]]:
    """Where a recorded request came from: the client's ``ip`` and ``user_agent`` (of a
    ``domain.request_context.RequestContext``), both nullable."""
    return [
        sa.Column("ip", sa.String(MAX_IP_LENGTH)),
        sa.Column("user_agent", sa.String(MAX_USER_AGENT_LENGTH)),
    ]


def unique_where(name: str, *columns: str, where: str) -> sa.Index:
    """A unique index over the rows ``where`` holds, on PostgreSQL and SQLite alike."""
    return sa.Index(
        name, *columns, unique=True, postgresql_where=sa.text(where), sqlite_where=sa.text(where)
    )

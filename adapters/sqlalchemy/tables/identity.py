"""Users, profiles, profile views and stars, settings."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, lifecycle, metadata, timestamp

users = sa.Table(
    "users",
    metadata,
    id_column(primary_key=True),
    sa.Column("subject", sa.String(255), nullable=False, unique=True),
    sa.Column("email", sa.String(320), index=True),
    sa.Column("first_name", sa.String(100)),
    sa.Column("last_name", sa.String(100)),
    sa.Column("image_url", sa.String(1000)),
    sa.Column("username", sa.String(100)),
    *lifecycle(soft_delete=True),
    # The newest identity-provider change applied (out-of-order webhooks older than it are
    # dropped); NULL until a provider event is applied.
    timestamp("provider_updated_at", nullable=True),
)

#: What a user is named by to others (``domain.identity.user.person_name`` reads these).
person_name_columns = (users.c.first_name, users.c.last_name, users.c.username)

"""The account context: activity log (append-only), step-up codes, data exports (issue 12)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    drop_indexed,
    drop_trigger,
    id_column,
    json_column,
    make_append_only,
    request_origin,
    timestamp,
    user_reference,
)

revision = "0015_account"
down_revision = "0014_support"


def upgrade() -> None:
    op.create_table(
        "account_activity",
        id_column(primary_key=True),
        user_reference(),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        json_column("metadata"),
        sa.Column("request_id", sa.String(100)),
        *request_origin(),
        timestamp("created_at"),
    )
    op.create_index("ix_account_activity_user", "account_activity", ["user_id", "created_at", "id"])
    op.create_index("ix_account_activity_created", "account_activity", ["created_at"])
    op.create_table(
        "account_step_up_codes",
        user_reference(primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        timestamp("created_at"),
        timestamp("expires_at"),
    )
    op.create_table(
        "account_exports",
        id_column(primary_key=True),
        user_reference(),
        sa.Column("status", sa.String(10), nullable=False),
        timestamp("requested_at"),
        timestamp("completed_at", nullable=True),
        sa.Column("size_bytes", sa.BigInteger),
    )
    op.create_index("ix_account_exports_user", "account_exports", ["user_id", "requested_at"])
    op.create_index("ix_account_exports_status", "account_exports", ["status", "completed_at"])
    make_append_only("account_activity", purged=True)


def downgrade() -> None:
    drop_trigger("account_activity_append_only", "account_activity")
    drop_indexed("account_exports", "ix_account_exports_status", "ix_account_exports_user")
    op.drop_table("account_step_up_codes")
    drop_indexed("account_activity", "ix_account_activity_created", "ix_account_activity_user")

"""The account context: activity log (append-only), step-up codes, data exports (issue 12)

Revision ID: 0015_account
Revises: 0014_support
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from adapters.sqlalchemy.ddl import append_only_statements

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0015_account"
down_revision = "0014_support"
branch_labels = None
depends_on = None


def _user_id(*, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(
        "user_id",
        sa.String(36),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "account_activity",
        sa.Column("id", sa.String(36), primary_key=True),
        _user_id(),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("metadata", Json, nullable=False),
        sa.Column("request_id", sa.String(100)),
        sa.Column("ip", sa.String(64)),
        sa.Column("user_agent", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_account_activity_user", "account_activity", ["user_id", "created_at", "id"])
    op.create_index("ix_account_activity_created", "account_activity", ["created_at"])
    op.create_table(
        "account_step_up_codes",
        _user_id(primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "account_exports",
        sa.Column("id", sa.String(36), primary_key=True),
        _user_id(),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("size_bytes", sa.BigInteger),
    )
    op.create_index("ix_account_exports_user", "account_exports", ["user_id", "requested_at"])
    op.create_index("ix_account_exports_status", "account_exports", ["status", "completed_at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in append_only_statements("account_activity", purged=True):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS account_activity_append_only ON account_activity")
    op.drop_index("ix_account_exports_status", table_name="account_exports")
    op.drop_index("ix_account_exports_user", table_name="account_exports")
    op.drop_table("account_exports")
    op.drop_table("account_step_up_codes")
    op.drop_index("ix_account_activity_created", table_name="account_activity")
    op.drop_index("ix_account_activity_user", table_name="account_activity")
    op.drop_table("account_activity")

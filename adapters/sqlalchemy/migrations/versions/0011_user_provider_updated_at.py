"""users.provider_updated_at: the newest identity-provider change applied (issue 7)

Out-of-order Clerk webhooks older than it are dropped. NULL for existing rows: their next event
applies, as before.
"""

from __future__ import annotations

from alembic import op

from adapters.sqlalchemy.migrations.shapes import timestamp

revision = "0011_user_provider_updated_at"
down_revision = "0010_invitation_inviter_indexes"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(timestamp("provider_updated_at", nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("provider_updated_at")

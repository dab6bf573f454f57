"""phone verification and free credits

Revision ID: 0004_phone
Revises: 0003_payments
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_phone"
down_revision = "0003_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_verifications",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("verified_phone", sa.String(length=16), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_phone_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_phone_verifications")),
        sa.UniqueConstraint("verified_phone", name=op.f("uq_phone_verifications_verified_phone")),
    )
    op.create_table(
        "phone_otps",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_attempts", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("channel IN ('sms', 'voice')", name=op.f("ck_phone_otps_channel")),
        sa.CheckConstraint("wrong_attempts >= 0", name=op.f("ck_phone_otps_wrong_attempts")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["phone_verifications.user_id"],
            name=op.f("fk_phone_otps_user_id_phone_verifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "channel", name=op.f("pk_phone_otps")),
    )
    op.create_table(
        "phone_verification_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('send_sms', 'send_voice', 'verify', 'claim')",
            name=op.f("ck_phone_verification_attempts_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["phone_verifications.user_id"],
            name=op.f("fk_phone_verification_attempts_user_id_phone_verifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_verification_attempts")),
    )
    op.create_index(
        "ix_phone_verification_attempts_user",
        "phone_verification_attempts",
        ["user_id", "kind", "occurred_at"],
    )
    op.create_table(
        "phone_locks",
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_phone_locks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_phone_locks")),
    )
    op.create_table(
        "free_credit_claims",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_free_credit_claims_amount_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_free_credit_claims_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_free_credit_claims")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_free_credit_claims_transaction_id")),
    )


def downgrade() -> None:
    op.drop_table("free_credit_claims")
    op.drop_table("phone_locks")
    op.drop_index("ix_phone_verification_attempts_user", table_name="phone_verification_attempts")
    op.drop_table("phone_verification_attempts")
    op.drop_table("phone_otps")
    op.drop_table("phone_verifications")

"""phone verification and free credits"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    check,
    drop_indexed,
    foreign_key,
    id_column,
    one_of,
    primary_key,
    timestamp,
    unique,
)

revision = "0004_phone"
down_revision = "0003_payments"


def upgrade() -> None:
    op.create_table(
        "phone_verifications",
        id_column("user_id"),
        sa.Column("verified_phone", sa.String(length=16), nullable=True),
        timestamp("verified_at", nullable=True),
        foreign_key("phone_verifications", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("phone_verifications", "user_id"),
        unique("phone_verifications", "verified_phone"),
    )
    op.create_table(
        "phone_otps",
        id_column("user_id"),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        timestamp("issued_at"),
        timestamp("expires_at"),
        sa.Column("wrong_attempts", sa.SmallInteger(), nullable=False),
        check("phone_otps", "channel", one_of("channel", "sms", "voice")),
        check("phone_otps", "wrong_attempts", "wrong_attempts >= 0"),
        foreign_key("phone_otps", "user_id", "phone_verifications.user_id", ondelete="CASCADE"),
        primary_key("phone_otps", "user_id", "channel"),
    )
    op.create_table(
        "phone_verification_attempts",
        id_column(),
        id_column("user_id"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        timestamp("occurred_at"),
        check(
            "phone_verification_attempts",
            "kind",
            one_of("kind", "send_sms", "send_voice", "verify", "claim"),
        ),
        foreign_key(
            "phone_verification_attempts",
            "user_id",
            "phone_verifications.user_id",
            ondelete="CASCADE",
        ),
        primary_key("phone_verification_attempts", "id"),
    )
    op.create_index(
        "ix_phone_verification_attempts_user",
        "phone_verification_attempts",
        ["user_id", "kind", "occurred_at"],
    )
    op.create_table(
        "phone_locks",
        sa.Column("phone", sa.String(length=16), nullable=False),
        id_column("user_id"),
        timestamp("expires_at"),
        foreign_key("phone_locks", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("phone_locks", "phone"),
    )
    op.create_table(
        "free_credit_claims",
        id_column("user_id"),
        id_column("transaction_id"),
        sa.Column("amount", sa.Integer(), nullable=False),
        timestamp("claimed_at"),
        check("free_credit_claims", "amount_positive", "amount > 0"),
        foreign_key("free_credit_claims", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("free_credit_claims", "user_id"),
        unique("free_credit_claims", "transaction_id"),
    )


def downgrade() -> None:
    op.drop_table("free_credit_claims")
    op.drop_table("phone_locks")
    drop_indexed("phone_verification_attempts", "ix_phone_verification_attempts_user")
    op.drop_table("phone_otps")
    op.drop_table("phone_verifications")

"""Phone verification for free credits: per-user state, hashed codes, attempt log, number locks,
free-credit claims."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, metadata, timestamp, user_reference

# One row per user who started verifying; the row lock serialises that user's requests.
phone_verifications = sa.Table(
    "phone_verifications",
    metadata,
    user_reference(primary_key=True),
    # Unique: a number is the verified number of one user at most (NULLs never collide).
    sa.Column("verified_phone", sa.String(16), unique=True),
    timestamp("verified_at", nullable=True),
)

# Only the keyed hash of a code is stored (ADR 0030 in docs/decisions/).
phone_otps = sa.Table(
    "phone_otps",
    metadata,
    id_column(
        "user_id",
        sa.ForeignKey("phone_verifications.user_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("channel", sa.String(8), primary_key=True),
    sa.Column("phone", sa.String(16), nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False),
    timestamp("issued_at"),
    timestamp("expires_at"),
    sa.Column("wrong_attempts", sa.SmallInteger, nullable=False),
    sa.CheckConstraint("channel IN ('sms', 'voice')", name="channel"),
    sa.CheckConstraint("wrong_attempts >= 0", name="wrong_attempts"),
)

# Sends, verify calls and claim attempts still inside their rate window (the attempt counters).
phone_verification_attempts = sa.Table(
    "phone_verification_attempts",
    metadata,
    id_column(primary_key=True),
    id_column(
        "user_id",
        sa.ForeignKey("phone_verifications.user_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("kind", sa.String(16), nullable=False),
    timestamp("occurred_at"),
    sa.CheckConstraint("kind IN ('send_sms', 'send_voice', 'verify', 'claim')", name="kind"),
    sa.Index("ix_phone_verification_attempts_user", "user_id", "kind", "occurred_at"),
)

# A number someone is verifying; other users are refused until ``expires_at``.
phone_locks = sa.Table(
    "phone_locks",
    metadata,
    sa.Column("phone", sa.String(16), primary_key=True),
    user_reference(nullable=False),
    timestamp("expires_at"),
)

free_credit_claims = sa.Table(
    "free_credit_claims",
    metadata,
    user_reference(primary_key=True),
    id_column("transaction_id", nullable=False, unique=True),
    sa.Column("amount", sa.Integer, nullable=False),
    timestamp("claimed_at"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
)

"""Credits ledger tables: wallets, append-only transactions and postings, Idempotency-Key records.

The constraints mirror the domain's invariants so a bug in code cannot break them: a wallet never
below zero (CHECK), one transaction per idempotency key, one posted INITIAL_ALLOCATION per wallet
and one PURCHASE per payment (partial unique indexes). On PostgreSQL, transactions and postings
refuse UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp, unique_where

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only

credit_wallets = sa.Table(
    "credit_wallets",
    metadata,
    sa.Column("account", sa.String(80), primary_key=True),  # user:<id> / org:<id>
    sa.Column("balance", sa.BigInteger, nullable=False),
    sa.Column("held", sa.BigInteger, nullable=False, server_default="0"),  # Σ open holds
    timestamp("updated_at"),
    # No later than the wallet's first open lot expires (domain/credits/lots.py); NULL: nothing
    # in the wallet expires. The one-statement spend posts only while it lies in the future.
    timestamp("expiring_at", nullable=True),
    sa.CheckConstraint("balance >= 0", name="balance_not_negative"),
    sa.CheckConstraint("held >= 0", name="held_not_negative"),
    sa.CheckConstraint("balance >= held", name="holds_covered"),
    sa.Index("ix_credit_wallets_expiring_at", "expiring_at"),
)

ledger_transactions = sa.Table(
    "ledger_transactions",
    metadata,
    id_column(primary_key=True),
    sa.Column("idempotency_key", sa.String(320), nullable=False, unique=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # POSTED | REJECTED
    sa.Column("wallet", sa.String(80), nullable=False),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("payment_id", sa.String(64)),
    sa.Column("refund_id", sa.String(64)),
    id_column("hold_id"),
    sa.Column("metadata", Json, nullable=False),
    sa.Column("details", Json),  # why a REJECTED request was refused
    timestamp("created_at"),
    sa.CheckConstraint("status IN ('POSTED', 'REJECTED')", name="status_known"),
    unique_where(
        "uq_ledger_one_initial_allocation_per_wallet",
        "wallet",
        where="type = 'INITIAL_ALLOCATION' AND status = 'POSTED'",
    ),
    unique_where(
        "uq_ledger_one_purchase_per_payment",
        "payment_id",
        where="type = 'PURCHASE' AND status = 'POSTED'",
    ),
    unique_where("uq_ledger_one_refund_entry", "refund_id", where="type = 'REFUND'"),
)

ledger_postings = sa.Table(
    "ledger_postings",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),  # insertion order
    id_column(
        "transaction_id",
        sa.ForeignKey("ledger_transactions.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("account", sa.String(80), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("entry_type", sa.String(32), nullable=False),
    sa.Column("balance_after", sa.BigInteger),  # wallets only
    timestamp("created_at"),
    sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
    sa.UniqueConstraint("transaction_id", "account", name="uq_ledger_postings_tx_account"),
    sa.Index("ix_ledger_postings_account_id", "account", "id"),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("scope", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer),  # NULL while the first request is in flight
    sa.Column("body", sa.LargeBinary),
    sa.Column("content_type", sa.String(100)),
    timestamp("created_at"),
    timestamp("expires_at"),
    sa.Index("ix_idempotency_keys_expires_at", "expires_at"),
)

credit_holds = sa.Table(
    "credit_holds",
    metadata,
    id_column(primary_key=True),
    sa.Column("wallet", sa.String(80), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("idempotency_key", sa.String(320), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),  # OPEN | CAPTURED | VOIDED | EXPIRED
    sa.Column("captured", sa.BigInteger, nullable=False, server_default="0"),
    timestamp("created_at"),
    timestamp("expires_at"),
    timestamp("closed_at", nullable=True),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint("captured >= 0 AND captured <= amount", name="captured_within_amount"),
    sa.Index("ix_credit_holds_open_expiry", "status", "expires_at"),
)

# -- the credits economy (issue 15) -------------------------------------------------------------
referral_codes = sa.Table(
    "referral_codes",
    metadata,
    id_column("user_id", primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    timestamp("created_at"),
)

referrals = sa.Table(
    "referrals",
    metadata,
    id_column("referred_user_id", primary_key=True),  # one claim per user
    id_column("referrer_user_id", nullable=False, index=True),
    sa.Column("code", sa.String(32), nullable=False),
    timestamp("claimed_at"),
    sa.Column("payment_id", sa.String(64)),
    timestamp("rewarded_at", nullable=True),
    sa.Column("referrer_credits", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("referred_credits", sa.BigInteger, nullable=False, server_default="0"),
    timestamp("reversed_at", nullable=True),
    sa.CheckConstraint("referred_user_id <> referrer_user_id", name="not_self"),
)

coupons = sa.Table(
    "coupons",
    metadata,
    id_column(primary_key=True),
    sa.Column("code_digest", sa.String(64), nullable=False, unique=True),  # keyed hash only
    sa.Column("credits", sa.BigInteger, nullable=False),
    sa.Column("max_redemptions", sa.Integer),
    sa.Column("redeemed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("one_per_user", sa.Boolean, nullable=False),
    timestamp("expires_at", nullable=True),
    id_column("created_by", nullable=True),
    timestamp("created_at"),
    sa.CheckConstraint("credits > 0", name="credits_positive"),
    sa.CheckConstraint(
        "max_redemptions IS NULL OR redeemed <= max_redemptions", name="redemptions_bounded"
    ),
)

coupon_redemptions = sa.Table(
    "coupon_redemptions",
    metadata,
    id_column(primary_key=True),
    id_column("coupon_id", sa.ForeignKey("coupons.id"), nullable=False),
    id_column("user_id", nullable=False),
    sa.Column("once", sa.Boolean, nullable=False),  # the coupon is one per user
    timestamp("created_at"),
    unique_where("uq_coupon_redemptions_once_per_user", "coupon_id", "user_id", where="once"),
)

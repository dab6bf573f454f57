"""ledger: credit wallets, append-only ledger transactions and postings, Idempotency-Key records"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    check,
    create_unique_where,
    drop_indexed,
    drop_trigger,
    foreign_key,
    id_column,
    json_column,
    make_append_only,
    one_of,
    primary_key,
    timestamp,
    unique,
)

revision = "0002_ledger"
down_revision = "0001_foundation"


def upgrade() -> None:
    op.create_table(
        "credit_wallets",
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("held", sa.BigInteger(), server_default="0", nullable=False),
        timestamp("updated_at"),
        check("credit_wallets", "balance_not_negative", "balance >= 0"),
        check("credit_wallets", "holds_covered", "balance >= held"),
        check("credit_wallets", "held_not_negative", "held >= 0"),
        primary_key("credit_wallets", "account"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        timestamp("created_at"),
        timestamp("expires_at"),
        primary_key("idempotency_keys", "scope", "key"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])

    op.create_table(
        "ledger_transactions",
        id_column(),
        sa.Column("idempotency_key", sa.String(length=320), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("wallet", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.Column("refund_id", sa.String(length=64), nullable=True),
        sa.Column("hold_id", sa.String(length=36), nullable=True),
        json_column("metadata"),
        json_column("details", nullable=True),
        timestamp("created_at"),
        check("ledger_transactions", "status_known", one_of("status", "POSTED", "REJECTED")),
        primary_key("ledger_transactions", "id"),
        unique("ledger_transactions", "idempotency_key"),
    )
    create_unique_where(
        "uq_ledger_one_initial_allocation_per_wallet",
        "ledger_transactions",
        ["wallet"],
        where="type = 'INITIAL_ALLOCATION' AND status = 'POSTED'",
    )
    create_unique_where(
        "uq_ledger_one_purchase_per_payment",
        "ledger_transactions",
        ["payment_id"],
        where="type = 'PURCHASE' AND status = 'POSTED'",
    )
    create_unique_where(
        "uq_ledger_one_refund_entry", "ledger_transactions", ["refund_id"], where="type = 'REFUND'"
    )

    op.create_table(
        "ledger_postings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        id_column("transaction_id"),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("entry_type", sa.String(length=32), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=True),
        timestamp("created_at"),
        check("ledger_postings", "amount_not_zero", "amount <> 0"),
        foreign_key(
            "ledger_postings", "transaction_id", "ledger_transactions.id", ondelete="RESTRICT"
        ),
        primary_key("ledger_postings", "id"),
        sa.UniqueConstraint("transaction_id", "account", name="uq_ledger_postings_tx_account"),
    )
    op.create_index("ix_ledger_postings_account_id", "ledger_postings", ["account", "id"])

    op.create_table(
        "credit_holds",
        id_column(),
        sa.Column("wallet", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("captured", sa.BigInteger(), server_default="0", nullable=False),
        timestamp("created_at"),
        timestamp("expires_at"),
        timestamp("closed_at", nullable=True),
        check("credit_holds", "amount_positive", "amount > 0"),
        check("credit_holds", "captured_within_amount", "captured >= 0 AND captured <= amount"),
        primary_key("credit_holds", "id"),
        unique("credit_holds", "idempotency_key"),
    )
    op.create_index("ix_credit_holds_open_expiry", "credit_holds", ["status", "expires_at"])

    # The ledger is append-only: history is corrected by new entries, never rewritten.
    make_append_only("ledger_transactions")
    make_append_only("ledger_postings")


def downgrade() -> None:
    drop_trigger("ledger_transactions_append_only", "ledger_transactions")
    drop_trigger("ledger_postings_append_only", "ledger_postings")
    drop_indexed("credit_holds", "ix_credit_holds_open_expiry")
    drop_indexed("ledger_postings", "ix_ledger_postings_account_id")
    drop_indexed(
        "ledger_transactions",
        "uq_ledger_one_refund_entry",
        "uq_ledger_one_purchase_per_payment",
        "uq_ledger_one_initial_allocation_per_wallet",
    )
    drop_indexed("idempotency_keys", "ix_idempotency_keys_expires_at")
    op.drop_table("credit_wallets")

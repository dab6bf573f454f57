"""ledger: credit wallets, append-only ledger transactions and postings, Idempotency-Key records

Revision ID: 0002_ledger
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from adapters.sqlalchemy.ddl import append_only_statements

revision = "0002_ledger"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
POSTED_INITIAL = "type = 'INITIAL_ALLOCATION' AND status = 'POSTED'"
POSTED_PURCHASE = "type = 'PURCHASE' AND status = 'POSTED'"
REFUND = "type = 'REFUND'"


def _where(clause: str) -> dict[str, object]:
    return {"postgresql_where": sa.text(clause), "sqlite_where": sa.text(clause)}


def upgrade() -> None:
    op.create_table('credit_wallets',
    sa.Column('account', sa.String(length=80), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('held', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_credit_wallets_balance_not_negative')),
    sa.CheckConstraint('balance >= held', name=op.f('ck_credit_wallets_holds_covered')),
    sa.CheckConstraint('held >= 0', name=op.f('ck_credit_wallets_held_not_negative')),
    sa.PrimaryKeyConstraint('account', name=op.f('pk_credit_wallets'))
    )
    op.create_table('idempotency_keys',
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_idempotency_keys'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index('ix_idempotency_keys_expires_at', ['expires_at'], unique=False)

    op.create_table('ledger_transactions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=320), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('wallet', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('payment_id', sa.String(length=64), nullable=True),
    sa.Column('refund_id', sa.String(length=64), nullable=True),
    sa.Column('hold_id', sa.String(length=36), nullable=True),
    sa.Column('metadata', JSON, nullable=False),
    sa.Column('details', JSON, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('POSTED', 'REJECTED')", name=op.f('ck_ledger_transactions_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledger_transactions_idempotency_key'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index('uq_ledger_one_initial_allocation_per_wallet', ['wallet'], unique=True, **_where(POSTED_INITIAL))
        batch_op.create_index('uq_ledger_one_purchase_per_payment', ['payment_id'], unique=True, **_where(POSTED_PURCHASE))
        batch_op.create_index('uq_ledger_one_refund_entry', ['refund_id'], unique=True, **_where(REFUND))

    op.create_table('ledger_postings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('transaction_id', sa.String(length=36), nullable=False),
    sa.Column('account', sa.String(length=80), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('entry_type', sa.String(length=32), nullable=False),
    sa.Column('balance_after', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_ledger_postings_amount_not_zero')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_postings_transaction_id_ledger_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_postings')),
    sa.UniqueConstraint('transaction_id', 'account', name='uq_ledger_postings_tx_account')
    )
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_postings_account_id', ['account', 'id'], unique=False)

    op.create_table('credit_holds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('wallet', sa.String(length=80), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=320), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('captured', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_credit_holds_amount_positive')),
    sa.CheckConstraint('captured >= 0 AND captured <= amount', name=op.f('ck_credit_holds_captured_within_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_holds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_credit_holds_idempotency_key'))
    )
    with op.batch_alter_table('credit_holds', schema=None) as batch_op:
        batch_op.create_index('ix_credit_holds_open_expiry', ['status', 'expires_at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # The ledger is append-only: history is corrected by new entries, never rewritten.
        for table in ("ledger_transactions", "ledger_postings"):
            for stmt in append_only_statements(table):
                op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("ledger_transactions", "ledger_postings"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    with op.batch_alter_table('credit_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_holds_open_expiry')
    op.drop_table('credit_holds')
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_postings_account_id')
    op.drop_table('ledger_postings')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index('uq_ledger_one_refund_entry', **_where(REFUND))
        batch_op.drop_index('uq_ledger_one_purchase_per_payment', **_where(POSTED_PURCHASE))
        batch_op.drop_index('uq_ledger_one_initial_allocation_per_wallet', **_where(POSTED_INITIAL))
    op.drop_table('ledger_transactions')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_keys_expires_at')
    op.drop_table('idempotency_keys')
    op.drop_table('credit_wallets')

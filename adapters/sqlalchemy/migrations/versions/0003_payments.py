"""plans, payments, payment refunds, payment events

Revision ID: 0003_payments
Revises: 0002_ledger

Payment events are append-only on PostgreSQL (trigger); payments and plans can never be deleted
(plans are deactivated). The seed's three plans are inserted here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from adapters.sqlalchemy.ddl import append_only_statements

revision = "0003_payments"
down_revision = "0002_ledger"
branch_labels = None
depends_on = None

SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_PLANS = [
    # plan_id, name, amount (paise), credits, description, features, is_popular
    (
        "plan_starter",
        "Starter",
        9_900,
        100,
        "A first pack of credits to try things out",
        ["100 credits", "Never expire"],
        False,
    ),
    (
        "plan_pro",
        "Pro",
        49_900,
        600,
        "Our most popular pack: 20% bonus credits",
        ["600 credits", "20% bonus", "Never expire"],
        True,
    ),
    (
        "plan_enterprise",
        "Enterprise",
        199_900,
        3_000,
        "For large events: 50% bonus credits",
        ["3,000 credits", "50% bonus", "Priority support"],
        False,
    ),
]


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_popular", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_plans_amount_not_negative")),
        sa.CheckConstraint("credits >= 0", name=op.f("ck_plans_credits_not_negative")),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plans")),
        sa.UniqueConstraint("name", name=op.f("uq_plans_name")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("plan_name", sa.String(length=100), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("receipt", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("gateway_order_id", sa.String(length=64), nullable=True),
        sa.Column("gateway_payment_id", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=40), nullable=True),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        sa.Column("captured_amount", sa.Integer(), nullable=False),
        sa.Column("refunded_amount", sa.Integer(), nullable=False),
        sa.Column(
            "flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processing_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("partially_refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED')",
            name=op.f("ck_payments_status_known"),
        ),
        sa.CheckConstraint(
            "amount > 0 AND credits > 0", name=op.f("ck_payments_amount_and_credits_positive")
        ),
        sa.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= captured_amount",
            name=op.f("ck_payments_refunds_within_capture"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
            name=op.f("fk_payments_plan_id_plans"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_payments_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("gateway_order_id", name=op.f("uq_payments_gateway_order_id")),
        sa.UniqueConstraint("gateway_payment_id", name=op.f("uq_payments_gateway_payment_id")),
        sa.UniqueConstraint("receipt", name=op.f("uq_payments_receipt")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index(
            "ix_payments_user_created", ["user_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "payment_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_events_payment_id_payments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_events")),
    )
    with op.batch_alter_table("payment_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_events_payment", ["payment_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("gateway_refund_id", sa.String(length=64), nullable=True),
        sa.Column("gateway_status", sa.String(length=20), nullable=True),
        sa.Column("credits_clawed", sa.Integer(), nullable=False),
        sa.Column("credits_shortfall", sa.Integer(), nullable=False),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('REQUESTED', 'APPLIED', 'FAILED')",
            name=op.f("ck_payment_refunds_status_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_refunds_payment_id_payments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
        sa.UniqueConstraint("gateway_refund_id", name=op.f("uq_payment_refunds_gateway_refund_id")),
    )
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_refunds_payment", ["payment_id", "created_at"], unique=False
        )

    _seed_plans()
    if op.get_bind().dialect.name == "postgresql":
        for statement in append_only_statements("payment_events"):
            op.execute(statement)
        for table in ("payments", "plans"):  # deactivated or refunded, never deleted
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )


def _seed_plans() -> None:
    table = sa.table(
        "plans",
        sa.column("plan_id"),
        sa.column("name"),
        sa.column("amount"),
        sa.column("currency"),
        sa.column("credits"),
        sa.column("description"),
        sa.column("features", sa.JSON()),
        sa.column("is_active"),
        sa.column("is_popular"),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    is_sqlite = op.get_bind().dialect.name == "sqlite"
    at = SEEDED_AT.replace(tzinfo=None) if is_sqlite else SEEDED_AT
    op.bulk_insert(
        table,
        [
            {
                "plan_id": pid,
                "name": name,
                "amount": amount,
                "currency": "INR",
                "credits": credits,
                "description": description,
                "features": features,
                "is_active": True,
                "is_popular": popular,
                "created_at": at,
                "updated_at": at,
            }
            for pid, name, amount, credits, description, features, popular in DEFAULT_PLANS
        ],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS payment_events_append_only ON payment_events")
        op.execute("DROP TRIGGER IF EXISTS payments_no_delete ON payments")
        op.execute("DROP TRIGGER IF EXISTS plans_no_delete ON plans")
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_refunds_payment")

    op.drop_table("payment_refunds")
    with op.batch_alter_table("payment_events", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_events_payment")

    op.drop_table("payment_events")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_user_created")
        batch_op.drop_index("ix_payments_status_created")

    op.drop_table("payments")
    op.drop_table("plans")

"""plans, payments, payment refunds, payment events

Payment events are append-only on PostgreSQL (trigger); payments and plans can never be deleted
(plans are deactivated). The seed's three plans are inserted here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    check,
    drop_indexed,
    drop_trigger,
    foreign_key,
    id_column,
    json_column,
    lifecycle,
    make_append_only,
    one_of,
    primary_key,
    refuse_deletes,
    request_origin,
    timestamp,
    unique,
)

revision = "0003_payments"
down_revision = "0002_ledger"

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
        json_column("features"),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_popular", sa.Boolean(), nullable=False),
        *lifecycle(),
        check("plans", "amount_not_negative", "amount >= 0"),
        check("plans", "credits_not_negative", "credits >= 0"),
        primary_key("plans", "plan_id"),
        unique("plans", "name"),
    )
    op.create_table(
        "payments",
        id_column(),
        id_column("user_id"),
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
        json_column("flags"),
        *lifecycle(),
        timestamp("processing_at", nullable=True),
        timestamp("completed_at", nullable=True),
        timestamp("failed_at", nullable=True),
        timestamp("cancelled_at", nullable=True),
        timestamp("partially_refunded_at", nullable=True),
        timestamp("refunded_at", nullable=True),
        check(
            "payments",
            "status_known",
            "status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'REFUNDED', "
            "'PARTIALLY_REFUNDED')",
        ),
        check("payments", "amount_and_credits_positive", "amount > 0 AND credits > 0"),
        check(
            "payments",
            "refunds_within_capture",
            "refunded_amount >= 0 AND refunded_amount <= captured_amount",
        ),
        foreign_key("payments", "plan_id", "plans.plan_id", ondelete="RESTRICT"),
        foreign_key("payments", "user_id", "users.id", ondelete="RESTRICT"),
        primary_key("payments", "id"),
        unique("payments", "gateway_order_id"),
        unique("payments", "gateway_payment_id"),
        unique("payments", "receipt"),
    )
    op.create_index("ix_payments_status_created", "payments", ["status", "created_at"])
    op.create_index("ix_payments_user_created", "payments", ["user_id", "created_at", "id"])

    op.create_table(
        "payment_events",
        id_column(),
        id_column("payment_id"),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        json_column("data"),
        *request_origin(),
        timestamp("created_at"),
        foreign_key("payment_events", "payment_id", "payments.id", ondelete="RESTRICT"),
        primary_key("payment_events", "id"),
    )
    op.create_index(
        "ix_payment_events_payment", "payment_events", ["payment_id", "created_at", "id"]
    )

    op.create_table(
        "payment_refunds",
        id_column(),
        id_column("payment_id"),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("gateway_refund_id", sa.String(length=64), nullable=True),
        sa.Column("gateway_status", sa.String(length=20), nullable=True),
        sa.Column("credits_clawed", sa.Integer(), nullable=False),
        sa.Column("credits_shortfall", sa.Integer(), nullable=False),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        timestamp("created_at"),
        timestamp("applied_at", nullable=True),
        timestamp("failed_at", nullable=True),
        check(
            "payment_refunds", "status_known", one_of("status", "REQUESTED", "APPLIED", "FAILED")
        ),
        check("payment_refunds", "amount_positive", "amount > 0"),
        foreign_key("payment_refunds", "payment_id", "payments.id", ondelete="RESTRICT"),
        primary_key("payment_refunds", "id"),
        unique("payment_refunds", "gateway_refund_id"),
    )
    op.create_index("ix_payment_refunds_payment", "payment_refunds", ["payment_id", "created_at"])

    _seed_plans()
    make_append_only("payment_events")
    refuse_deletes("payments")  # refunded, never deleted
    refuse_deletes("plans")  # deactivated, never deleted


def _seed_plans() -> None:
    offline = op.get_context().as_sql  # `alembic upgrade --sql`: the rows rendered as literals
    table = sa.table(
        "plans",
        # typed, so that `alembic upgrade --sql` can render the rows as literals
        sa.column("plan_id", sa.String()),
        sa.column("name", sa.String()),
        sa.column("amount", sa.Integer()),
        sa.column("currency", sa.String()),
        sa.column("credits", sa.Integer()),
        sa.column("description", sa.String()),
        # offline, as JSON text: SQLAlchemy renders no JSON literal, PostgreSQL casts the text
        sa.column("features", sa.Text() if offline else sa.JSON()),
        sa.column("is_active", sa.Boolean()),
        sa.column("is_popular", sa.Boolean()),
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
                "features": json.dumps(features) if offline else features,
                "is_active": True,
                "is_popular": popular,
                "created_at": at,
                "updated_at": at,
            }
            for pid, name, amount, credits, description, features, popular in DEFAULT_PLANS
        ],
    )


def downgrade() -> None:
    drop_trigger("payment_events_append_only", "payment_events")
    drop_trigger("payments_no_delete", "payments")
    drop_trigger("plans_no_delete", "plans")
    drop_indexed("payment_refunds", "ix_payment_refunds_payment")
    drop_indexed("payment_events", "ix_payment_events_payment")
    drop_indexed("payments", "ix_payments_user_created", "ix_payments_status_created")
    op.drop_table("plans")

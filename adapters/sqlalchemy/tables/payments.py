"""Plans, payments, their refunds and their append-only event trail."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import (
    Json,
    id_column,
    lifecycle,
    metadata,
    request_origin,
    timestamp,
)

PAYMENT_STATUSES = (
    "PENDING",
    "PROCESSING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "REFUNDED",
    "PARTIALLY_REFUNDED",
)
REFUND_STATUSES = ("REQUESTED", "APPLIED", "FAILED")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


plans = sa.Table(
    "plans",
    metadata,
    sa.Column("plan_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("credits", sa.Integer, nullable=False),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("features", Json, nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("is_popular", sa.Boolean, nullable=False),
    *lifecycle(),
    sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    sa.CheckConstraint("credits >= 0", name="credits_not_negative"),
)

payments = sa.Table(
    "payments",
    metadata,
    id_column(primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    sa.Column(
        "plan_id",
        sa.String(64),
        sa.ForeignKey("plans.plan_id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("plan_name", sa.String(100), nullable=False),
    sa.Column("credits", sa.Integer, nullable=False),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("receipt", sa.String(40), nullable=False, unique=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("gateway_order_id", sa.String(64), unique=True),
    sa.Column("gateway_payment_id", sa.String(64), unique=True),
    sa.Column("method", sa.String(40)),
    sa.Column("failure_reason", sa.String(500)),
    sa.Column("captured_amount", sa.Integer, nullable=False),
    sa.Column("refunded_amount", sa.Integer, nullable=False),
    sa.Column("flags", Json, nullable=False),
    *lifecycle(),
    timestamp("processing_at", nullable=True),
    timestamp("completed_at", nullable=True),
    timestamp("failed_at", nullable=True),
    timestamp("cancelled_at", nullable=True),
    timestamp("partially_refunded_at", nullable=True),
    timestamp("refunded_at", nullable=True),
    # Reconciliation backoff (not part of the aggregate): failed gateway lookups in a row, and
    # when to look again (NULL: at the next run).
    sa.Column("reconcile_failures", sa.Integer, nullable=False, server_default="0"),
    timestamp("next_reconcile_at", nullable=True),
    sa.CheckConstraint(_one_of("status", PAYMENT_STATUSES), name="status_known"),
    sa.CheckConstraint("amount > 0 AND credits > 0", name="amount_and_credits_positive"),
    sa.CheckConstraint(
        "refunded_amount >= 0 AND refunded_amount <= captured_amount", name="refunds_within_capture"
    ),
    sa.Index("ix_payments_user_created", "user_id", "created_at", "id"),
    sa.Index("ix_payments_status_created", "status", "created_at"),
)

payment_refunds = sa.Table(
    "payment_refunds",
    metadata,
    id_column(primary_key=True),
    id_column("payment_id", sa.ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("requested_by", sa.String(64), nullable=False),
    sa.Column("gateway_refund_id", sa.String(64), unique=True),
    sa.Column("gateway_status", sa.String(20)),
    sa.Column("credits_clawed", sa.Integer, nullable=False),
    sa.Column("credits_shortfall", sa.Integer, nullable=False),
    sa.Column("failure_reason", sa.String(500)),
    timestamp("created_at"),
    timestamp("applied_at", nullable=True),
    timestamp("failed_at", nullable=True),
    sa.Column("request_fingerprint", sa.String(64)),  # the admin's request; NULL from dashboard
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint(_one_of("status", REFUND_STATUSES), name="status_known"),
    sa.Index("ix_payment_refunds_payment", "payment_id", "created_at"),
)

payment_events = sa.Table(
    "payment_events",
    metadata,
    id_column(primary_key=True),
    id_column("payment_id", sa.ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("from_status", sa.String(20)),
    sa.Column("to_status", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("source", sa.String(30), nullable=False),
    sa.Column("data", Json, nullable=False),
    *request_origin(),
    timestamp("created_at"),
    sa.Index("ix_payment_events_payment", "payment_id", "created_at", "id"),
)

"""Credits economy: when promotional credits expire next, referrals, coupons (issue 15)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    check,
    create_unique_where,
    id_column,
    timestamp,
    unique,
)

revision = "0017_economy"
down_revision = "0016_resilience"


def upgrade() -> None:
    op.add_column("credit_wallets", timestamp("expiring_at", nullable=True))
    op.create_index("ix_credit_wallets_expiring_at", "credit_wallets", ["expiring_at"])
    op.create_table(
        "referral_codes",
        id_column("user_id", primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        timestamp("created_at"),
        unique("referral_codes", "code"),
    )
    op.create_table(
        "referrals",
        id_column("referred_user_id", primary_key=True),
        id_column("referrer_user_id"),
        sa.Column("code", sa.String(32), nullable=False),
        timestamp("claimed_at"),
        sa.Column("payment_id", sa.String(64)),
        timestamp("rewarded_at", nullable=True),
        sa.Column("referrer_credits", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("referred_credits", sa.BigInteger, nullable=False, server_default="0"),
        timestamp("reversed_at", nullable=True),
        check("referrals", "not_self", "referred_user_id <> referrer_user_id"),
    )
    op.create_index("ix_referrals_referrer_user_id", "referrals", ["referrer_user_id"])
    op.create_table(
        "coupons",
        id_column(primary_key=True),
        sa.Column("code_digest", sa.String(64), nullable=False),
        sa.Column("credits", sa.BigInteger, nullable=False),
        sa.Column("max_redemptions", sa.Integer),
        sa.Column("redeemed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("one_per_user", sa.Boolean, nullable=False),
        timestamp("expires_at", nullable=True),
        id_column("created_by", nullable=True),
        timestamp("created_at"),
        check("coupons", "credits_positive", "credits > 0"),
        check(
            "coupons",
            "redemptions_bounded",
            "max_redemptions IS NULL OR redeemed <= max_redemptions",
        ),
        unique("coupons", "code_digest"),
    )
    op.create_table(
        "coupon_redemptions",
        id_column(primary_key=True),
        id_column("coupon_id", sa.ForeignKey("coupons.id")),
        id_column("user_id"),
        sa.Column("once", sa.Boolean, nullable=False),
        timestamp("created_at"),
    )
    create_unique_where(
        "uq_coupon_redemptions_once_per_user",
        "coupon_redemptions",
        ["coupon_id", "user_id"],
        where="once",
    )


def downgrade() -> None:
    op.drop_table("coupon_redemptions")
    op.drop_table("coupons")
    op.drop_table("referrals")
    op.drop_table("referral_codes")
    op.drop_index("ix_credit_wallets_expiring_at", table_name="credit_wallets")
    op.drop_column("credit_wallets", "expiring_at")

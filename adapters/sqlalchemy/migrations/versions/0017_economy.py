"""Credits economy: when promotional credits expire next, referrals, coupons (issue 15)

Revision ID: 0017_economy
Revises: 0016_resilience
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_economy"
down_revision = "0016_resilience"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "credit_wallets", sa.Column("expiring_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_credit_wallets_expiring_at", "credit_wallets", ["expiring_at"])
    op.create_table(
        "referral_codes",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("code", name=op.f("uq_referral_codes_code")),
    )
    op.create_table(
        "referrals",
        sa.Column("referred_user_id", sa.String(36), primary_key=True),
        sa.Column("referrer_user_id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payment_id", sa.String(64)),
        sa.Column("rewarded_at", sa.DateTime(timezone=True)),
        sa.Column("referrer_credits", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("referred_credits", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("reversed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("referred_user_id <> referrer_user_id", name=op.f("ck_referrals_not_self")),
    )
    op.create_index("ix_referrals_referrer_user_id", "referrals", ["referrer_user_id"])
    op.create_table(
        "coupons",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code_digest", sa.String(64), nullable=False),
        sa.Column("credits", sa.BigInteger, nullable=False),
        sa.Column("max_redemptions", sa.Integer),
        sa.Column("redeemed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("one_per_user", sa.Boolean, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("credits > 0", name=op.f("ck_coupons_credits_positive")),
        sa.CheckConstraint(
            "max_redemptions IS NULL OR redeemed <= max_redemptions",
            name=op.f("ck_coupons_redemptions_bounded"),
        ),
        sa.UniqueConstraint("code_digest", name=op.f("uq_coupons_code_digest")),
    )
    op.create_table(
        "coupon_redemptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("coupon_id", sa.String(36), sa.ForeignKey("coupons.id"), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("once", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "uq_coupon_redemptions_once_per_user",
        "coupon_redemptions",
        ["coupon_id", "user_id"],
        unique=True,
        postgresql_where=sa.text("once"),
        sqlite_where=sa.text("once"),
    )


def downgrade() -> None:
    op.drop_table("coupon_redemptions")
    op.drop_table("coupons")
    op.drop_table("referrals")
    op.drop_table("referral_codes")
    op.drop_index("ix_credit_wallets_expiring_at", table_name="credit_wallets")
    op.drop_column("credit_wallets", "expiring_at")

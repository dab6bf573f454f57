"""What each context contributes to a user's data export (API.md: everything held about them).

One ``ExportSection`` per kind of record: its name in the document, the tables it reads and the
query for one user. A new context adds its sections here — usually one ``by_user(...)`` line per
table — or lists a table in ``EXCLUDED`` with the reason it holds nothing to export;
``tests/unit/account/test_export_coverage.py`` fails for a table with a user column that is in
neither (ADR 0104).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from adapters.sqlalchemy.tables.access import memberships, organizations
from adapters.sqlalchemy.tables.account import account_activity, account_exports
from adapters.sqlalchemy.tables.assistant import ai_conversations, ai_messages, ai_quota_usage
from adapters.sqlalchemy.tables.audit import audit_log
from adapters.sqlalchemy.tables.community import (
    feedback,
    feedback_weekly,
    newsletter_subscribers,
    reports,
)
from adapters.sqlalchemy.tables.credits import (
    coupon_redemptions,
    credit_holds,
    credit_wallets,
    ledger_postings,
    ledger_transactions,
    referral_codes,
    referrals,
)
from adapters.sqlalchemy.tables.free_credits import (
    free_credit_claims,
    phone_verification_attempts,
    phone_verifications,
)
from adapters.sqlalchemy.tables.identity import users
from adapters.sqlalchemy.tables.invitations import invitations
from adapters.sqlalchemy.tables.notifications import notifications
from adapters.sqlalchemy.tables.payments import payment_events, payment_refunds, payments
from adapters.sqlalchemy.tables.profiles import profile_stars, profile_views, profiles
from adapters.sqlalchemy.tables.settings import user_settings
from adapters.sqlalchemy.tables.support import support_ticket_messages, support_tickets
from domain.credits.accounts import user_wallet


@dataclass(frozen=True)
class ExportSection:
    name: str
    tables: tuple[str, ...]  # what the section covers (checked against the metadata)
    select: Callable[[str], sa.Select[tuple[object, ...]]]  # user id -> the rows
    omit: tuple[str, ...] = ()  # columns never exported (secrets, digests)


def by_user(
    name: str, table: sa.Table, column: str = "user_id", *, omit: tuple[str, ...] = ()
) -> ExportSection:
    """The rows of ``table`` whose ``column`` is the user's id (the common case)."""

    def select(user_id: str) -> sa.Select[tuple[object, ...]]:
        return sa.select(table).where(table.c[column] == user_id)

    return ExportSection(name, (table.name,), select, omit)


def _wallet_rows(table: sa.Table, column: str) -> Callable[[str], sa.Select[tuple[object, ...]]]:
    return lambda user_id: sa.select(table).where(table.c[column] == user_wallet(user_id))


def _ledger_entries(user_id: str) -> sa.Select[tuple[object, ...]]:
    p, t = ledger_postings.c, ledger_transactions.c
    return (
        sa.select(
            p.id,
            p.transaction_id,
            p.amount,
            p.entry_type,
            p.balance_after,
            t.type,
            t.status,
            t.description,
            t.payment_id,
            t.refund_id,
            t.metadata,
            t.created_at,
        )
        .select_from(ledger_postings.join(ledger_transactions, t.id == p.transaction_id))
        .where(p.account == user_wallet(user_id))
        .order_by(p.id)
    )


def _of_payments(table: sa.Table) -> Callable[[str], sa.Select[tuple[object, ...]]]:
    def select(user_id: str) -> sa.Select[tuple[object, ...]]:
        mine = sa.select(payments.c.id).where(payments.c.user_id == user_id)
        return sa.select(table).where(table.c.payment_id.in_(mine))

    return select


def _ai_messages(user_id: str) -> sa.Select[tuple[object, ...]]:
    mine = sa.select(ai_conversations.c.id).where(ai_conversations.c.user_id == user_id)
    return sa.select(ai_messages).where(ai_messages.c.conversation_id.in_(mine))


def _memberships(user_id: str) -> sa.Select[tuple[object, ...]]:
    m, o = memberships.c, organizations.c
    return (
        sa.select(memberships, o.name.label("organization_name"), o.slug.label("organization_slug"))
        .select_from(memberships.join(organizations, o.id == m.organization_id))
        .where(m.user_id == user_id)
    )


def _invitations_received(user_id: str) -> sa.Select[tuple[object, ...]]:
    email = sa.select(sa.func.lower(users.c.email)).where(users.c.id == user_id).scalar_subquery()
    return sa.select(invitations).where(invitations.c.email == email)


def _newsletter(user_id: str) -> sa.Select[tuple[object, ...]]:
    email = sa.select(sa.func.lower(users.c.email)).where(users.c.id == user_id)
    return sa.select(newsletter_subscribers).where(
        newsletter_subscribers.c.email == email.scalar_subquery()
    )


def _ticket_messages(user_id: str) -> sa.Select[tuple[object, ...]]:
    """The public thread of the user's tickets (internal notes are the desk's, never shown)."""
    m, t = support_ticket_messages.c, support_tickets.c
    mine = sa.select(t.id).where(t.requester_id == user_id)
    return sa.select(support_ticket_messages).where(m.ticket_id.in_(mine), m.internal.is_(False))


def _audit(user_id: str) -> sa.Select[tuple[object, ...]]:
    a = audit_log.c
    return sa.select(audit_log).where(
        sa.or_(a.actor_id == user_id, sa.and_(a.scope_type == "user", a.scope_id == user_id))
    )


_SECRETS = ("code_digest",)

SECTIONS: tuple[ExportSection, ...] = (
    # identity, profiles, settings, notifications
    ExportSection("account", ("users",), lambda uid: sa.select(users).where(users.c.id == uid)),
    by_user("profile", profiles),
    by_user("settings", user_settings),
    by_user("notifications", notifications),
    by_user("profileViewsReceived", profile_views, "profile_user_id"),
    by_user("profileViewsGiven", profile_views, "viewer_id"),
    by_user("starsGiven", profile_stars),
    by_user("starsReceived", profile_stars, "profile_user_id"),
    # access, invitations
    ExportSection("memberships", ("memberships",), _memberships),
    by_user("invitationsSent", invitations, "invited_by", omit=_SECRETS),
    ExportSection("invitationsReceived", ("invitations",), _invitations_received, _SECRETS),
    # credits, payments, free credits
    ExportSection("wallet", ("credit_wallets",), _wallet_rows(credit_wallets, "account")),
    ExportSection("ledgerEntries", ("ledger_postings", "ledger_transactions"), _ledger_entries),
    ExportSection("creditHolds", ("credit_holds",), _wallet_rows(credit_holds, "wallet")),
    by_user("referralCode", referral_codes),
    by_user("referralsMade", referrals, "referrer_user_id"),
    by_user("referredBy", referrals, "referred_user_id"),
    by_user("couponRedemptions", coupon_redemptions),
    by_user("payments", payments),
    ExportSection("paymentRefunds", ("payment_refunds",), _of_payments(payment_refunds)),
    ExportSection("paymentEvents", ("payment_events",), _of_payments(payment_events)),
    by_user("phoneVerification", phone_verifications),
    by_user("phoneVerificationAttempts", phone_verification_attempts),
    by_user("freeCreditClaims", free_credit_claims),
    # assistant
    by_user("aiConversations", ai_conversations),
    ExportSection("aiMessages", ("ai_messages",), _ai_messages),
    by_user("aiQuotaUsage", ai_quota_usage),
    # community, support
    by_user("reportsFiled", reports, "reporter_id"),
    by_user("feedback", feedback, omit=("code_digest",)),
    by_user("feedbackMails", feedback_weekly),
    ExportSection("newsletter", ("newsletter_subscribers",), _newsletter),
    by_user("supportTickets", support_tickets, "requester_id"),
    ExportSection("supportTicketMessages", ("support_ticket_messages",), _ticket_messages),
    # account, audit
    by_user("activityLog", account_activity),
    by_user("exports", account_exports),
    ExportSection("auditTrail", ("audit_log",), _audit),
)

#: Tables with a user column that hold nothing the export should carry, and why.
EXCLUDED: Mapping[str, str] = {
    "account_step_up_codes": "a keyed digest of a 10-minute code: a secret, not the user's data",
    "phone_otps": "keyed digests of live codes (secrets); expire within 5 minutes",
    "phone_locks": "a one-hour lock on a number being verified; the number is in phoneVerification",
    "idempotency_keys": "replay records of requests the user made, deleted after 24 hours",
}

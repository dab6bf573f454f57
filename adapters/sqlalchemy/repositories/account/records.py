"""The lifecycle's reads across contexts (sole ownership, deleted accounts) and the erasure.

Erasure (ADR 0103) keeps what accounting and the audit trail need: ledger postings and
transactions, wallets, holds, payments, refunds, payment events, free-credit claims (a ledger
transaction's reason) and audit entries stay, naming the user only by the opaque id. Everything
else personal goes: the user row is anonymised (its subject becomes ``erased:<id>``, so the
identity can never sign in to it again), the rest is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.repositories.identity import SqlUserRepository, user_of
from adapters.sqlalchemy.tables.access import memberships, organizations
from adapters.sqlalchemy.tables.account import (
    account_activity,
    account_exports,
    account_step_up_codes,
)
from adapters.sqlalchemy.tables.assistant import ai_conversations, ai_messages, ai_quota_usage
from adapters.sqlalchemy.tables.community import feedback, feedback_weekly, newsletter_subscribers
from adapters.sqlalchemy.tables.free_credits import (
    phone_locks,
    phone_otps,
    phone_verification_attempts,
    phone_verifications,
)
from adapters.sqlalchemy.tables.identity import users
from adapters.sqlalchemy.tables.inbox import webhook_inbox
from adapters.sqlalchemy.tables.invitations import invitations
from adapters.sqlalchemy.tables.notifications import notifications
from adapters.sqlalchemy.tables.profiles import profile_stars, profile_views, profiles
from adapters.sqlalchemy.tables.settings import user_settings
from adapters.sqlalchemy.tables.support import support_ticket_messages, support_tickets
from application.account.ports import OwnedOrganization
from domain.access.permissions import ScopeKind
from domain.access.roles import OWNER_ROLE_ID
from domain.account.lifecycle import (
    ERASED_SUBJECT_PREFIX,
    ERASED_TEXT,
    erased,
    erased_address,
    is_erased,
)
from domain.identity.user import User

_ORG = ScopeKind.ORGANIZATION.value


@REPOSITORIES.register("account_records")
class SqlAccountRecords(SqlRepository):
    async def sole_owned_organizations(self, user_id: str) -> list[OwnedOrganization]:
        m, o = memberships.c, organizations.c
        other = memberships.alias("other")
        other_owner = (
            sa.select(sa.literal(1))
            .select_from(other.join(users, users.c.id == other.c.user_id))
            .where(
                other.c.scope_id == m.scope_id,
                other.c.role_id == OWNER_ROLE_ID,
                other.c.user_id != user_id,
                users.c.deleted_at.is_(None),
            )
        )
        stmt = (
            sa.select(o.id, o.slug, o.name)
            .select_from(memberships.join(organizations, o.id == m.organization_id))
            .where(
                m.user_id == user_id,
                m.scope_type == _ORG,
                m.role_id == OWNER_ROLE_ID,
                o.deleted_at.is_(None),
                ~sa.exists(other_owner),
            )
            .order_by(o.name)
        )
        rows = (await self._conn.execute(stmt)).all()
        return [OwnedOrganization(r.id, r.slug, r.name) for r in rows]

    async def deleted_between(self, after: datetime, until: datetime) -> list[User]:
        u = users.c
        stmt = sa.select(users).where(
            u.deleted_at > after,
            u.deleted_at <= until,
            ~u.subject.startswith(ERASED_SUBJECT_PREFIX, autoescape=True),
        )
        return [user_of(r) for r in (await self._conn.execute(stmt.order_by(u.id))).all()]

    async def erase(self, user_id: str, now: datetime) -> Mapping[str, int]:
        conn, touched = self._conn, {}
        user = await SqlUserRepository(conn).get(user_id)
        if user is None or is_erased(user):
            return {}
        touched["memberships.promoted"] = await self._hand_over_organizations(user_id, now)

        async def delete(name: str, stmt: sa.Delete) -> None:
            touched[name] = int((await conn.execute(stmt)).rowcount or 0)

        conversations = sa.select(ai_conversations.c.id).where(
            ai_conversations.c.user_id == user_id
        )
        await delete(
            "ai_messages",
            sa.delete(ai_messages).where(ai_messages.c.conversation_id.in_(conversations)),
        )
        for table, column in (
            (ai_conversations, "user_id"),
            (ai_quota_usage, "user_id"),
            (profile_views, "profile_user_id"),
            (profile_views, "viewer_id"),
            (profile_stars, "user_id"),
            (profile_stars, "profile_user_id"),
            (profiles, "user_id"),
            (user_settings, "user_id"),
            (notifications, "user_id"),
            (memberships, "user_id"),
            (phone_otps, "user_id"),
            (phone_verification_attempts, "user_id"),
            (phone_locks, "user_id"),
            (phone_verifications, "user_id"),
            (account_step_up_codes, "user_id"),
            (account_exports, "user_id"),
            (account_activity, "user_id"),
            (feedback, "user_id"),
            (feedback_weekly, "user_id"),
        ):
            key = table.name if column in ("user_id",) else f"{table.name}.{column}"
            await delete(key, sa.delete(table).where(table.c[column] == user_id))
        await self._anonymise_tickets(user_id, touched)
        if user.email:
            await delete(
                "newsletter_subscribers",
                sa.delete(newsletter_subscribers).where(
                    newsletter_subscribers.c.email == user.email.lower()
                ),
            )
            await delete(
                "invitations",
                sa.delete(invitations).where(
                    invitations.c.email == user.email.lower(), invitations.c.state != "used"
                ),
            )
        # Raw identity-provider deliveries about this user carry their e-mail and names.
        await delete(
            "webhook_inbox",
            sa.delete(webhook_inbox).where(
                webhook_inbox.c.source == "clerk",
                webhook_inbox.c.processed_at.is_not(None),
                webhook_inbox.c.body.contains(f'"{user.subject}"', autoescape=True),
            ),
        )
        await SqlUserRepository(conn).save(erased(user, now))
        touched["users"] = 1
        return {k: v for k, v in touched.items() if v}

    async def _anonymise_tickets(self, user_id: str, touched: dict[str, int]) -> None:
        """Support tickets stay for the desk's history, without the requester's words or address."""
        t, m = support_tickets.c, support_ticket_messages.c
        mine = sa.select(t.id).where(t.requester_id == user_id)
        replies = await self._conn.execute(
            sa.update(support_ticket_messages)
            .where(m.ticket_id.in_(mine), m.from_agent.is_(False))
            .values(body=ERASED_TEXT)
        )
        tickets = await self._conn.execute(
            sa.update(support_tickets)
            .where(t.requester_id == user_id)
            .values(
                subject=ERASED_TEXT,
                message=ERASED_TEXT,
                requester_email=erased_address(user_id),
                client_ip=None,
            )
        )
        touched["support_tickets"] = int(tickets.rowcount or 0)
        touched["support_ticket_messages"] = int(replies.rowcount or 0)

    async def _hand_over_organizations(self, user_id: str, now: datetime) -> int:
        """An organization the user owned alone passes to its longest-standing live member."""
        promoted = 0
        for org in await self.sole_owned_organizations(user_id):
            m = memberships.c
            heir = (
                await self._conn.execute(
                    sa.select(m.id)
                    .select_from(memberships.join(users, users.c.id == m.user_id))
                    .where(
                        m.scope_id == org.id,
                        m.user_id != user_id,
                        users.c.deleted_at.is_(None),
                    )
                    .order_by(m.created_at, m.id)
                    .limit(1)
                )
            ).scalar_one_or_none()
            if heir is not None:
                await self._conn.execute(
                    sa.update(memberships)
                    .where(m.id == heir)
                    .values(role_id=OWNER_ROLE_ID, updated_at=now)
                )
                promoted += 1
        return promoted

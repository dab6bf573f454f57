"""In-memory twins of the account context's repositories and of the export's data source."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from adapters.memory.store import MemoryState, MemoryStore
from application.account.ports import ExportRow, OwnedOrganization
from application.pagination import Page, PageRequest
from domain.access.permissions import ScopeKind
from domain.access.roles import OWNER_ROLE_ID
from domain.account.activity import ActivityEntry
from domain.account.exports import DataExport, ExportStatus
from domain.account.lifecycle import ERASED_TEXT, erased, erased_address, is_erased
from domain.account.step_up import StepUpCode
from domain.identity.user import User


@REPOSITORIES.register("activity")
class MemoryActivityLog(MemoryRepository):
    async def append(self, entry: ActivityEntry) -> None:
        self._s.account.activity.append(entry)

    async def list_for_user(self, user_id: str, page: PageRequest) -> Page[ActivityEntry]:
        mine = sorted(
            (e for e in self._s.account.activity if e.user_id == user_id),
            key=lambda e: (e.created_at, e.id),
            reverse=True,
        )
        return newest_first(mine, page, lambda e: (e.created_at, e.id))

    async def has_entry(self, user_id: str, action: str, since: datetime) -> bool:
        return any(
            e.user_id == user_id and e.action == action and e.created_at >= since
            for e in self._s.account.activity
        )

    async def purge_before(self, cutoff: datetime) -> int:
        kept = [e for e in self._s.account.activity if e.created_at >= cutoff]
        gone = len(self._s.account.activity) - len(kept)
        self._s.account.activity = kept
        return gone


@REPOSITORIES.register("step_up_codes")
class MemoryStepUpCodes(MemoryRepository):
    async def put(self, code: StepUpCode) -> None:
        self._s.account.codes[code.user_id] = code

    async def get(self, user_id: str) -> StepUpCode | None:
        return self._s.account.codes.get(user_id)

    async def delete(self, user_id: str) -> None:
        self._s.account.codes.pop(user_id, None)

    async def purge_expired(self, now: datetime) -> int:
        codes = self._s.account.codes
        expired = [uid for uid, c in codes.items() if c.expires_at <= now]
        for uid in expired:
            del codes[uid]
        return len(expired)


@REPOSITORIES.register("exports")
class MemoryExportRepository(MemoryRepository):
    async def add(self, export: DataExport) -> None:
        self._s.account.exports[export.id] = export

    async def save(self, export: DataExport) -> None:
        self._s.account.exports[export.id] = export

    async def get(self, export_id: str) -> DataExport | None:
        return self._s.account.exports.get(export_id)

    async def latest_for_user(self, user_id: str) -> DataExport | None:
        mine = [e for e in self._s.account.exports.values() if e.user_id == user_id]
        return max(mine, key=lambda e: (e.requested_at, e.id), default=None)

    async def ready_before(self, completed_before: datetime) -> list[DataExport]:
        return [
            e
            for e in self._s.account.exports.values()
            if e.status is ExportStatus.READY
            and e.completed_at is not None
            and e.completed_at < completed_before
        ]


@REPOSITORIES.register("account_records")
class MemoryAccountRecords(MemoryRepository):
    async def sole_owned_organizations(self, user_id: str) -> list[OwnedOrganization]:
        access, users = self._s.access, self._s.identity.users
        owned = []
        for (uid, scope_id), stored in access.memberships.items():
            m = stored.membership
            if uid != user_id or m.scope.kind is not ScopeKind.ORGANIZATION:
                continue
            if m.role.id != OWNER_ROLE_ID:
                continue
            others = [
                s
                for s in access.members_of(scope_id)
                if s.membership.user_id != user_id
                and s.membership.role.id == OWNER_ROLE_ID
                and _live(users.get(s.membership.user_id))
            ]
            org = access.organizations.get(scope_id)
            if not others and org is not None and org.deleted_at is None:
                owned.append(OwnedOrganization(org.id, org.slug, org.name))
        return sorted(owned, key=lambda o: o.name)

    async def deleted_between(self, after: datetime, until: datetime) -> list[User]:
        return sorted(
            (
                u
                for u in self._s.identity.users.values()
                if u.deleted_at is not None and after < u.deleted_at <= until and not is_erased(u)
            ),
            key=lambda u: u.id,
        )

    async def erase(self, user_id: str, now: datetime) -> Mapping[str, int]:
        s = self._s
        user = s.identity.users.get(user_id)
        if user is None or is_erased(user):
            return {}
        touched: dict[str, int] = {"memberships.promoted": self._hand_over(user_id, now)}

        def drop(name: str, container: Any, doomed: Iterable[Any]) -> None:
            keys = list(doomed)
            for key in keys:
                if isinstance(container, set):
                    container.discard(key)
                else:
                    del container[key]
            touched[name] = touched.get(name, 0) + len(keys)

        a, p = s.assistant, s.profiles
        mine = [cid for cid, c in a.conversations.items() if c.user_id == user_id]
        drop("ai_messages", a.messages, [c for c in mine if c in a.messages])
        drop("ai_conversations", a.conversations, mine)
        drop("ai_quota_usage", a.quota, [k for k in a.quota if k[0] == user_id])
        drop("profile_views", p.views, [k for k in p.views if user_id in k])
        drop("profile_stars", p.stars, [k for k in p.stars if user_id in k])
        drop("profiles", p.profiles, [k for k in p.profiles if k == user_id])
        drop("user_settings", s.settings.by_user, [k for k in s.settings.by_user if k == user_id])
        drop(
            "notifications",
            s.notifications.by_id,
            [k for k, n in s.notifications.by_id.items() if n.user_id == user_id],
        )
        drop(
            "memberships",
            s.access.memberships,
            [k for k in s.access.memberships if k[0] == user_id],
        )
        fc = s.free_credits
        drop("phone_verifications", fc.states, [k for k in fc.states if k == user_id])
        drop("phone_locks", fc.locks, [k for k, v in fc.locks.items() if v.user_id == user_id])
        drop("account_step_up_codes", s.account.codes, [k for k in s.account.codes if k == user_id])
        drop(
            "account_exports",
            s.account.exports,
            [k for k, e in s.account.exports.items() if e.user_id == user_id],
        )
        before = len(s.account.activity)
        s.account.activity = [e for e in s.account.activity if e.user_id != user_id]
        touched["account_activity"] = before - len(s.account.activity)
        community = s.community
        drop(
            "feedback",
            community.feedback,
            [k for k, f in community.feedback.items() if f.user_id == user_id],
        )
        drop("feedback_weekly", community.weekly, [k for k in community.weekly if k[0] == user_id])
        if user.email:
            email = user.email.lower()
            drop(
                "newsletter_subscribers",
                community.subscribers,
                [email] if email in community.subscribers else [],
            )
        self._anonymise_tickets(user_id, touched)
        s.identity.users[user_id] = erased(user, now)
        touched["users"] = 1
        return {k: v for k, v in touched.items() if v}

    def _anonymise_tickets(self, user_id: str, touched: dict[str, int]) -> None:
        support = self._s.support
        mine = {k for k, t in support.tickets.items() if t.requester_id == user_id}
        for k in mine:
            support.tickets[k] = replace(
                support.tickets[k],
                subject=ERASED_TEXT,
                message=ERASED_TEXT,
                requester_email=erased_address(user_id),
                client_ip=None,
            )
        replies = 0
        for i, message in enumerate(support.messages):
            if message.ticket_id in mine and not message.from_agent:
                support.messages[i] = replace(message, body=ERASED_TEXT)
                replies += 1
        touched["support_tickets"] = len(mine)
        touched["support_ticket_messages"] = replies

    def _hand_over(self, user_id: str, now: datetime) -> int:
        access, users = self._s.access, self._s.identity.users
        promoted = 0
        owned = [
            sid
            for (uid, sid), st in access.memberships.items()
            if uid == user_id and st.membership.role.id == OWNER_ROLE_ID
        ]
        for scope_id in owned:
            members = access.members_of(scope_id)
            if any(
                s.membership.role.id == OWNER_ROLE_ID
                and s.membership.user_id != user_id
                and _live(users.get(s.membership.user_id))
                for s in members
            ):
                continue
            heirs = sorted(
                (
                    s
                    for s in members
                    if s.membership.user_id != user_id and _live(users.get(s.membership.user_id))
                ),
                key=lambda s: (s.created_at, s.id),
            )
            if heirs:
                owner_role = access.memberships[(user_id, scope_id)].membership.role
                heirs[0].membership = replace(heirs[0].membership, role=owner_role)
                promoted += 1
        return promoted


def _live(user: User | None) -> bool:
    return user is not None and user.deleted_at is None


class MemoryUserDataSource:
    """The sections the memory adapters hold (the SQL source is the reference; same names)."""

    def __init__(self, store: MemoryStore):
        self._store = store

    def _sections(self) -> dict[str, Callable[[MemoryState, str], Iterable[Any]]]:
        return {
            "account": lambda s, u: [s.identity.users[u]] if u in s.identity.users else [],
            "profile": lambda s, u: [p for k, p in s.profiles.profiles.items() if k == u],
            "settings": lambda s, u: [
                {"userId": u, "settings": v} for k, v in s.settings.by_user.items() if k == u
            ],
            "notifications": lambda s, u: [
                n for n in s.notifications.by_id.values() if n.user_id == u
            ],
            "profileViewsReceived": lambda s, u: [
                {"viewerId": v, "viewedAt": t} for (p, v), t in s.profiles.views.items() if p == u
            ],
            "profileViewsGiven": lambda s, u: [
                {"profileUserId": p, "viewedAt": t}
                for (p, v), t in s.profiles.views.items()
                if v == u
            ],
            "starsGiven": lambda s, u: [
                {"profileUserId": p} for p, v in s.profiles.stars if v == u
            ],
            "starsReceived": lambda s, u: [{"userId": v} for p, v in s.profiles.stars if p == u],
            "memberships": lambda s, u: [
                st.membership for (uid, _), st in s.access.memberships.items() if uid == u
            ],
            "payments": lambda s, u: [p for p in s.payments.payments.values() if p.user_id == u],
            "paymentEvents": lambda s, u: [
                e
                for e in s.payments.events
                if (pay := s.payments.payments.get(e.payment_id)) is not None and pay.user_id == u
            ],
            "aiConversations": lambda s, u: [
                c for c in s.assistant.conversations.values() if c.user_id == u
            ],
            "activityLog": lambda s, u: [e for e in s.account.activity if e.user_id == u],
            "exports": lambda s, u: [e for e in s.account.exports.values() if e.user_id == u],
            "auditTrail": lambda s, u: [
                e
                for e in s.audit.entries
                if e.actor_id == u or (e.scope_type == "user" and e.scope_id == u)
            ],
        }

    def sections(self) -> list[str]:
        return list(self._sections())

    async def rows(self, section: str, user_id: str) -> AsyncIterator[ExportRow]:
        for item in list(self._sections()[section](self._store.state, user_id)):
            yield _plain(item)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value

"""The account context's repositories on memory, SQLite and PostgreSQL: the activity log (newest
first, keyset pages, retention), step-up codes (one per user), exports, and the lifecycle's
reads and erasure."""

from __future__ import annotations

from datetime import timedelta

from application.pagination import PageRequest, page_request
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import ScopeKind
from domain.access.roles import ORG_MEMBER, ORG_OWNER
from domain.access.scopes import ScopeRef
from domain.account.activity import ActivityEntry, ActivityLevel
from domain.account.exports import DataExport, ExportStatus
from domain.account.step_up import StepUpCode
from domain.ids import new_id
from domain.profiles.profile import Profile
from domain.request_context import RequestContext
from tests.integration.contract_builders import NOW, a_user


def _entry(user_id: str, minutes: int, action: str = "settings.updated") -> ActivityEntry:
    return ActivityEntry(
        user_id=user_id,
        action=action,
        level=ActivityLevel.INFO,
        created_at=NOW + timedelta(minutes=minutes),
        metadata={"changed": ["a"]},
        context=RequestContext("req-1", "10.0.0.1", "agent/1"),
    )


async def test_activity_is_listed_newest_first_in_pages_and_purged(contract_uow):
    me, other = a_user("me"), a_user("other")
    async with contract_uow() as u:
        await u.users.add(me)
        await u.users.add(other)
        for minute in range(5):
            await u.activity.append(_entry(me.id, minute))
        await u.activity.append(_entry(other.id, 10))
        await u.commit()
    async with contract_uow() as u:
        first = await u.activity.list_for_user(me.id, PageRequest(limit=3))
        assert [e.created_at.minute for e in first.items] == [4, 3, 2]
        assert first.items[0].context == RequestContext("req-1", "10.0.0.1", "agent/1")
        assert first.items[0].metadata == {"changed": ["a"]}
        assert first.next_cursor is not None
        rest = await u.activity.list_for_user(me.id, page_request(3, first.next_cursor))
        assert [e.created_at.minute for e in rest.items] == [1, 0] and rest.next_cursor is None
        assert await u.activity.has_entry(me.id, "settings.updated", NOW)
        assert not await u.activity.has_entry(me.id, "settings.updated", NOW + timedelta(hours=1))
        assert not await u.activity.has_entry(me.id, "other.action", NOW)
    async with contract_uow() as u:
        assert await u.activity.purge_before(NOW + timedelta(minutes=2)) == 2
        await u.commit()
    async with contract_uow() as u:
        left = await u.activity.list_for_user(me.id, PageRequest(limit=10))
        assert [e.created_at.minute for e in left.items] == [4, 3, 2]


async def test_one_step_up_code_per_user_and_expired_codes_purged(contract_uow):
    me = a_user("me")
    async with contract_uow() as u:
        await u.users.add(me)
        await u.step_up_codes.put(StepUpCode(me.id, "a" * 64, NOW, NOW + timedelta(minutes=10)))
        await u.step_up_codes.put(StepUpCode(me.id, "b" * 64, NOW, NOW + timedelta(minutes=10)))
        await u.commit()
    async with contract_uow() as u:
        code = await u.step_up_codes.get(me.id)
        assert code is not None and code.code_hash == "b" * 64
        assert await u.step_up_codes.purge_expired(NOW) == 0
        assert await u.step_up_codes.purge_expired(NOW + timedelta(minutes=10)) == 1
        await u.commit()
    async with contract_uow() as u:
        assert await u.step_up_codes.get(me.id) is None


async def test_exports_latest_and_due(contract_uow):
    me = a_user("me")
    old = DataExport(new_id(), me.id, ExportStatus.PENDING, NOW)
    new = DataExport(new_id(), me.id, ExportStatus.PENDING, NOW + timedelta(hours=25))
    async with contract_uow() as u:
        await u.users.add(me)
        await u.exports.add(old)
        await u.exports.add(new)
        await u.exports.save(old.ready(NOW + timedelta(minutes=1), 123))
        await u.commit()
    async with contract_uow() as u:
        assert await u.exports.latest_for_user(me.id) == new
        got = await u.exports.get(old.id)
        assert got is not None and got.status is ExportStatus.READY and got.size_bytes == 123
        assert await u.exports.ready_before(NOW + timedelta(minutes=1)) == []
        assert [e.id for e in await u.exports.ready_before(NOW + timedelta(hours=25))] == [old.id]


async def test_sole_owners_deleted_users_and_erasure(contract_uow):
    ada, bob, cy = a_user("ada"), a_user("bob"), a_user("cy")
    org = Organization(
        id=new_id(),
        name="Ada Org",
        slug="ada-org",
        is_public=False,
        join_enabled=False,
        created_at=NOW,
        updated_at=NOW,
    )
    async with contract_uow() as u:
        for user in (ada, bob, cy):
            await u.users.add(user)
        await u.organizations.add(org)
        await u.memberships.put(Membership(ada.id, ORG_OWNER, org.id), NOW)
        await u.memberships.put(Membership(bob.id, ORG_MEMBER, org.id), NOW + timedelta(1))
        await u.memberships.put(Membership(cy.id, ORG_MEMBER, org.id), NOW + timedelta(2))
        await u.profiles.add(Profile.new(ada.id, "Ada", None, NOW))
        await u.settings.put(ada.id, {"wantToGetFeedbackMail": False}, NOW)
        await u.activity.append(_entry(ada.id, 1))
        await u.commit()
    async with contract_uow() as u:
        [owned] = await u.account_records.sole_owned_organizations(ada.id)
        assert (owned.id, owned.slug, owned.name) == (org.id, "ada-org", "Ada Org")
        assert await u.account_records.sole_owned_organizations(bob.id) == []
        await u.users.save(ada.soft_delete(NOW))
        await u.commit()
    async with contract_uow() as u:
        found = await u.account_records.deleted_between(NOW - timedelta(1), NOW)
        assert [x.id for x in found] == [ada.id]
        assert await u.account_records.deleted_between(NOW, NOW + timedelta(1)) == []
        touched = await u.account_records.erase(ada.id, NOW + timedelta(days=91))
        await u.commit()
    assert touched["users"] == 1 and touched["memberships.promoted"] == 1
    assert touched["profiles"] == 1 and touched["user_settings"] == 1
    assert touched["account_activity"] == 1
    async with contract_uow() as u:
        gone = await u.users.get(ada.id)
        assert gone is not None and gone.email is None and gone.subject == f"erased:{ada.id}"
        assert await u.profiles.get(ada.id) is None
        assert await u.settings.get(ada.id) is None
        assert await u.memberships.get(ada.id, org_ref(org)) is None
        heir = await u.memberships.get(bob.id, org_ref(org))  # the longest-standing member
        assert heir is not None and heir.role.id == ORG_OWNER.id
        other = await u.memberships.get(cy.id, org_ref(org))
        assert other is not None and other.role.id == ORG_MEMBER.id
        # Erased once: not listed again, and erasing again touches nothing.
        assert await u.account_records.deleted_between(NOW - timedelta(1), NOW) == []
        assert await u.account_records.erase(ada.id, NOW + timedelta(days=92)) == {}


def org_ref(org: Organization) -> ScopeRef:
    return ScopeRef(ScopeKind.ORGANIZATION, org.id)

"""Issue 7, item 2: an invitation is only as good as its inviter's power when it is used.

On the memory adapters: pending invitations are revoked (and audited with the reason) when their
inviter is removed, demoted or loses the power through an edit of their custom role; and
acceptance re-authorizes the inviter, so even a change that swept nothing cannot be outlived."""

from __future__ import annotations

import pytest

from application.invitations.invite import SingleInvite
from application.ports.outbox_commands import ApplyIdentityWebhook
from domain.access import roles as r
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef
from domain.errors import Gone
from domain.identity.user import User
from domain.ids import new_id
from domain.invitations.errors import InvitationRevoked, InviterLostAuthority
from domain.invitations.invitation import InvitationStatus
from tests.fixtures.svix_signing import clerk_event
from tests.unit.invitations.test_use_cases import CTX, NOW, principal, setup


@pytest.fixture
def c(memory_container):
    return memory_container


async def add_member(c, org: Organization, name: str, role: r.Role) -> User:
    user = User(new_id(), f"s-{name}", f"{name}@x.test", name.title(), None, None, None, NOW, NOW)
    async with c.infrastructure.uow()() as uow:
        await uow.users.add(user)
        await uow.memberships.put(Membership(user.id, role, org.id), NOW)
        await uow.commit()
    return user


async def invite(c, inviter: User, org: Organization, email: str, role: str) -> tuple[str, str]:
    outcome = await c.invitations.invite_members()(
        principal(inviter), ScopeKind.ORGANIZATION, org.id, SingleInvite(email, role), None, CTX
    )
    invitation_id = outcome.created[0].invitation.id
    store = c.infrastructure.uow().store
    message = next(
        m for m in store.state.outbox.values() if m["payload"]["invitationId"] == invitation_id
    )
    code = c.core.code_sealer().unseal(message["payload"]["sealedCode"], bound_to=invitation_id)
    return invitation_id, code


async def state_of(c, invitation_id: str) -> InvitationStatus:
    async with c.infrastructure.uow()() as uow:
        found = await uow.invitations.get(invitation_id)
    assert found is not None
    return found.state


def revocations(c) -> list:
    entries = c.infrastructure.uow().store.state.audit.entries
    return [e for e in entries if e.action == "invitation.revoked"]


async def is_member(c, user: User, org: Organization) -> bool:
    async with c.infrastructure.uow()() as uow:
        ref = ScopeRef(ScopeKind.ORGANIZATION, org.id)
        return await uow.memberships.get(user.id, ref) is not None


async def test_removing_the_inviter_revokes_their_pending_invitations(c):
    owner, ann, org = await setup(c)
    carl = await add_member(c, org, "carl", r.ORG_CO_OWNER)
    carls, code = await invite(c, carl, org, "ann@x.test", "Member")
    owners, _ = await invite(c, owner, org, "bob@x.test", "Member")

    await c.access.remove_member()(principal(owner), ScopeKind.ORGANIZATION, org.id, carl.id, CTX)

    assert await state_of(c, carls) is InvitationStatus.REVOKED
    assert await state_of(c, owners) is InvitationStatus.PENDING
    [entry] = revocations(c)
    assert (entry.target_id, entry.actor_id) == (carls, owner.id)
    assert entry.after == {
        "status": "revoked",
        "reason": "inviter_no_longer_a_member",
        "invitedBy": carl.id,
        "cause": "member.removed",
    }
    with pytest.raises(InvitationRevoked):
        await c.invitations.accept_invitation()(principal(ann), code, CTX)
    assert not await is_member(c, ann, org)


async def test_demoting_the_inviter_revokes_only_what_they_can_no_longer_grant(c):
    owner, _ann, org = await setup(c)
    carl = await add_member(c, org, "carl", r.ORG_CO_OWNER)
    strong, _ = await invite(c, carl, org, "ann@x.test", "Co-Owner")
    weak, _ = await invite(c, carl, org, "bob@x.test", "Member")

    await c.access.change_member_role()(
        principal(owner), ScopeKind.ORGANIZATION, org.id, carl.id, "Maintainer", CTX
    )

    assert await state_of(c, strong) is InvitationStatus.REVOKED
    assert await state_of(c, weak) is InvitationStatus.PENDING
    [entry] = revocations(c)
    assert (entry.after["reason"], entry.after["cause"]) == (
        "role_above_inviter",
        "member.role_changed",
    )

    await c.access.change_member_role()(
        principal(owner), ScopeKind.ORGANIZATION, org.id, carl.id, "Member", CTX
    )
    assert await state_of(c, weak) is InvitationStatus.REVOKED
    assert revocations(c)[-1].after["reason"] == "inviter_may_no_longer_invite"


async def test_editing_the_inviters_custom_role_revokes_what_it_no_longer_allows(c):
    owner, ann, org = await setup(c)
    recruiter = await c.access.create_role()(
        principal(owner),
        org.id,
        "Recruiter",
        ScopeKind.ORGANIZATION,
        ["org:members:read", "org:members:invite"],
        CTX,
    )
    carl = await add_member(c, org, "carl", recruiter)
    invitation_id, code = await invite(c, carl, org, "ann@x.test", "Member")

    await c.access.update_role()(
        principal(owner), org.id, recruiter.id, None, ["org:members:read"], CTX
    )

    assert await state_of(c, invitation_id) is InvitationStatus.REVOKED
    [entry] = revocations(c)
    assert (entry.after["reason"], entry.after["cause"], entry.actor_id) == (
        "inviter_may_no_longer_invite",
        "role.updated",
        owner.id,
    )
    with pytest.raises(Gone):
        await c.invitations.accept_invitation()(principal(ann), code, CTX)


async def test_acceptance_re_authorizes_the_inviter_and_records_why_it_refused(c):
    """A change that swept nothing (made straight in the store here) is still caught on use."""
    _owner, ann, org = await setup(c)
    carl = await add_member(c, org, "carl", r.ORG_CO_OWNER)
    invitation_id, code = await invite(c, carl, org, "ann@x.test", "Member")
    async with c.infrastructure.uow()() as uow:
        await uow.memberships.remove_with_below(carl.id, ScopeRef(ScopeKind.ORGANIZATION, org.id))
        await uow.commit()

    with pytest.raises(InviterLostAuthority) as preview:
        await c.invitations.preview_invitation()(code)
    assert preview.value.code == "GONE"
    assert await state_of(c, invitation_id) is InvitationStatus.PENDING  # a preview writes nothing

    with pytest.raises(InviterLostAuthority) as refused:
        await c.invitations.accept_invitation()(principal(ann), code, CTX)

    assert refused.value.code == "GONE"
    assert refused.value.details == {"reason": "inviter_no_longer_a_member"}
    assert not await is_member(c, ann, org)
    assert await state_of(c, invitation_id) is InvitationStatus.REVOKED  # kept despite the error
    [entry] = revocations(c)
    assert (entry.actor_id, entry.after["cause"], entry.after["reason"]) == (
        None,
        "acceptance",
        "inviter_no_longer_a_member",
    )
    with pytest.raises(InvitationRevoked):
        await c.invitations.accept_invitation()(principal(ann), code, CTX)


async def test_a_deleted_inviter_can_no_longer_vouch_for_an_invitation(c):
    owner, ann, org = await setup(c)
    _, code = await invite(c, owner, org, "ann@x.test", "Member")
    async with c.infrastructure.uow()() as uow:
        await uow.users.save(owner.soft_delete(NOW))
        await uow.commit()

    with pytest.raises(InviterLostAuthority) as refused:
        await c.invitations.accept_invitation()(principal(ann), code, CTX)

    assert refused.value.details == {"reason": "inviter_account_deleted"}


async def test_a_role_edited_above_the_inviter_is_refused_on_acceptance(c):
    owner, ann, org = await setup(c)
    helper = await c.access.create_role()(
        principal(owner), org.id, "Helper", ScopeKind.ORGANIZATION, ["org:members:read"], CTX
    )
    carl = await add_member(c, org, "carl", r.ORG_CO_OWNER)
    invitation_id, code = await invite(c, carl, org, "ann@x.test", helper.id)

    await c.access.update_role()(
        principal(owner), org.id, helper.id, None, ["org:billing:manage"], CTX
    )

    assert await state_of(c, invitation_id) is InvitationStatus.REVOKED
    assert revocations(c)[-1].after["reason"] == "role_above_inviter"
    with pytest.raises(Gone):
        await c.invitations.accept_invitation()(principal(ann), code, CTX)
    assert not await is_member(c, ann, org)


async def test_an_inviter_who_keeps_the_power_is_not_affected(c):
    owner, ann, org = await setup(c)
    carl = await add_member(c, org, "carl", r.ORG_CO_OWNER)
    _, code = await invite(c, carl, org, "ann@x.test", "Maintainer")
    bob = await add_member(c, org, "bob", r.ORG_MEMBER)

    await c.access.remove_member()(principal(owner), ScopeKind.ORGANIZATION, org.id, bob.id, CTX)
    await c.access.change_member_role()(
        principal(owner), ScopeKind.ORGANIZATION, org.id, carl.id, "Maintainer", CTX
    )

    accepted = await c.invitations.accept_invitation()(principal(ann), code, CTX)
    assert accepted.role.id == r.ORG_MAINTAINER.id
    assert revocations(c) == []


async def test_the_inviters_account_deleted_by_the_provider_revokes_their_invitations(c):
    owner, _ann, org = await setup(c)
    carl = await add_member(c, org, "carl", r.ORG_CO_OWNER)
    carls, _ = await invite(c, carl, org, "ann@x.test", "Member")
    owners, _ = await invite(c, owner, org, "bob@x.test", "Member")
    body = clerk_event("user.deleted", {"id": carl.subject, "deleted": True, "object": "user"})
    await c.identity.receive_provider_webhook()(
        delivery_id="msg_del", event_type="user.deleted", body=body.decode()
    )
    store = c.infrastructure.uow().store
    [message] = [m for m in store.state.outbox.values() if m["topic"] == ApplyIdentityWebhook.TOPIC]

    await c.identity.apply_provider_webhook()(str(message["id"]), message["payload"])

    assert await state_of(c, carls) is InvitationStatus.REVOKED
    assert await state_of(c, owners) is InvitationStatus.PENDING
    [entry] = revocations(c)
    assert (entry.actor_id, entry.after["reason"], entry.after["cause"]) == (
        None,
        "inviter_account_deleted",
        "user.deleted",
    )

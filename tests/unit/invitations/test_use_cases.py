"""Invitation use cases on the memory adapters: atomic acceptance, roles never lowered, the e-mail
job sends the link once and nothing for closed invitations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from application.identity.principal import Principal
from application.invitations.code_sealer import SealBroken
from application.invitations.invitation_email import SendInvitationEmailHandler
from application.invitations.invite import SingleInvite
from application.ports.messaging import EmailMessage, RenderedEmail
from application.ports.outbox_commands import SendInvitationEmail
from domain.access import roles as r
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.errors import Gone
from domain.identity.user import User
from domain.ids import new_id
from domain.request_context import RequestContext

NOW = datetime(2026, 3, 1, tzinfo=UTC)
CTX = RequestContext("req-1", "127.0.0.1", "pytest")


@dataclass
class FakeTemplates:
    rendered: list[tuple[str, Mapping[str, object]]] = field(default_factory=list)

    def render(self, template: str, context: Mapping[str, object]) -> RenderedEmail:
        self.rendered.append((template, dict(context)))
        return RenderedEmail("subject", f"text {context['invite_url']}", "<p>html</p>")


@dataclass
class FakeSender:
    sent: list[EmailMessage] = field(default_factory=list)

    async def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"msg-{len(self.sent)}"


@pytest.fixture
def c(memory_container):
    return memory_container


def principal(user: User) -> Principal:
    return Principal(user.id, user.subject, user.email, user.display_name)


async def setup(c) -> tuple[User, User, Organization]:
    owner = User(new_id(), "s-owner", "owner@x.test", "Olive", None, None, None, NOW, NOW)
    ann = User(new_id(), "s-ann", "ann@x.test", "Ann", None, None, None, NOW, NOW)
    org = Organization(new_id(), "Acme", "acme", False, False, NOW, NOW)
    async with c.infrastructure.uow()() as uow:
        await uow.users.add(owner)
        await uow.users.add(ann)
        await uow.organizations.add(org)
        await uow.memberships.put(Membership(owner.id, r.ORG_OWNER, org.id), NOW)
        await uow.commit()
    return owner, ann, org


async def invite_ann(c, owner, org, role="Member") -> tuple[str, str]:
    outcome = await c.invitations.invite_members()(
        principal(owner),
        ScopeKind.ORGANIZATION,
        org.id,
        SingleInvite("ann@x.test", role),
        None,
        CTX,
    )
    invitation_id = outcome.created[0].invitation.id
    store = c.infrastructure.uow().store
    message = next(
        m for m in store.state.outbox.values() if m["payload"]["invitationId"] == invitation_id
    )
    assert message["topic"] == SendInvitationEmail.TOPIC
    code = c.core.code_sealer().unseal(message["payload"]["sealedCode"], bound_to=invitation_id)
    return invitation_id, code


async def test_acceptance_is_all_or_nothing(c, monkeypatch):
    owner, ann, org = await setup(c)
    _, code = await invite_ann(c, owner, org)
    store = c.infrastructure.uow().store
    audit_before = len(store.state.audit.entries)

    from adapters.memory.invitations import MemoryInvitationRepository

    async def broken_save(self, invitation):
        raise RuntimeError("disk full")

    monkeypatch.setattr(MemoryInvitationRepository, "save", broken_save)
    with pytest.raises(RuntimeError):
        await c.invitations.accept_invitation()(principal(ann), code, CTX)
    monkeypatch.undo()
    async with c.infrastructure.uow()() as uow:
        org_ref = ScopeRef(ScopeKind.ORGANIZATION, org.id)
        assert await uow.memberships.get(ann.id, org_ref) is None
    assert len(store.state.audit.entries) == audit_before
    accepted = await c.invitations.accept_invitation()(principal(ann), code, CTX)
    assert accepted.role.id == r.ORG_MEMBER.id


async def test_accepting_never_lowers_a_stronger_role_and_raises_a_weaker_one(c):
    owner, ann, org = await setup(c)
    _, member_code = await invite_ann(c, owner, org, "Member")
    org_ref = ScopeRef(ScopeKind.ORGANIZATION, org.id)
    async with c.infrastructure.uow()() as uow:
        await uow.memberships.put(Membership(ann.id, r.ORG_MAINTAINER, org.id), NOW)
        await uow.commit()
    kept = await c.invitations.accept_invitation()(principal(ann), member_code, CTX)
    assert (kept.role.id, kept.already_member) == (r.ORG_MAINTAINER.id, True)

    async with c.infrastructure.uow()() as uow:
        await uow.memberships.put(Membership(ann.id, r.ORG_MEMBER, org.id), NOW)
        await uow.commit()
    _, co_owner_code = await _invite_existing_member(c, owner, org, ann, r.ORG_CO_OWNER)
    raised = await c.invitations.accept_invitation()(principal(ann), co_owner_code, CTX)
    assert raised.role.id == r.ORG_CO_OWNER.id
    async with c.infrastructure.uow()() as uow:
        assert (await uow.memberships.get(ann.id, org_ref)).role.id == r.ORG_CO_OWNER.id


async def _invite_existing_member(c, owner, org, ann, role: Role) -> tuple[str, str]:
    """An invitation made before ann joined (planning refuses to invite members)."""
    async with c.infrastructure.uow()() as uow:
        held = await uow.memberships.remove_with_below(
            ann.id, ScopeRef(ScopeKind.ORGANIZATION, org.id)
        )
        await uow.commit()
    result = await invite_ann(c, owner, org, role.name)
    async with c.infrastructure.uow()() as uow:
        for m in held:
            await uow.memberships.put(m, NOW)
        await uow.commit()
    return result


async def test_a_deleted_custom_role_makes_the_invitation_gone_and_writes_nothing(c):
    owner, ann, org = await setup(c)
    custom = Role(
        "custom-1",
        "Auditor",
        ScopeKind.ORGANIZATION,
        frozenset({Permission.ORG_READ, Permission.ORG_AUDIT_READ}),
        org.id,
    )
    async with c.infrastructure.uow()() as uow:
        await uow.roles.add(custom)
        await uow.commit()
    _, code = await invite_ann(c, owner, org, "Auditor")
    async with c.infrastructure.uow()() as uow:
        await uow.roles.delete(custom.id)
        await uow.commit()
    with pytest.raises(Gone):
        await c.invitations.accept_invitation()(principal(ann), code, CTX)
    async with c.infrastructure.uow()() as uow:
        assert await uow.memberships.get(ann.id, ScopeRef(ScopeKind.ORGANIZATION, org.id)) is None


async def test_the_email_job_sends_the_link_once_and_nothing_for_closed_invitations(c):
    owner, _, org = await setup(c)
    invitation_id, code = await invite_ann(c, owner, org, "Maintainer")
    store = c.infrastructure.uow().store
    message_id, message = next(
        (k, m)
        for k, m in store.state.outbox.items()
        if m["payload"]["invitationId"] == invitation_id
    )
    assert code not in str(message)
    templates, sender = FakeTemplates(), FakeSender()
    job = SendInvitationEmailHandler(
        c.infrastructure.uow(),
        c.core.clock(),
        c.core.code_sealer(),
        templates,
        sender,
        "https://app.example/",
    )
    await job(message_id, message["payload"])
    assert [m.to for m in sender.sent] == ["ann@x.test"]
    assert sender.sent[0].idempotency_key == f"invitation/{invitation_id}"
    context = templates.rendered[0][1]
    assert context["invite_url"] == f"https://app.example/invites/{code}"
    assert (context["scope"], context["scope_name"], context["role"]) == (
        "organization",
        "Acme",
        "Maintainer",
    )
    assert context["inviter_name"] == "Olive"

    await c.invitations.revoke_invitation()(
        principal(owner), ScopeKind.ORGANIZATION, org.id, invitation_id, CTX
    )
    await job(message_id, message["payload"])
    assert len(sender.sent) == 1  # revoked before the retry: nothing more is sent

    with pytest.raises(SealBroken):
        await job("m2", {"invitationId": invitation_id})
    other_id, _ = await _second_invitation(c, owner, org)
    with pytest.raises(SealBroken):  # a sealed code moved to another invitation does not open
        await job("m3", {"invitationId": other_id, "sealedCode": message["payload"]["sealedCode"]})


async def _second_invitation(c, owner, org) -> tuple[str, str]:
    outcome = await c.invitations.invite_members()(
        principal(owner),
        ScopeKind.ORGANIZATION,
        org.id,
        SingleInvite("bob@x.test", "Member"),
        None,
        CTX,
    )
    return outcome.created[0].invitation.id, ""

"""Account use cases on the memory adapters with a fake clock: code issuance and verification
limits, the token's binding and expiry, deletion through both paths, the cleanup's windows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from dependency_injector import providers

from application.access.scope_types import OrganizationFields
from application.assistant.toolbox import ToolCaller
from application.pagination import PageRequest
from application.ports.identity import VerifiedToken
from application.ports.outbox_commands import sealed_binding
from domain.account.errors import (
    CodeRejected,
    SoleOwner,
    StepUpRateLimited,
    VerificationRequired,
)
from domain.account.exports import ExportStatus
from domain.identity.user import AccountDeleted
from domain.request_context import RequestContext
from tests.unit.identity.test_provider_sync import World, delete_alice

CTX = RequestContext("r1", "203.0.113.9", "test-agent")


async def _principal(container: Any, subject: str = "user_ada", email: str = "ada@example.com"):
    token = VerifiedToken(subject=subject, email=email, name="Ada Lovelace", is_admin=False)
    return await container.identity.resolve_principal()(token)


def _state(container: Any) -> Any:
    return container.infrastructure.uow().store.state


def _code(container: Any, email: str = "ada@example.com") -> str:
    rows = [
        r
        for r in _state(container).outbox.values()
        if r["topic"] == "email.send" and r["payload"]["template"] == "account-verification-code"
    ]
    sealed = rows[-1]["payload"]["sealed"]["code"]
    binding = sealed_binding(email, "account-verification-code")
    return str(container.core.code_sealer().unseal(sealed, bound_to=binding))


async def _actions(container: Any, user_id: str) -> list[str]:
    async with container.infrastructure.uow()() as uow:
        page = await uow.activity.list_for_user(user_id, PageRequest(limit=100))
    return [e.action for e in page.items]


async def test_cooldown_then_five_sends_per_30_minutes(memory_container, clock, limiter):
    ada = await _principal(memory_container)
    send = memory_container.account.send_step_up_code
    await send()(ada, CTX)
    with pytest.raises(StepUpRateLimited) as refused:
        await send()(ada, CTX)
    assert refused.value.retry_after == 60
    for _ in range(4):
        clock.advance(seconds=61)
        await send()(ada, CTX)
    clock.advance(seconds=61)
    with pytest.raises(StepUpRateLimited) as refused:
        await send()(ada, CTX)
    assert "5 codes per 30 minutes" in refused.value.message
    clock.advance(minutes=30)
    await send()(ada, CTX)


async def test_a_code_lives_ten_minutes_and_is_used_once(memory_container, clock, limiter):
    ada = await _principal(memory_container)
    await memory_container.account.send_step_up_code()(ada, CTX)
    code = _code(memory_container)
    clock.advance(minutes=10)
    with pytest.raises(CodeRejected) as rejected:
        await memory_container.account.verify_step_up_code()(ada, code, CTX)
    assert rejected.value.reason == "no_active_code"
    clock.advance(seconds=61)
    await memory_container.account.send_step_up_code()(ada, CTX)
    issued = await memory_container.account.verify_step_up_code()(ada, _code(memory_container), CTX)
    assert issued.expires_in == 900
    with pytest.raises(CodeRejected):
        await memory_container.account.verify_step_up_code()(ada, _code(memory_container), CTX)


async def test_five_wrong_codes_lock_for_30_minutes(memory_container, clock, limiter):
    ada = await _principal(memory_container)
    verify = memory_container.account.verify_step_up_code
    await memory_container.account.send_step_up_code()(ada, CTX)
    code = _code(memory_container)
    wrong = "000000" if code != "000000" else "111111"
    left = []
    for _ in range(4):
        with pytest.raises(CodeRejected) as rejected:
            await verify()(ada, wrong, CTX)
        left.append(rejected.value.details[0]["attemptsRemaining"])
    assert left == [4, 3, 2, 1]
    with pytest.raises(StepUpRateLimited) as locked:
        await verify()(ada, wrong, CTX)
    assert locked.value.retry_after == 1800
    clock.advance(minutes=29)
    with pytest.raises(StepUpRateLimited):
        await verify()(ada, code, CTX)
    clock.advance(minutes=2)
    await memory_container.account.send_step_up_code()(ada, CTX)
    await verify()(ada, _code(memory_container), CTX)
    actions = await _actions(memory_container, ada.user_id)
    assert actions.count("verification.failed") == 4 and actions.count("verification.locked") == 1


async def test_a_right_code_clears_the_wrong_ones(memory_container, clock, limiter):
    ada = await _principal(memory_container)
    verify = memory_container.account.verify_step_up_code
    for _ in range(2):
        await memory_container.account.send_step_up_code()(ada, CTX)
        for _ in range(4):
            wrong = "999999" if _code(memory_container) != "999999" else "000000"
            with pytest.raises(CodeRejected):
                await verify()(ada, wrong, CTX)
        await verify()(ada, _code(memory_container), CTX)
        clock.advance(seconds=61)


async def test_the_token_is_bound_to_the_user_and_expires(memory_container, clock, limiter):
    ada = await _principal(memory_container)
    bob = await _principal(memory_container, "user_bob", "bob@example.com")
    await memory_container.account.send_step_up_code()(ada, CTX)
    issued = await memory_container.account.verify_step_up_code()(ada, _code(memory_container), CTX)
    logs = memory_container.account.list_activity
    page = await logs()(ada, issued.token, PageRequest(), CTX)
    assert [e.action for e in page.items] == ["verification.succeeded", "verification.code_sent"]
    assert page.items[0].context == CTX
    assert (await _actions(memory_container, ada.user_id))[0] == "activity.read"
    with pytest.raises(VerificationRequired):
        await logs()(bob, issued.token, PageRequest(), CTX)
    clock.advance(seconds=899)
    assert await memory_container.account.step_up_status()(ada, issued.token) is not None
    clock.advance(seconds=1)
    assert await memory_container.account.step_up_status()(ada, issued.token) is None
    with pytest.raises(VerificationRequired):
        await logs()(ada, issued.token, PageRequest(), CTX)


async def _verified(container: Any, principal: Any, clock: Any) -> str:
    clock.advance(seconds=61)
    await container.account.send_step_up_code()(principal, CTX)
    email = principal.email
    issued = await container.account.verify_step_up_code()(principal, _code(container, email), CTX)
    return str(issued.token)


async def test_delete_then_recover(memory_container, clock, limiter, token):
    session = token("ada@example.com", name="Ada Lovelace")
    verified = await memory_container.infrastructure.token_verifier().verify(session)
    resolve = memory_container.identity.resolve_principal()
    ada = await resolve(verified)
    verification = await _verified(memory_container, ada, clock)
    recover_by = await memory_container.account.delete_account()(ada, verification, CTX)
    assert recover_by == clock.now() + timedelta(days=90)
    with pytest.raises(AccountDeleted) as denied:
        await resolve(verified)
    assert denied.value.details["recoverable"] is True
    user = await memory_container.account.recover_account()(session, CTX)
    assert user.id == ada.user_id and not user.is_deleted
    assert (await resolve(verified)).user_id == ada.user_id
    actions = await _actions(memory_container, ada.user_id)
    assert {"account.deleted", "account.recovered"} <= set(actions)


async def test_the_only_owner_is_refused_until_another_owner_exists(
    memory_container, clock, limiter
):
    ada = await _principal(memory_container)
    org = await memory_container.access.create_organization()(
        ada, OrganizationFields(name="Ada Org", slug="ada-org"), CTX
    )
    verification = await _verified(memory_container, ada, clock)
    with pytest.raises(SoleOwner) as refused:
        await memory_container.account.delete_account()(ada, verification, CTX)
    assert refused.value.details == {
        "organizations": [{"id": org.id, "slug": "ada-org", "name": "Ada Org"}]
    }
    assert not _state(memory_container).identity.users[ada.user_id].is_deleted


async def test_the_provider_deletion_takes_the_same_path() -> None:
    world = World()
    user_id = await delete_alice(world)
    entries = [e for e in world.store.state.account.activity if e.user_id == user_id]
    assert [(e.action, e.metadata["source"]) for e in entries] == [
        ("account.deleted", "identity-provider")
    ]
    templates = [
        m["payload"]["template"]
        for m in world.store.state.outbox.values()
        if m["topic"] == "email.send"
    ]
    assert "account-deleted" in templates


async def test_cleanup_windows(memory_container, clock, limiter, tmp_path):
    ada = await _principal(memory_container)
    bob = await _principal(memory_container, "user_bob", "bob@example.com")
    verification = await _verified(memory_container, bob, clock)
    export = await memory_container.account.request_export()(bob, verification, CTX)
    await memory_container.account.build_export().handle(export.id)
    files = memory_container.infrastructure.export_files()
    assert await files.exists(export.id)
    ada_verification = await _verified(memory_container, ada, clock)
    await memory_container.account.delete_account()(ada, ada_verification, CTX)
    cleanup = memory_container.account.daily_cleanup

    clock.advance(days=1, minutes=1)  # day 1: the export's link has expired
    first = await cleanup()()
    assert first["exportsExpired"] == 1 and first["codesDeleted"] == 0
    assert not await files.exists(export.id)
    assert _state(memory_container).account.exports[export.id].status is ExportStatus.EXPIRED

    clock.advance(days=60)  # day 61: the activity of day 0 is past its retention
    counts = await cleanup()()
    assert counts["activityEntriesDeleted"] > 0 and counts["deletionWarningsSent"] == 0

    clock.advance(days=19)  # day 80: one warning
    assert (await cleanup()())["deletionWarningsSent"] == 1
    clock.advance(days=5)
    assert (await cleanup()())["deletionWarningsSent"] == 0
    clock.advance(days=4, hours=23, minutes=58)  # day 89 23:59: still recoverable
    assert (await cleanup()())["usersErased"] == 0
    clock.advance(minutes=2)  # past day 90: erased
    erased = await cleanup()()
    assert erased["usersErased"] == 1
    user = _state(memory_container).identity.users[ada.user_id]
    assert user.email is None and user.subject == f"erased:{ada.user_id}"
    assert set((await cleanup()()).values()) == {0}


async def test_every_account_email_renders_through_the_real_handler(
    memory_container, clock, limiter, token
):
    """Code (sealed), export link, deletion, warning, recovery: queued by the use cases, then
    sent by the ``SendEmail`` handler with the real templates (a missing variable would fail)."""
    session = token("ada@example.com", name="Ada Lovelace")
    ada = await memory_container.identity.resolve_principal()(
        await memory_container.infrastructure.token_verifier().verify(session)
    )
    verification = await _verified(memory_container, ada, clock)
    export = await memory_container.account.request_export()(ada, verification, CTX)
    await memory_container.account.build_export().handle(export.id)
    await memory_container.account.delete_account()(ada, verification, CTX)
    clock.advance(days=81)
    await memory_container.account.daily_cleanup()()
    await memory_container.account.recover_account()(session, CTX)

    handler = memory_container.jobs.send_email()
    for row in list(_state(memory_container).outbox.values()):
        if row["topic"] == "email.send":
            await handler(row["id"], row["payload"])
    sent = memory_container.infrastructure.email_sender().sent
    templates = [m.tags["template"] for m in sent]
    for expected in (
        "account-verification-code",
        "data-export",
        "account-deleted",
        "account-deletion-warning",
        "account-recovery",
    ):
        assert expected in templates
    [code_mail] = [m for m in sent if m.tags["template"] == "account-verification-code"]
    assert _code(memory_container) in code_mail.text  # unsealed just before rendering
    [export_mail] = [m for m in sent if m.tags["template"] == "data-export"]
    assert f"/api/v1/account-settings/exports/{export.id}?expires=" in export_mail.text


async def test_a_failed_export_is_marked_and_may_be_asked_again(memory_container, clock, limiter):
    ada = await _principal(memory_container)
    verification = await _verified(memory_container, ada, clock)
    export = await memory_container.account.request_export()(ada, verification, CTX)

    class BrokenSource:
        def sections(self) -> list[str]:
            return ["account"]

        async def rows(self, section: str, user_id: str) -> Any:
            raise OSError("disk gone")
            yield {}

    memory_container.infrastructure.user_data_source.override(providers.Object(BrokenSource()))
    with pytest.raises(OSError):
        await memory_container.account.build_export().handle(export.id)
    memory_container.infrastructure.user_data_source.reset_override()
    assert _state(memory_container).account.exports[export.id].status is ExportStatus.FAILED
    titles = [
        r["payload"]["title"]
        for r in _state(memory_container).outbox.values()
        if r["topic"] == "notification.create"
    ]
    assert "Data export failed" in titles
    assert not await memory_container.infrastructure.export_files().exists(export.id)
    again = await memory_container.account.request_export()(ada, verification, CTX)
    assert again.id != export.id


async def test_an_assistant_tool_write_is_logged_as_such(memory_container, clock):
    ada = await _principal(memory_container)
    tools = memory_container.assistant.platform_tools()
    caller = ToolCaller(principal=ada, conversation_id="c1")
    await tools.update_user_profile(caller, {"field": "bio", "value": "Analyst"})
    async with memory_container.infrastructure.uow()() as uow:
        page = await uow.activity.list_for_user(ada.user_id, PageRequest())
    [entry] = [e for e in page.items if e.action == "assistant.tool_write"]
    assert entry.metadata == {"tool": "update_user_profile", "target": "profile"}

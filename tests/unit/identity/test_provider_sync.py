"""Identity-provider webhooks on memory adapters: store once, apply once, soft-delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.clerk.webhook_events import parse_clerk_webhook
from adapters.memory.cache import InMemoryCache
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.identity.provider_sync import (
    ApplyProviderWebhook,
    ReceiveProviderWebhook,
)
from application.identity.resolve_principal import ResolvePrincipal, principal_cache_key
from application.ports.identity import VerifiedToken
from application.ports.outbox_commands import ApplyIdentityWebhook
from domain.identity.user import AccountDeleted
from tests.fixtures.clock import FakeClock
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.svix_signing import clerk_event


class World:
    """The two use cases over one memory store, plus a relay that runs queued messages."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FakeClock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
        self.cache = InMemoryCache()
        self.uow = InMemoryUnitOfWorkFactory(self.store, self.clock)
        self.receive = ReceiveProviderWebhook(self.uow, self.clock)
        self.apply = ApplyProviderWebhook(self.uow, self.cache, self.clock, parse_clerk_webhook)
        self.resolve = ResolvePrincipal(self.uow, self.cache, self.clock, admin_subjects=())

    async def deliver(
        self,
        event_type: str,
        data: dict[str, object],
        delivery_id: str,
        *,
        timestamp_ms: int | None = None,
    ) -> bool:
        body = clerk_event(event_type, data, timestamp_ms=timestamp_ms).decode()
        return await self.receive(delivery_id=delivery_id, event_type=event_type, body=body)

    def queued(self) -> list[dict[str, object]]:
        return [
            m for m in self.store.state.outbox.values() if m["topic"] == ApplyIdentityWebhook.TOPIC
        ]

    async def run_jobs(self) -> int:
        """Run every queued webhook message once, as the relay + actor would."""
        ran = 0
        for message in self.queued():
            if message["dispatched_at"] is None:
                await self.apply(str(message["id"]), message["payload"])  # type: ignore[arg-type]
                message["dispatched_at"] = self.clock.now()
                ran += 1
        return ran

    def user(self, subject: str):  # type: ignore[no-untyped-def]
        matches = [u for u in self.store.state.identity.users.values() if u.subject == subject]
        return matches[0] if matches else None


@pytest.fixture
def world() -> World:
    return World()


async def test_a_delivery_is_stored_and_queued_once(world: World) -> None:
    assert await world.deliver("user.created", clerk_user("user_a"), "msg_1") is True
    assert await world.deliver("user.created", clerk_user("user_a"), "msg_1") is False

    assert len(world.store.state.inbox) == 1
    assert len(world.queued()) == 1
    stored = next(iter(world.store.state.inbox.values()))
    assert (stored.source, stored.event_id, stored.event_type) == ("clerk", "msg_1", "user.created")


async def test_user_created_provisions_the_user_with_the_welcome(world: World) -> None:
    await world.deliver("user.created", clerk_user("user_a", email="a@example.com"), "msg_1")
    await world.run_jobs()

    user = world.user("user_a")
    assert user is not None
    assert (user.email, user.first_name, user.username) == ("a@example.com", "Alice", "alice")
    assert user.image_url == "https://img.clerk.com/alice.png"
    topics = sorted(m["topic"] for m in world.store.state.outbox.values())
    assert topics == ["email.send", ApplyIdentityWebhook.TOPIC, "notification.create"]
    assert all(w.processed_at is not None for w in world.store.state.inbox.values())


async def test_a_redelivered_job_has_no_second_effect(world: World) -> None:
    await world.deliver("user.created", clerk_user("user_a"), "msg_1")
    message = world.queued()[0]
    await world.apply(str(message["id"]), message["payload"])  # type: ignore[arg-type]
    outbox_before = dict(world.store.state.outbox)
    commits = world.store.commits

    await world.apply(str(message["id"]), message["payload"])  # type: ignore[arg-type]

    assert world.store.state.outbox.keys() == outbox_before.keys()
    assert world.store.commits == commits  # nothing written at all
    assert len(world.store.state.identity.users) == 1


async def test_user_updated_refreshes_details_and_the_cached_principal(world: World) -> None:
    await world.deliver("user.created", clerk_user("user_a"), "msg_1")
    await world.run_jobs()
    token = VerifiedToken(subject="user_a", email=None, name=None, is_admin=False)
    assert (await world.resolve(token)).name == "Alice Liddell"
    world.clock.current += timedelta(minutes=5)

    data = clerk_user("user_a", email="new@example.com", first_name="Alicia", username="alicia")
    await world.deliver("user.updated", data, "msg_2")
    await world.run_jobs()

    user = world.user("user_a")
    assert (user.email, user.first_name, user.username) == ("new@example.com", "Alicia", "alicia")
    assert user.updated_at == world.clock.current
    assert await world.cache.get(principal_cache_key("user_a")) is None
    assert (await world.resolve(token)).name == "Alicia Liddell"


async def test_an_update_without_a_primary_email_keeps_the_known_one(world: World) -> None:
    await world.deliver("user.created", clerk_user("user_a", email="a@example.com"), "msg_1")
    await world.deliver("user.updated", clerk_user("user_a", email=None), "msg_2")
    await world.run_jobs()

    assert world.user("user_a").email == "a@example.com"


async def test_an_update_before_the_create_provisions_the_user(world: World) -> None:
    await world.deliver("user.updated", clerk_user("user_late", email="late@example.com"), "m1")
    await world.run_jobs()

    assert world.user("user_late").email == "late@example.com"


async def test_the_webhook_fills_in_a_user_provisioned_without_email(world: World) -> None:
    token = VerifiedToken(subject="user_jit", email=None, name=None, is_admin=False)
    first = await world.resolve(token)
    assert first.email is None

    await world.deliver("user.created", clerk_user("user_jit", email="jit@example.com"), "m1")
    await world.run_jobs()

    again = await world.resolve(token)
    assert again.user_id == first.user_id
    assert again.email == "jit@example.com"
    assert len(world.store.state.identity.users) == 1


async def test_user_deleted_soft_deletes_and_the_token_is_then_forbidden(world: World) -> None:
    token = VerifiedToken(subject="user_a", email="a@example.com", name=None, is_admin=False)
    await world.resolve(token)  # cached as active
    world.clock.current += timedelta(hours=1)

    await world.deliver("user.deleted", {"id": "user_a", "deleted": True, "object": "user"}, "m1")
    await world.run_jobs()

    user = world.user("user_a")
    assert user.deleted_at == world.clock.current
    assert user.can_be_recovered(world.clock.current + timedelta(days=89))
    assert not user.can_be_recovered(world.clock.current + timedelta(days=91))
    [entry] = world.store.state.audit.entries
    assert (entry.action, entry.target_id, entry.actor_id) == ("user.deleted", user.id, None)
    with pytest.raises(AccountDeleted) as denied:
        await world.resolve(token)
    assert denied.value.code == "ACCOUNT_DELETED" and denied.value.status == 403
    assert denied.value.details["recoverable"] is True


async def test_a_deleted_user_served_from_the_cache_is_refused_with_its_recovery_window(
    world: World,
) -> None:
    token = VerifiedToken(subject="user_a", email="a@example.com", name=None, is_admin=False)
    await world.resolve(token)
    await world.deliver("user.deleted", {"id": "user_a", "deleted": True, "object": "user"}, "m1")
    await world.run_jobs()
    with pytest.raises(AccountDeleted):
        await world.resolve(token)  # read from the database, then cached as deleted
    assert await world.cache.get(principal_cache_key("user_a")) is not None

    world.clock.current += timedelta(days=91)  # past the recovery window of the cached deletion
    for _ in range(2):  # the cached entry, decoded once and then reused, says the same each time
        with pytest.raises(AccountDeleted) as denied:
            await world.resolve(token)
        assert denied.value.details["recoverable"] is False


async def test_a_late_update_does_not_revive_a_deleted_user(world: World) -> None:
    await world.deliver("user.created", clerk_user("user_a"), "m1")
    await world.deliver("user.deleted", {"id": "user_a", "deleted": True}, "m2")
    await world.deliver("user.updated", clerk_user("user_a", first_name="Zombie"), "m3")
    await world.run_jobs()

    user = world.user("user_a")
    assert user.is_deleted and user.first_name == "Alice"


async def test_deleting_an_unknown_user_leaves_a_tombstone_and_nothing_else(world: World) -> None:
    await world.deliver("user.deleted", {"id": "user_never_seen", "deleted": True}, "m1")
    await world.run_jobs()

    [grave] = world.store.state.identity.users.values()
    assert grave.subject == "user_never_seen" and grave.is_deleted
    assert (grave.email, grave.first_name, grave.username) == (None, None, None)
    assert grave.id not in world.store.state.profiles.profiles  # no profile, settings nor welcome
    assert [m["topic"] for m in world.store.state.outbox.values()] == [ApplyIdentityWebhook.TOPIC]
    [entry] = world.store.state.audit.entries
    assert (entry.action, entry.after["tombstone"]) == ("user.deleted", True)
    assert all(w.processed_at is not None for w in world.store.state.inbox.values())


# --- out-of-order deliveries (issue 7, item 4) -----------------------------------------------

T0 = 1_790_000_000_000  # Clerk's milliseconds


async def test_an_older_update_delivered_late_does_not_overwrite_a_newer_one(world: World) -> None:
    await world.deliver("user.created", clerk_user("user_a", updated_at_ms=T0), "m1")
    newer = clerk_user("user_a", first_name="Newest", email="new@example.com", updated_at_ms=T0 + 2)
    older = clerk_user("user_a", first_name="Older", email="old@example.com", updated_at_ms=T0 + 1)
    await world.deliver("user.updated", newer, "m2")
    await world.deliver("user.updated", older, "m3")  # sent first, delivered last
    await world.run_jobs()

    user = world.user("user_a")
    assert (user.first_name, user.email) == ("Newest", "new@example.com")
    assert user.provider_updated_at == datetime.fromtimestamp((T0 + 2) / 1000, tz=UTC)
    assert all(w.processed_at is not None for w in world.store.state.inbox.values())


async def test_a_create_delivered_after_an_update_does_not_undo_it(world: World) -> None:
    update = clerk_user("user_a", first_name="Renamed", updated_at_ms=T0 + 5)
    await world.deliver("user.updated", update, "m1")
    await world.deliver("user.created", clerk_user("user_a", updated_at_ms=T0), "m2")
    await world.run_jobs()

    assert world.user("user_a").first_name == "Renamed"
    assert len(world.store.state.identity.users) == 1


async def test_a_delete_that_overtakes_the_create_stays_a_delete(world: World) -> None:
    deleted = {"id": "user_gone", "deleted": True, "object": "user"}
    await world.deliver("user.deleted", deleted, "m1", timestamp_ms=T0 + 10)
    await world.deliver("user.created", clerk_user("user_gone", updated_at_ms=T0), "m2")
    await world.deliver("user.updated", clerk_user("user_gone", updated_at_ms=T0 + 1), "m3")
    await world.run_jobs()

    [user] = world.store.state.identity.users.values()
    assert user.subject == "user_gone" and user.is_deleted and user.email is None
    assert user.id not in world.store.state.profiles.profiles
    assert "welcome-email" not in {
        str(m["dedupe_key"]).split(":")[0] for m in world.store.state.outbox.values()
    }
    token = VerifiedToken(subject="user_gone", email="a@example.com", name=None, is_admin=False)
    with pytest.raises(AccountDeleted):  # a session token issued before the delete: 403
        await world.resolve(token)
    assert len(world.store.state.identity.users) == 1


async def test_a_users_first_request_after_a_delete_that_overtook_the_create_is_refused(
    world: World,
) -> None:
    await world.deliver("user.deleted", {"id": "user_gone", "deleted": True}, "m1")
    await world.run_jobs()

    with pytest.raises(AccountDeleted):
        await world.resolve(VerifiedToken("user_gone", "gone@example.com", None, False))
    assert len(world.store.state.identity.users) == 1


async def test_events_after_a_token_provisioned_the_user_still_apply(world: World) -> None:
    token = VerifiedToken(subject="user_jit", email="jit@example.com", name=None, is_admin=False)
    await world.resolve(token)
    assert world.user("user_jit").provider_updated_at is None

    data = clerk_user("user_jit", first_name="Jo", updated_at_ms=T0)
    await world.deliver("user.updated", data, "m1")
    await world.run_jobs()

    assert world.user("user_jit").first_name == "Jo"


@pytest.mark.parametrize(
    ("event_type", "data"),
    [("session.created", {"id": "sess_1"}), ("user.created", {"first_name": "no id"})],
)
async def test_ignored_and_malformed_events_are_marked_processed_without_effect(
    world: World, event_type: str, data: dict[str, object]
) -> None:
    await world.deliver(event_type, data, "m1")
    await world.run_jobs()

    assert world.store.state.identity.users == {}
    assert all(w.processed_at is not None for w in world.store.state.inbox.values())


async def test_a_message_without_a_webhook_id_is_dropped(world: World) -> None:
    await world.apply("msg", {"nope": 1})
    assert world.store.commits == 0


async def delete_alice(world: World, subject: str = "user_old") -> str:
    await world.deliver(
        "user.created", clerk_user(subject, email="alice@example.com"), "c-" + subject
    )
    await world.deliver("user.deleted", {"id": subject, "deleted": True}, "d-" + subject)
    await world.run_jobs()
    return world.user(subject).id


async def test_a_new_identity_with_a_deleted_accounts_email_recovers_it(world: World) -> None:
    old_id = await delete_alice(world)
    world.clock.current += timedelta(days=30)
    outbox_before = set(world.store.state.outbox)

    data = clerk_user("user_new", email="Alice@Example.com", first_name="Ally")
    await world.deliver("user.created", data, "c-new")
    await world.run_jobs()

    user = world.user("user_new")
    assert user.id == old_id and not user.is_deleted
    assert (user.email, user.first_name) == ("Alice@Example.com", "Ally")
    grave = world.user("user_old")  # the account moved to the new subject; a tombstone stays
    assert grave.id != old_id and grave.is_deleted and grave.email is None
    state = world.store.state
    assert len(state.identity.users) == 2 and old_id in state.profiles.profiles
    new_messages = [
        world.store.state.outbox[m] for m in set(world.store.state.outbox) - outbox_before
    ]
    assert sorted(str(m["dedupe_key"]).split(":")[0] for m in new_messages) == [
        "account-recovery-email",
        "webhook",
        "welcome-back-notification",
    ]
    assert world.store.state.audit.entries[-1].action == "user.recovered"


async def test_after_the_recovery_window_the_new_identity_is_a_new_user(world: World) -> None:
    old_id = await delete_alice(world)
    world.clock.current += timedelta(days=91)

    await world.deliver("user.created", clerk_user("user_new", email="alice@example.com"), "c2")
    await world.run_jobs()

    assert world.user("user_new").id != old_id
    assert world.user("user_old").is_deleted


async def test_the_first_request_recovers_too(world: World) -> None:
    old_id = await delete_alice(world)
    token = VerifiedToken("user_new", "alice@example.com", "Alice L", False)

    principal = await world.resolve(token)

    assert principal.user_id == old_id


async def test_without_an_email_nothing_is_recovered(world: World) -> None:
    old_id = await delete_alice(world)

    principal = await world.resolve(VerifiedToken("user_new", None, None, False))

    assert principal.user_id != old_id


async def test_the_most_recently_deleted_account_is_the_one_recovered(world: World) -> None:
    await delete_alice(world, "user_first")
    world.clock.current += timedelta(days=1)
    latest = await delete_alice(world, "user_second")

    principal = await world.resolve(VerifiedToken("user_new", "alice@example.com", None, False))

    assert principal.user_id == latest


async def test_a_late_event_for_a_recovered_accounts_old_identity_stays_deleted(
    world: World,
) -> None:
    """The deleted identity's update, delivered after its account was recovered under a new
    identity, must not provision a second account with the same e-mail."""
    old_id = await delete_alice(world)
    await world.deliver("user.created", clerk_user("user_new", email="alice@example.com"), "c-new")
    await world.run_jobs()

    late = clerk_user("user_old", email="alice@example.com", first_name="Ghost")
    await world.deliver("user.updated", late, "late")
    await world.run_jobs()

    assert world.user("user_new").id == old_id and not world.user("user_new").is_deleted
    assert world.user("user_old").is_deleted
    live = [u for u in world.store.state.identity.users.values() if not u.is_deleted]
    assert [u.id for u in live] == [old_id]

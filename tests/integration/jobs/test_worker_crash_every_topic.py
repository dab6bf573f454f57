"""A worker killed in the middle of every kind of job: nothing is lost, nothing is done twice.

The real app (in this process) produces one outbox message of every topic that
``entrypoints/jobs/handlers.py`` registers, through its HTTP routes; a real ``fairarena worker``
process runs them. The test holds a PostgreSQL lock on ``processed_messages`` that lets the
handlers run but makes recording them wait, so every job stalls after its effect is committed or
sent and before it is recorded as processed — the window where a redelivery could do it twice.
The worker is SIGKILLed there, the lock released and a second worker started. (A kill before
the effect is the e-mail case of test_worker_crash.py: nothing happened, the message is
delivered again.)

Afterwards every message (including those the handlers produced) is recorded as processed, and
each effect is counted once: e-mails delivered per outbox id, notifications, the user made by
the identity webhook, the payment's PURCHASE, realtime events per user, the support ticket's
triage, the data export (its row and its file) and the GitHub push's project activity.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.realtime.redis_bus import PubSubHub, RedisRealtimeBus
from adapters.sqlalchemy.engine import build_engine
from application.ports.outbox_commands import sealed_binding
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.jobs.handlers import outbox_handlers
from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop, _shop
from tests.fixtures.databases import REDIS_URL
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.fake_resend import FakeResend
from tests.fixtures.github_signing import SECRET as GITHUB_SECRET
from tests.fixtures.github_signing import push, signed
from tests.fixtures.rabbitmq import private_vhost
from tests.fixtures.svix_signing import clerk_event, new_webhook_secret, svix_headers
from tests.integration.jobs.redis_service import unique_namespace
from tests.integration.jobs.test_worker_crash import WorkerProcess

pytestmark = pytest.mark.integration

SEAL_KEY = "q5bY3W4m0x7oJ2sG8lT1vK9cN6hR5eA3uD0iF2pZ7yQ"
#: Generous deadlines: the machine is small and shared; every wait is on a condition.
DEADLINE_SECONDS = 120
#: Enough worker threads for every job to be in flight at once when the worker is killed.
THREADS = 16
#: Conflicts with INSERT only: the relay and the handlers run, recording a job waits.
STALL_LOCK = "SHARE ROW EXCLUSIVE"


@pytest.fixture
async def shop(
    test_settings: Callable[..., Settings], pg_url: str
) -> AsyncIterator[tuple[Shop, str]]:
    secret = new_webhook_secret()
    async for value in _shop(
        test_settings,
        pg_url,
        clerk_webhook_secret=secret,
        invite_seal_key=SEAL_KEY,
        github_webhook_secret=GITHUB_SECRET,
    ):
        yield value, secret


@pytest.fixture
async def resend() -> AsyncIterator[FakeResend]:
    fake = FakeResend(api_key="re_crash")
    await fake.start()
    yield fake
    await fake.close()


async def produce_every_topic(shop: Shop, webhook_secret: str, token: Any) -> None:
    """One request per producer; with what their jobs produce, every registered topic."""
    client = shop.client
    owner = token("olive@example.com", name="Olive Owner")
    # A first sign-in: welcome e-mail and notification (whose realtime event follows).
    assert (await client.get("/api/v1/profile", headers=bearer(owner))).status == 200
    created = await client.post(
        "/api/v1/organization",
        json={"name": "Acme", "slug": "acme"},
        headers=bearer(owner),
    )
    assert created.status == 201, await created.text()
    org = (await created.json())["data"]
    invited = await client.post(
        f"/api/v1/organization/{org['id']}/invites",
        json={"email": "ann@example.com", "role": "Member"},
        headers=bearer(owner),
    )
    assert invited.status == 201, await invited.text()
    # A paid order, told by Razorpay's webhook (settled by the job, from the gateway).
    order = await shop.buy(owner)
    paid = shop.razorpay.pay(order["orderId"])
    hook = shop.razorpay.webhook("payment.captured", payment=shop.razorpay.payments[paid["id"]])
    assert (await shop.deliver(hook)).status == 200
    # A user created at the identity provider.
    body = clerk_event("user.created", clerk_user("user_crash01", email="cleo@example.com"))
    answer = await client.post(
        "/webhooks/v1/clerk", data=body, headers=svix_headers(webhook_secret, body)
    )
    assert answer.status in (200, 204), await answer.text()
    # A support ticket (triaged by its job).
    opened = await client.post(
        "/api/v1/support",
        json={"subject": "Login fails", "message": "I get an error when I sign in with Google"},
        headers=bearer(owner),
    )
    assert opened.status == 201, await opened.text()
    # A data export, after step-up verification (built by its job).
    await _request_export(shop, owner, "olive@example.com")
    # A push to a repository linked to a project (turned into activity by its job).
    await _push_to_linked_project(shop, owner, org["id"])


async def _ok(resp: Any, status: int = 200) -> Any:
    assert resp.status == status, await resp.text()
    return (await resp.json())["data"]


async def _request_export(shop: Shop, owner: str, email: str) -> None:
    client, base = shop.client, "/api/v1/account-settings"
    await _ok(await client.post(f"{base}/send-otp", headers=bearer(owner)))
    # The code as the e-mail job would read it: unsealed from its (not yet relayed) message.
    template = "account-verification-code"
    sealed = await shop.scalar(
        "SELECT payload FROM outbox WHERE topic = 'email.send' "
        "ORDER BY created_at DESC, id DESC LIMIT 1"
    )
    assert (sealed["template"], sealed["to"]) == (template, email)
    code = shop.container.core.code_sealer().unseal(
        sealed["sealed"]["code"], bound_to=sealed_binding(email, template)
    )
    verified = await _ok(
        await client.post(f"{base}/verify-otp", json={"otp": code}, headers=bearer(owner))
    )
    headers = {**bearer(owner), "X-Verification-Token": verified["verificationToken"]}
    export = await _ok(await client.post(f"{base}/export-data", headers=headers), 202)
    assert export["status"] == "PENDING", export


async def _push_to_linked_project(shop: Shop, owner: str, org_id: str) -> None:
    client = shop.client
    team = await _ok(
        await client.post(
            "/api/v1/team",
            json={"organizationId": org_id, "name": "Core", "slug": "core"},
            headers=bearer(owner),
        ),
        201,
    )
    project = await _ok(
        await client.post(
            "/api/v1/project",
            json={"teamId": team["id"], "name": "Arena", "slug": "arena"},
            headers=bearer(owner),
        ),
        201,
    )
    await _ok(
        await client.patch(
            f"/api/v1/project/{project['id']}",
            json={"repositoryUrl": "https://github.com/Acme/Arena"},
            headers=bearer(owner),
        )
    )
    body, headers = signed("push", push("Acme/Arena"))
    delivered = await _ok(await client.post("/webhooks/v1/github", data=body, headers=headers))
    assert delivered == {"received": True, "duplicate": False}


class Database:
    def __init__(self, url: str) -> None:
        self.engine: AsyncEngine = build_engine(url)

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list(await conn.execute(sa.text(sql), params))

    async def scalar(self, sql: str, **params: Any) -> Any:
        [row] = await self.rows(sql, **params)
        return row[0]

    async def outbox(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (r.id, r.topic, r.payload)
            for r in await self.rows("SELECT id, topic, payload FROM outbox ORDER BY id")
        ]

    async def waiting_on_locks(self) -> int:
        return int(
            await self.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        )

    async def unprocessed(self) -> list[str]:
        return [
            r.id
            for r in await self.rows(
                "SELECT o.id FROM outbox o LEFT JOIN processed_messages p ON p.message_id = o.id "
                "WHERE p.message_id IS NULL"
            )
        ]


async def eventually(check: Callable[[], Any], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"not within {DEADLINE_SECONDS}s: {what}")
        await asyncio.sleep(0.2)


def worker_env(
    pg_url: str, shop: Shop, resend: FakeResend, namespace: str, tmp_path: Path
) -> dict[str, str]:
    env = {
        **os.environ,
        "ENV": "test",
        "DATABASE_URL": pg_url,
        "REDIS_URL": REDIS_URL,  # the realtime bus; the broker unless BROKER_URL is set
        "BROKER_NAMESPACE": namespace,
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_PROVIDER": "resend",
        "RESEND_API_KEY": "re_crash",
        "RESEND_API_URL": resend.url,
        "EMAIL_FROM": "FairArena <no-reply@fairarena.example>",
        "INVITE_SEAL_KEY": SEAL_KEY,
        "GITHUB_WEBHOOK_SECRET": GITHUB_SECRET,
        "RAZORPAY_KEY_ID": shop.razorpay.key_id,
        "RAZORPAY_KEY_SECRET": shop.razorpay.key_secret,
        "RAZORPAY_WEBHOOK_SECRET": shop.razorpay.webhook_secret,
        "RAZORPAY_BASE_URL": shop.razorpay.base_url,
        "PAYMENTS_SANDBOX": "false",
        "LOG_LEVEL": "WARNING",
        # Jobs wait on the test's lock longer than the default statement timeout would allow.
        "DB_STATEMENT_TIMEOUT_MS": "0",
    }
    env.pop("BROKER_URL", None)
    return env


async def hold_lock(engine: AsyncEngine, mode: str) -> AsyncConnection:
    conn = await engine.connect()
    await conn.begin()
    await conn.execute(sa.text(f"LOCK TABLE processed_messages IN {mode} MODE"))
    return conn


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
async def test_every_kind_of_job_survives_a_killed_worker_once(
    shop: tuple[Shop, str],
    resend: FakeResend,
    pg_url: str,
    token: Any,
    tmp_path: Path,
    broker: str,
) -> None:
    app, webhook_secret = shop
    await produce_every_topic(app, webhook_secret, token)
    db = Database(pg_url)
    produced = await db.outbox()
    registered = set(outbox_handlers(Container(config=app.container.config())))
    # realtime.publish comes from the notification job (and the payment's settlement).
    assert {topic for _, topic, _ in produced} == registered - {"realtime.publish"}

    namespaces = unique_namespace()
    namespace = next(namespaces)
    vhost = private_vhost()
    env = worker_env(pg_url, app, resend, namespace, tmp_path)
    if broker == "rabbitmq":
        env["BROKER_URL"] = vhost.__enter__()
    log = tmp_path / "worker.log"
    begun = await begin_streams(db, REDIS_URL, namespace)
    lock = await hold_lock(db.engine, STALL_LOCK)
    try:
        # The first worker never publishes a row again while it is stalled (one dispatch).
        first = WorkerProcess({**env, "OUTBOX_REDELIVER_AFTER_SECONDS": "3600"}, log, THREADS)
        try:
            await eventually(
                lambda: _at_least(db.waiting_on_locks(), len(produced)),
                f"{len(produced)} jobs stalled on the lock",
            )
            # Cut after the effects: e-mails sent, the webhook's user made, none recorded.
            assert len(resend.sent) >= 2  # at least the welcome and invitation e-mails
            assert await db.scalar("SELECT count(*) FROM users WHERE subject = 'user_crash01'")
        finally:
            first.kill()
        await lock.rollback()
        await lock.close()
        assert len(await db.unprocessed()) >= len(produced)  # all of them were cut short

        second = WorkerProcess({**env, "OUTBOX_REDELIVER_AFTER_SECONDS": "2"}, log, THREADS)
        try:
            await eventually(_none_left(db), "every outbox message processed")
            await asyncio.sleep(3)  # past another redelivery window
            assert await db.unprocessed() == []
        finally:
            code = second.stop()
        assert code == 0, log.read_text(errors="replace")
        assert {topic for _, topic, _ in await db.outbox()} == registered
        await assert_each_effect_once(
            db, resend, namespace, tmp_path / "var" / "exports", begun=begun
        )
    finally:
        if not lock.closed:
            await lock.close()
        await db.engine.dispose()
        if broker == "rabbitmq":
            vhost.__exit__(None, None, None)
        namespaces.close()


async def begin_streams(db: Database, url: str, namespace: str) -> set[str]:
    """Begins the realtime stream of every user there is now, as their first connection would:
    a publication never begins a stream with its event in it (ADR 0074), so only the events of
    these users are counted exactly."""
    users = {user for (user,) in await db.rows("SELECT id FROM users")}
    client = aioredis.Redis.from_url(url)
    bus = RedisRealtimeBus(client, PubSubHub(lambda: client), prefix=f"{namespace}-rt")
    try:
        for user in users:
            await bus.head(user)
    finally:
        await client.aclose()
    return users


async def _at_least(count: Any, expected: int) -> bool:
    return int(await count) >= expected


def _none_left(db: Database) -> Callable[[], Any]:
    async def check() -> bool:
        return await db.unprocessed() == []

    return check


async def assert_each_effect_once(
    db: Database,
    resend: FakeResend,
    namespace: str,
    exports: Path,
    realtime_redis: str = REDIS_URL,
    *,
    begun: set[str],
) -> None:
    messages = await db.outbox()
    by_topic: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for message_id, topic, payload in messages:
        by_topic.setdefault(topic, []).append((message_id, payload))

    # E-mails: one delivery per outbox message, each under its own idempotency key.
    delivered = Counter(email["idempotency_key"] for email in resend.sent)
    assert delivered == Counter(
        {f"outbox/{mid}": 1 for mid, _ in by_topic["email.send"]}
        | {f"invitation/{p['invitationId']}": 1 for _, p in by_topic["invitation.email"]}
    )
    # Notifications: one row per message (its id is the message id).
    notification_ids = [mid for mid, _ in by_topic["notification.create"]]
    assert await db.scalar(
        "SELECT count(*) FROM notifications WHERE id = ANY(:ids)", ids=notification_ids
    ) == len(notification_ids)
    # The identity webhook made its user once.
    assert await db.scalar("SELECT count(*) FROM users WHERE subject = 'user_crash01'") == 1
    # The payment was settled once: COMPLETED, one PURCHASE.
    assert await db.scalar("SELECT count(*) FROM payments WHERE status = 'COMPLETED'") == 1
    assert (
        await db.scalar(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'PURCHASE' AND status = 'POSTED'"
        )
        == 1
    )
    # The support ticket was triaged (once: its job's e-mails and notifications are counted above).
    assert await db.rows("SELECT triage_source IS NOT NULL FROM support_tickets") == [(True,)]
    # The data export was built once: READY with its completion time, one file.
    [(export_id, status, completed)] = await db.rows(
        "SELECT id, status, completed_at IS NOT NULL FROM account_exports"
    )
    assert (status, completed) == ("READY", True)
    assert sorted(p.name for p in exports.iterdir()) == [f"{export_id}.json"]
    # The GitHub push became one project activity entry.
    assert await db.scalar("SELECT count(*) FROM project_activity") == 1
    # Realtime: in each begun stream, as many events as messages for that user; a stream the
    # first publication began (a user made by a job) holds no more than that, never a repeat.
    expected = Counter(p["userId"] for _, p in by_topic["realtime.publish"])
    assert begun & set(expected), "no realtime event for a user whose stream was begun"
    client = redis.Redis.from_url(realtime_redis)
    try:
        got = {user: client.xlen(f"{namespace}-rt:{{{user}}}:events") for user in expected}
    finally:
        client.close()
    assert {u: n for u, n in got.items() if u in begun} == {
        u: n for u, n in expected.items() if u in begun
    }
    assert all(got[u] <= expected[u] for u in expected)

"""A worker killed just before the effect of every kind of job: the effect happens, once.

The other side of test_worker_crash_every_topic.py (killed after the effect, before it is
recorded). The same requests produce one outbox message of every topic ``outbox_handlers``
registers, plus one ``realtime.publish`` (normally written by the notification job, which is held
here too). Every job is then held at its effect, which has not happened yet:

- e-mails (``email.send``, ``invitation.email``): Resend receives the request and holds it
  unanswered (``before_accept``); the dropped request never became an e-mail;
- jobs that write the database: the test holds a lock on the table the effect writes
  (``SHARE ROW EXCLUSIVE``: reads pass, the write waits inside the job's open transaction; the
  export waits at its first read, ``ACCESS EXCLUSIVE``, so before its file is written);
- ``realtime.publish``: the worker's Redis (a private server) is paused for writes
  (``CLIENT PAUSE … WRITE``): the publish script is parsed and held; a client that dies while
  held never runs it.

``BEFORE_THE_EFFECT`` names the hold of every topic; the test fails when a registered topic has
none. The worker is SIGKILLed with every job held, nothing of any effect is visible, the holds are
released and a second worker runs everything: each effect is counted exactly once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.ports.clock import SystemClock
from application.ports.outbox_commands import (
    ApplyGithubWebhook,
    ApplyIdentityWebhook,
    BuildDataExport,
    CreateNotification,
    PublishRealtime,
    SendEmail,
    SendInvitationEmail,
    SettleFromRazorpayWebhook,
    TriageSupportTicket,
)
from domain.realtime.events import BALANCE_CHANGED
from entrypoints.containers import Container
from entrypoints.jobs.handlers import outbox_handlers
from tests.e2e.payments.conftest import Shop
from tests.fixtures.databases import REDIS_URL
from tests.fixtures.fake_resend import FakeResend
from tests.fixtures.private_servers import PrivateRedis
from tests.fixtures.rabbitmq import private_vhost
from tests.integration.jobs.redis_service import unique_namespace
from tests.integration.jobs.test_worker_crash import WorkerProcess
from tests.integration.jobs.test_worker_crash_every_topic import (
    THREADS,
    Database,
    _at_least,
    _none_left,
    assert_each_effect_once,
    begin_streams,
    eventually,
    produce_every_topic,
    resend,
    shop,
    worker_env,
)

pytestmark = pytest.mark.integration

__all__ = ["resend", "shop"]  # fixtures shared with the after-the-effect test


@dataclass(frozen=True)
class Resend:
    """The provider holds the request unanswered, then drops it: no e-mail."""


@dataclass(frozen=True)
class Table:
    """The job's write to ``name`` waits on the test's lock (``mode``)."""

    name: str
    mode: str = "SHARE ROW EXCLUSIVE"


@dataclass(frozen=True)
class RedisWrites:
    """The worker's Redis holds write commands (``CLIENT PAUSE … WRITE``)."""


Hold = Resend | Table | RedisWrites

#: Where each registered topic's job is held, before its effect. A topic missing here fails.
BEFORE_THE_EFFECT: dict[str, Hold] = {
    SendEmail.TOPIC: Resend(),
    SendInvitationEmail.TOPIC: Resend(),
    CreateNotification.TOPIC: Table("notifications"),
    ApplyIdentityWebhook.TOPIC: Table("users"),
    SettleFromRazorpayWebhook.TOPIC: Table("payments"),
    TriageSupportTicket.TOPIC: Table("support_tickets"),
    ApplyGithubWebhook.TOPIC: Table("project_activity"),
    # Its first read waits: the file is written before the row is updated.
    BuildDataExport.TOPIC: Table("account_exports", "ACCESS EXCLUSIVE"),
    PublishRealtime.TOPIC: RedisWrites(),
}


async def add_realtime_event(engine: AsyncEngine) -> None:
    """What the notification job would write: a ``realtime.publish`` row for the owner."""
    async with engine.connect() as conn:
        owner = (
            await conn.execute(sa.text("SELECT id FROM users WHERE email = 'olive@example.com'"))
        ).scalar_one()
    factory = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())  # no after-commit publish
    async with factory() as uow:
        await uow.outbox.add(PublishRealtime(user_id=owner, type=BALANCE_CHANGED, data={}))
        await uow.commit()


async def hold_tables(engine: AsyncEngine) -> AsyncConnection:
    conn = await engine.connect()
    await conn.begin()
    for hold in BEFORE_THE_EFFECT.values():
        if isinstance(hold, Table):
            await conn.execute(sa.text(f"LOCK TABLE {hold.name} IN {hold.mode} MODE"))
    return conn


def held_redis_writes(client: redis.Redis) -> int:
    """Clients whose script is parsed and held by the pause (``flags=b``, ``cmd=evalsha``)."""
    return sum(
        1
        for c in client.client_list()
        if "b" in c["flags"] and c["cmd"] in ("evalsha", "eval", "evalsha_ro", "fcall")
    )


async def assert_no_effect_yet(conn: AsyncConnection, resend: FakeResend, exports: Path) -> None:
    """On ``conn``: the connection holding the locks can read what the jobs wait for."""

    async def rows(sql: str) -> list[Any]:
        return list(await conn.execute(sa.text(sql)))

    assert resend.sent == []
    assert await rows("SELECT count(*) FROM notifications") == [(0,)]
    assert await rows("SELECT count(*) FROM users WHERE subject = 'user_crash01'") == [(0,)]
    assert await rows("SELECT count(*) FROM payments WHERE status = 'COMPLETED'") == [(0,)]
    assert await rows("SELECT triaged_at FROM support_tickets") == [(None,)]
    assert await rows("SELECT status FROM account_exports") == [("PENDING",)]
    assert not exports.exists() or list(exports.iterdir()) == []
    assert await rows("SELECT count(*) FROM project_activity") == [(0,)]


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
async def test_every_kind_of_job_killed_before_its_effect_happens_once(
    shop: tuple[Shop, str],
    resend: FakeResend,
    private_redis: PrivateRedis,
    pg_url: str,
    token: Any,
    tmp_path: Path,
    broker: str,
) -> None:
    app, webhook_secret = shop
    registered = set(outbox_handlers(Container(config=app.container.config())))
    assert set(BEFORE_THE_EFFECT) == registered, "every registered topic needs its hold"

    await produce_every_topic(app, webhook_secret, token)
    db = Database(pg_url)
    namespaces = unique_namespace()
    namespace = next(namespaces)
    # Before the event is raised: a stream never takes an event raised before it began.
    begun = await begin_streams(db, private_redis.url, namespace)
    await add_realtime_event(db.engine)
    produced = await db.outbox()
    assert {topic for _, topic, _ in produced} == registered
    by_hold = {
        kind: [m for m in produced if isinstance(BEFORE_THE_EFFECT[m[1]], kind)]
        for kind in (Resend, Table, RedisWrites)
    }
    emails = {
        f"outbox/{mid}" if topic == SendEmail.TOPIC else f"invitation/{payload['invitationId']}"
        for mid, topic, payload in by_hold[Resend]
    }

    vhost = private_vhost()
    env = {**worker_env(pg_url, app, resend, namespace, tmp_path), "REDIS_URL": private_redis.url}
    env["BROKER_URL"] = vhost.__enter__() if broker == "rabbitmq" else REDIS_URL
    exports = tmp_path / "var" / "exports"
    log = tmp_path / "worker.log"
    paused = redis.Redis.from_url(private_redis.url)
    lock = await hold_tables(db.engine)
    resend.stall = "before_accept"
    paused.client_pause(600_000, all=False)  # writes only
    try:
        first = WorkerProcess({**env, "OUTBOX_REDELIVER_AFTER_SECONDS": "3600"}, log, THREADS)
        try:
            await eventually(
                lambda: _at_least(db.waiting_on_locks(), len(by_hold[Table])),
                f"{len(by_hold[Table])} jobs waiting on their table",
            )
            await eventually(
                lambda: _true({r["headers"]["Idempotency-Key"] for r in resend.requests} == emails),
                f"{len(emails)} e-mails held by the provider",
            )
            await eventually(
                lambda: _true(held_redis_writes(paused) >= len(by_hold[RedisWrites])),
                "the realtime publish held by Redis",
            )
            await assert_no_effect_yet(lock, resend, exports)
        finally:
            first.kill()
        resend.release()
        paused.client_unpause()
        await lock.rollback()
        await lock.close()
        async with db.engine.connect() as conn:
            await assert_no_effect_yet(conn, resend, exports)
        # Only the streams begun before the run: no event, no publication mark.
        assert set(paused.keys(f"{namespace}-rt:*")) == {
            f"{namespace}-rt:{{{user}}}:meta".encode() for user in begun
        }
        assert len(await db.unprocessed()) == len(produced)  # none of them got anywhere

        second = WorkerProcess({**env, "OUTBOX_REDELIVER_AFTER_SECONDS": "2"}, log, THREADS)
        try:
            await eventually(_none_left(db), "every outbox message processed")
            await asyncio.sleep(3)  # past another redelivery window
            assert await db.unprocessed() == []
        finally:
            code = second.stop()
        assert code == 0, log.read_text(errors="replace")
        await assert_each_effect_once(
            db, resend, namespace, exports, private_redis.url, begun=begun
        )
    finally:
        paused.client_unpause()
        paused.close()
        if not lock.closed:
            await lock.close()
        await db.engine.dispose()
        if broker == "rabbitmq":
            vhost.__exit__(None, None, None)
        namespaces.close()


async def _true(value: bool) -> bool:
    return value

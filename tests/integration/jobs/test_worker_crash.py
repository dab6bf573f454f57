"""A worker killed between the commit and the e-mail send: the e-mail is still sent, once.

Real processes: ``fairarena worker`` (Dramatiq worker + outbox relay) is started, killed with
SIGKILL while the e-mail is in flight to a local fake of Resend, then started again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.ports.clock import SystemClock
from application.ports.outbox_commands import SendEmail
from tests.fixtures.databases import REDIS_URL
from tests.fixtures.fake_resend import FakeResend
from tests.integration.jobs.redis_service import unique_namespace

ROOT = Path(__file__).resolve().parents[3]
REDELIVER_AFTER_SECONDS = 2


@pytest.fixture
def namespace() -> Iterator[str]:
    yield from unique_namespace()


@pytest.fixture
async def resend() -> AsyncIterator[FakeResend]:
    fake = FakeResend(api_key="re_crash")
    await fake.start()
    yield fake
    fake.release()
    await fake.close()


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path, threads: int = 2) -> None:
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", "worker", "--threads", str(threads)],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise
        return self.process.returncode


#: Generous: the machine is small and shared; every wait is on a condition, not a sleep.
DEADLINE_SECONDS = 120.0


async def until(check: object, timeout: float = DEADLINE_SECONDS) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def processed(database_url: str, message_id: str) -> bool:
    engine = build_engine(database_url)
    try:
        async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
            return await uow.processed_messages.contains(message_id)
    finally:
        await engine.dispose()


async def commit_welcome_email(database_url: str) -> str:
    """What a use case does: the outbox row commits with the change; nothing is sent inline."""
    message = SendEmail(to="asha@example.com", template="welcome", context={"name": "Asha"})
    engine = build_engine(database_url)
    try:
        async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
            message_id = await uow.outbox.add(message)
            await uow.commit()
    finally:
        await engine.dispose()
    assert message_id is not None
    return message_id


@pytest.mark.parametrize(
    ("broker", "stall"),
    [
        ("redis", "before_accept"),  # killed before Resend took the e-mail
        ("redis", "after_accept"),  # killed after Resend took it, before the worker recorded it
        ("in-memory", "before_accept"),  # embedded default: the broker's memory dies with it
    ],
)
async def test_a_killed_worker_still_sends_the_email_once(
    pg_url: str, namespace: str, resend: FakeResend, tmp_path: Path, broker: str, stall: str
) -> None:
    env = {
        **os.environ,
        "ENV": "test",
        "DATABASE_URL": pg_url,
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_PROVIDER": "resend",
        "RESEND_API_KEY": "re_crash",
        "RESEND_API_URL": resend.url,
        "EMAIL_FROM": "FairArena <no-reply@fairarena.example>",
        "BROKER_NAMESPACE": namespace,
        "LOG_LEVEL": "WARNING",
        "OUTBOX_REDELIVER_AFTER_SECONDS": str(REDELIVER_AFTER_SECONDS),
    }
    env.pop("REDIS_URL", None)
    if broker == "redis":
        env["REDIS_URL"] = REDIS_URL
    message_id = await commit_welcome_email(pg_url)

    resend.stall = stall
    first = WorkerProcess(env, tmp_path / "worker.log")
    try:
        await until(lambda: len(resend.requests) == 1)  # the send is in flight...
        first.kill()  # ...and the worker dies
    finally:
        if first.process.poll() is None:
            first.kill()
    resend.release()
    assert not await processed(pg_url, message_id)

    second = WorkerProcess(env, tmp_path / "worker.log")
    try:
        await until(lambda: len(resend.sent) == 1)
        deadline = asyncio.get_running_loop().time() + DEADLINE_SECONDS
        while not await processed(pg_url, message_id):
            assert asyncio.get_running_loop().time() < deadline, "never recorded as processed"
            await asyncio.sleep(0.2)
        # Past another redelivery window: still exactly one e-mail delivered.
        await asyncio.sleep(REDELIVER_AFTER_SECONDS + 1)
    finally:
        code = second.stop()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert code == 0, log
    [email] = resend.sent
    assert email["to"] == ["asha@example.com"]
    assert email["subject"] == "Welcome to FairArena, Asha!"
    assert email["idempotency_key"] == f"outbox/{message_id}"
    assert all(r["headers"]["Idempotency-Key"] == f"outbox/{message_id}" for r in resend.requests)

"""What the command line says: a taken port is a sentence (not a traceback), every log line is
JSON (Dramatiq's own included), `credits balance` finds a user by e-mail or subject, and
`ledger verify` counts in English."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.ports.clock import SystemClock
from domain.identity.user import User
from entrypoints.cli.main import main
from tests.fixtures.databases import REDIS_URL
from tests.integration.cli.test_serve_workers import serve_env

STARTUP_SECONDS = 90
SERVE = [sys.executable, "-m", "entrypoints.cli.main", "serve"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_taken_port_says_so_without_a_traceback(
    tmp_path: Path, sqlite_url: str, workers: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*SERVE, "--port", str(port), "--workers", workers],
            env=serve_env(tmp_path, sqlite_url, REDIS_URL=REDIS_URL),
            capture_output=True,
            text=True,
            timeout=STARTUP_SECONDS,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is already in use" in result.stderr
    assert f"--port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_worker_log_line_is_json(tmp_path: Path, sqlite_url: str) -> None:
    env = serve_env(
        tmp_path,
        sqlite_url,
        REDIS_URL=REDIS_URL,
        BROKER_NAMESPACE=f"test-cli-{uuid.uuid4().hex[:8]}",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert worker.stdout is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "worker started" in line:
                break
        worker.send_signal(signal.SIGTERM)
        rest, _ = worker.communicate(timeout=60)
        lines += rest.splitlines()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    records = [json.loads(line) for line in lines if line.strip()]  # each line is one JSON object
    events = {(r.get("logger"), r["event"]) for r in records}
    assert ("entrypoints.jobs.commands", "worker started (redis broker, 1 threads)") in events
    # Dramatiq's own start-up and shutdown lines, no longer plain text
    assert any(logger and logger.startswith("dramatiq") for logger, _ in events), events
    assert ("dramatiq.worker.Worker", "Worker has been shut down.") in events
    assert all(r["level"] and r["timestamp"] for r in records)


async def _add_user(url: str, user_id: str, subject: str, email: str | None) -> None:
    engine = build_engine(url)
    now = datetime.now(UTC)
    async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
        await uow.users.add(User(user_id, subject, email, None, None, None, None, now, now))
        await uow.commit()
    await engine.dispose()


def test_credits_balance_takes_an_id_an_email_or_a_subject(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    asyncio.run(_add_user(database_url, "u-asha", "user_2asha", "Asha@Example.com"))
    runner = CliRunner()
    granted = runner.invoke(main, ["credits", "grant", "u-asha", "7", "--reason", "hello"])
    assert granted.exit_code == 0, granted.output
    for ref in ("u-asha", "asha@example.com", "ASHA@example.COM", "user_2asha"):
        out = runner.invoke(main, ["credits", "balance", ref])
        assert out.exit_code == 0, (ref, out.output)
        assert json.loads(out.stdout) == {
            "userId": "u-asha",
            "balance": 7,
            "held": 0,
            "available": 7,
        }
    missing = runner.invoke(main, ["credits", "balance", "nobody@example.com"])
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output
    # two sign-ins with one e-mail: named, not guessed
    asyncio.run(_add_user(database_url, "u-asha2", "user_3asha", "asha@example.com"))
    both = runner.invoke(main, ["credits", "balance", "asha@example.com"])
    assert both.exit_code == 1 and "u-asha, u-asha2" in both.output


def test_ledger_verify_counts_wallets_in_english(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    runner = CliRunner()

    def verified() -> str:
        out = runner.invoke(main, ["ledger", "verify"])
        assert out.exit_code == 0, out.output
        return out.stdout.strip()

    assert verified() == "ledger ok: 0 wallets, Σ postings = 0"
    asyncio.run(_add_user(database_url, "u-one", "user_one", None))
    assert runner.invoke(main, ["credits", "grant", "u-one", "3", "--reason", "x"]).exit_code == 0
    assert verified() == "ledger ok: 1 wallet, Σ postings = 0"
    asyncio.run(_add_user(database_url, "u-two", "user_two", None))
    assert runner.invoke(main, ["credits", "grant", "u-two", "3", "--reason", "x"]).exit_code == 0
    assert verified() == "ledger ok: 2 wallets, Σ postings = 0"

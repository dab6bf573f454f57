"""``fairarena serve --workers N``: N processes on one port, stopped together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DEV_SECRET
from tests.fixtures.databases import REDIS_URL

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(tmp_path: Path, sqlite_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENV": "test",
        "DATABASE_URL": sqlite_url,
        "DEV_AUTH_SECRET": DEV_SECRET,
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that is not its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def serve_workers(tmp_path: Path, sqlite_url: str, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "entrypoints.cli.main", "serve"),
            *("--port", str(port), "--workers", "2"),
        ],
        env=serve_env(tmp_path, sqlite_url, REDIS_URL=REDIS_URL),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered 200")


def test_two_workers_share_the_port_and_stop_together(tmp_path, sqlite_url, redis_url):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "entrypoints.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=serve_env(tmp_path, sqlite_url, REDIS_URL=REDIS_URL),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        children = children_of(process.pid)
        assert len(children) == 2
        for _ in range(10):  # both listen: any connection is answered
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                assert resp.status == 200

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=40) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in children)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_dead_worker_takes_the_set_down_with_a_failure_status(tmp_path, sqlite_url, redis_url):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "entrypoints.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=serve_env(tmp_path, sqlite_url, REDIS_URL=REDIS_URL),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        victim, *others = sorted(children_of(process.pid))
        os.kill(victim, signal.SIGKILL)
        assert process.wait(timeout=40) == 1
        assert not any(Path(f"/proc/{pid}").exists() for pid in others)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_workers_stop_when_the_parent_is_killed(tmp_path, sqlite_url, redis_url):
    """SIGKILL leaves the parent no chance to stop its children: they stop by themselves
    (the kernel's parent-death signal), and nothing answers on the port afterwards."""
    port = free_port()
    process = serve_workers(tmp_path, sqlite_url, port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        children = children_of(process.pid)
        assert len(children) == 2 and all(alive(pid) for pid in children)
        process.kill()
        process.wait()
        deadline = time.monotonic() + 40
        while any(alive(pid) for pid in children):
            assert time.monotonic() < deadline, "orphaned workers still running"
            time.sleep(0.2)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        for pid in children_of(process.pid) if process.poll() is None else ():
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_sigterm_while_the_workers_start_stops_them_at_once(tmp_path, sqlite_url, redis_url):
    """Forked before their app is up, the children no longer keep the parent's SIGTERM
    handler (which only set a flag in their copy): stopped during start-up, the set exits
    well within the stop timeout, with success."""
    process = serve_workers(tmp_path, sqlite_url, free_port())
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while len(children := children_of(process.pid)) < 2:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert process.wait(timeout=40) == 0
        assert time.monotonic() - started < 20  # not the 30 s stop timeout and a kill
        assert not any(alive(pid) for pid in children)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("workers", ["2", "0"])
def test_refused_without_redis_or_with_no_process(tmp_path, sqlite_url, workers):
    env = serve_env(tmp_path, sqlite_url)
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "entrypoints.cli.main",
            "serve",
            "--port",
            str(free_port()),
            "--workers",
            workers,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    expected = "needs REDIS_URL" if workers == "2" else "--workers"
    assert expected in result.stderr

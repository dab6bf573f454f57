"""HTTP benchmark: the app on PostgreSQL + Redis against two bare-aiohttp ceilings, with wrk.

    .venv/bin/python bench/http_api.py [--duration 10] [--workers 1,2] [--json results.json]

Creates its own PostgreSQL database (dropped at the end), starts ``fairarena serve`` on it with
Redis, starts the ceilings (bench/_ceilings.py: fixed JSON; one asyncpg primary-key SELECT, pool
and event loop like the app's), then measures ``GET /healthz`` and an authenticated
``GET /api/v1/profile`` next to them at 64 connections (throughput) and 16 connections
(latency), and the profile read again for each further ``--workers`` count. Every row also
gives the server's CPU per request (utime + stime of its process tree / requests, bench/_cpu.py),
the figure that stays put on a busy machine. Loopback only; bounded in time (about
``10 * (duration + warm-up)`` seconds). Installs Debian's ``wrk`` with apt-get if missing.
Figures and how to read them: docs/performance.md.
"""

# ruff: noqa: E402 - the import path is fixed up before the project's imports

from __future__ import annotations

import sys
from pathlib import Path

# This file shares its name with the standard library's ``http`` package: when it runs as a
# script, keep bench/ off the import path (aiohttp and urllib import ``http``) and put the
# repository root on it instead.
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

import asyncpg

from adapters.dev_identity.dev_tokens import issue_dev_token
from adapters.sqlalchemy.migrate import upgrade
from bench._cpu import CpuMeter

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DEV_SECRET = "bench-dev-secret-" + "b" * 32
CONNECTIONS = (64, 16)
# Issue 13: the profile read against one asyncpg primary-key SELECT (same pool size, uvloop).
TARGETS = {"profile_vs_select": 0.50, "profile_p99_ms_at_16": 10.0}
STARTUP_TIMEOUT_SECONDS = 120.0  # a busy shared machine starts N workers slowly


@dataclass(frozen=True)
class Result:
    name: str
    connections: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx responses + socket errors: a benchmark of error pages is worthless
    cpu_us_per_request: float = float("nan")  # the server's utime+stime / requests (bench/_cpu)


# --- wrk


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk")
    print("installing wrk (apt-get)…", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=300)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        timeout=300,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse_wrk(name: str, connections: int, output: str) -> Result:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx[1])
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(sockets[i]) for i in range(1, 5))
    return Result(name, connections, rps, p50, p99, total, errors)


def run_wrk(
    wrk: str, name: str, url: str, connections: int, seconds: int, headers: dict[str, str]
) -> Result:
    command = [wrk, "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(
        [*command, url], check=True, capture_output=True, text=True, timeout=seconds + 30
    ).stdout
    return parse_wrk(name, connections, output)


# --- processes and the database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], headers: dict[str, str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}")
        with suppress(OSError):
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {STARTUP_TIMEOUT_SECONDS}s")


@contextmanager
def started(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # JSON access logs are produced (as in production), not kept
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)  # --workers N: the parent waits up to 30 s for its children
        except subprocess.TimeoutExpired:
            # Its own session: take its workers down with it (killing the parent alone left
            # them running, orphaned).
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def bench_database() -> Iterator[str]:
    name = f"fa_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the run


def machine() -> dict[str, str]:
    model = "unknown CPU"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


PROFILE = "GET /api/v1/profile"


def profile_name(workers: int) -> str:
    return f"{PROFILE} (workers={workers})"


def run(
    duration: int, warmup: int, worker_counts: list[int], profile: Path | None = None
) -> tuple[list[Result], dict[str, str]]:
    """The ceilings and ``/healthz`` once, then the profile read on each ``--workers`` count."""
    wrk = ensure_wrk()
    info = machine()
    with (
        bench_database() as database,
        tempfile.TemporaryDirectory() as var_dir,
        ExitStack() as ceilings_running,
    ):
        database_url = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
        upgrade(database_url)
        app_port, ceiling_port = free_port(), free_port()
        env = {
            **os.environ,
            "ENV": "development",
            "HOST": "127.0.0.1",
            "PORT": str(app_port),
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "AUTH_MODE": "dev",
            "DEV_AUTH_SECRET": DEV_SECRET,
            "EMAIL_PROVIDER": "dev",
            "VAR_DIR": var_dir,
            "LOG_LEVEL": "INFO",
            # The limiter still runs on every request (as in production), it just never refuses.
            "RATE_LIMIT_DEFAULT": "1000000000/minute",
        }
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        auth = {"Authorization": f"Bearer {issue_dev_token(DEV_SECRET, email, name='Bench User')}"}
        base = f"http://127.0.0.1:{app_port}"
        ceiling = f"http://127.0.0.1:{ceiling_port}"
        results: list[Result] = []
        ceilings_pid = 0
        for round_number, workers in enumerate(worker_counts):
            serve = [sys.executable, "-m", "entrypoints.cli.main", "serve", "--port", str(app_port)]
            serve += ["--workers", str(workers)]
            with started(serve, env) as app:
                wait_until_up(f"{base}/healthz", app, {})
                wait_until_up(f"{base}/api/v1/profile", app, auth)  # provisions user + profile
                endpoints = [(profile_name(workers), f"{base}/api/v1/profile", auth, app.pid)]
                if round_number == 0:
                    user_id = provisioned_user(base, auth)
                    ceilings = ceilings_running.enter_context(
                        started(ceilings_command(ceiling_port, database, user_id), env)
                    )
                    wait_until_up(f"{ceiling}/select", ceilings, {})
                    ceilings_pid = ceilings.pid
                    endpoints = [
                        ("ceiling: fixed JSON", f"{ceiling}/json", {}, ceilings_pid),
                        ("ceiling: asyncpg SELECT", f"{ceiling}/select", {}, ceilings_pid),
                        ("GET /healthz", f"{base}/healthz", {}, app.pid),
                        *endpoints,
                    ]
                for connections in CONNECTIONS:
                    for name, url, headers, server in endpoints:
                        if warmup:
                            run_wrk(wrk, name, url, connections, warmup, headers)
                        profiling = (
                            profile is not None
                            and name.startswith(PROFILE)
                            and connections == CONNECTIONS[-1]
                        )
                        output = (
                            profile.with_name(f"{profile.stem}-w{workers}{profile.suffix}")
                            if profile is not None and len(worker_counts) > 1
                            else profile
                        )
                        spy = (
                            start_py_spy(app.pid, duration, output)
                            if profiling and output
                            else None
                        )
                        with CpuMeter(server) as cpu:
                            result = run_wrk(wrk, name, url, connections, duration, headers)
                        if spy is not None:
                            spy.wait(timeout=duration + 30)
                        result = replace(
                            result, cpu_us_per_request=cpu.per_request_us(result.requests)
                        )
                        results.append(result)
                        print(format_row(result), file=sys.stderr)
    info["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    info["app_workers"] = ", ".join(str(w) for w in worker_counts)
    return results, info


def provisioned_user(base: str, auth: dict[str, str]) -> str:
    request = urllib.request.Request(f"{base}/api/v1/profile", headers=auth)
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.loads(response.read())["data"]["userId"])


def ceilings_command(port: int, database: str, user_id: str) -> list[str]:
    dsn = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
    return [
        sys.executable,
        "-m",
        "bench._ceilings",
        "--port",
        str(port),
        "--dsn",
        dsn,
        "--user-id",
        user_id,
    ]


def start_py_spy(pid: int, seconds: int, output: Path) -> subprocess.Popen[bytes]:
    """Sample the app with py-spy while the profile route is measured (``--profile``)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    fmt = (
        "speedscope"
        if output.suffix == ".json"
        else "raw"
        if output.suffix == ".txt"
        else "flamegraph"
    )
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--nonblocking",
            "--subprocesses",
            "--format",
            fmt,
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# --- report


def format_row(r: Result) -> str:
    return (
        f"{r.name:<26} c={r.connections:<3} {r.requests_per_second:>9.0f} req/s  "
        f"p50 {r.p50_ms:>7.2f} ms  p99 {r.p99_ms:>7.2f} ms  "
        f"CPU {r.cpu_us_per_request:>6.0f} µs/req  errors {r.errors}"
    )


def find(results: list[Result], name: str, connections: int) -> Result:
    return next(r for r in results if r.name == name and r.connections == connections)


def verdict(results: list[Result]) -> dict[str, object]:
    """The issue's table row per worker count: ceiling, service, share, p99 at 16, CPU µs."""
    select64 = find(results, "ceiling: asyncpg SELECT", 64)
    select16 = find(results, "ceiling: asyncpg SELECT", 16)
    summary: dict[str, object] = {}
    for r in results:
        if not r.name.startswith(PROFILE) or r.connections != 64:
            continue
        at16 = find(results, r.name, 16)
        share = r.requests_per_second / select64.requests_per_second
        summary[r.name] = {
            "ceiling_rps": round(select64.requests_per_second),
            "service_rps": round(r.requests_per_second),
            "share": round(share, 3),
            "p99_ms_at_16": round(at16.p99_ms, 2),
            "cpu_us_service": round(at16.cpu_us_per_request),
            "cpu_us_ceiling": round(select16.cpu_us_per_request),
            "meets_share": share >= TARGETS["profile_vs_select"],
            "meets_p99": at16.p99_ms < TARGETS["profile_p99_ms_at_16"],
        }
    return summary


def issue_table(summary: dict[str, object]) -> str:
    lines = [
        "| path | ceiling | service | share | p99 @ 16 | CPU µs/req service | ceiling |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in summary.items():
        f = row if isinstance(row, dict) else {}
        lines.append(
            f"| {name} | {f['ceiling_rps']:,}/s | {f['service_rps']:,}/s | {f['share']:.0%} "
            f"| {f['p99_ms_at_16']:.1f} ms | {f['cpu_us_service']:,} | {f['cpu_us_ceiling']:,} |"
        )
    return "\n".join(lines)


def markdown(results: list[Result]) -> str:
    lines = [
        "| endpoint | connections | requests/s | p50 (ms) | p99 (ms) | CPU µs/request | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.connections} | {r.requests_per_second:,.0f} | {r.p50_ms:.2f} "
            f"| {r.p99_ms:.2f} | {r.cpu_us_per_request:,.0f} | {r.errors} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measurement.")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up before each.")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="fairarena serve --workers N for the profile read, each in turn (comma list).",
    )
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy the app during GET /api/v1/profile at 16 connections: .svg flame graph, "
        ".json speedscope, .txt collapsed stacks (needs py-spy).",
    )
    options = parser.parse_args()

    worker_counts = [int(n) for n in str(options.workers).split(",") if n.strip()]
    results, info = run(options.duration, options.warmup, worker_counts, options.profile)
    summary = verdict(results)
    print("\n".join(f"{k}: {v}" for k, v in info.items()))
    print()
    print(markdown(results))
    print()
    print(issue_table(summary))
    print()
    for name, row in summary.items():
        f = row if isinstance(row, dict) else {}
        print(
            f"  [{'PASS' if f['meets_share'] else 'FAIL'}] {name}: "
            f"≥ {TARGETS['profile_vs_select']:.0%} of the SELECT ceiling at 64 connections"
        )
        print(
            f"  [{'PASS' if f['meets_p99'] else 'FAIL'}] {name}: "
            f"p99 < {TARGETS['profile_p99_ms_at_16']:.0f} ms at 16 connections"
        )
    if options.json:
        options.json.write_text(
            json.dumps(
                {"machine": info, "results": [asdict(r) for r in results], "summary": summary},
                indent=2,
            )
        )
    if any(r.errors for r in results):
        print("some requests failed: the figures above are not valid", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

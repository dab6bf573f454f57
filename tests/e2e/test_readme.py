"""The README's copy-paste block works as written: a real `make run` in a fresh directory (its own
`var/`, a free port), the block run by bash, every curl call answered 2xx, and the welcome
notification and e-mail there when the block looks for them."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `make run` needs these beside the Makefile; .venv is the project's (never rebuilt here).
LINKED = ("Makefile", "pyproject.toml", "requirements.lock", ".venv")
# Every curl also reports its answer on stderr, where the test reads it.
CURL_PROBE = (
    "curl() { command curl -w '%{stderr}HTTP %{http_code} %{method} %{url_effective}\\n' "
    '"$@"; }\n'
)


def readme_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Try it", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 1, "one copy-paste block in 'Try it'"
    return str(blocks[0])


def curl_calls(block: str) -> int:
    lines = [line.split("#", 1)[0] for line in block.splitlines()]
    return sum(len(re.findall(r"\bcurl\s", line)) for line in lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_shell_env(port: int) -> dict[str, str]:
    """What a newcomer's shell has: none of the app's variables, only PORT."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return env | {"PORT": str(port)}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name)
    env = fresh_shell_env(free_port())
    log = (tmp_path / "serve.log").open("wb")
    # -o: treat the venv as up to date (`make run` would otherwise reinstall it from the lock).
    server = subprocess.Popen(
        ["make", "-s", "-o", ".venv/.installed", "run"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: make, and the server it starts
    )
    try:
        wait_healthy(f"http://127.0.0.1:{env['PORT']}/healthz", server, tmp_path / "serve.log")
        yield tmp_path, env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"make run exited {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"make run never became healthy:\n{log.read_text()}")


def test_the_readme_block_runs_against_make_run(served: tuple[Path, dict[str, str]]) -> None:
    workdir, env = served
    block = readme_block()
    assert "${PORT:-3000}" in block and ".venv/bin/fairarena" in block
    done = subprocess.run(
        ["bash", "-c", CURL_PROBE + block],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    answers = re.findall(r"^HTTP (\d{3}) (\S+) (\S+)$", done.stderr, re.MULTILINE)
    assert len(answers) == curl_calls(block), done.stderr
    failed = [a for a in answers if not a[0].startswith("2")]
    assert failed == [], f"{failed}\n{done.stdout}"
    assert done.returncode == 0, done.stderr
    # the welcome notification was in the answer the block printed, and the e-mail in the file
    assert "Welcome to FairArena" in done.stdout
    emails = [json.loads(e) for e in (workdir / "var/outbox/emails.jsonl").read_text().splitlines()]
    assert emails[0]["to"] == "alice@example.com"
    assert emails[0]["subject"].startswith("Welcome to FairArena")
    paths = {url.split("/api/v1", 1)[-1] for _, _, url in answers}
    assert {"/team", "/project", "/payments/verify", "/credits/spend"} <= paths
    # the purchase went through: 100 credits bought, 5 spent
    assert re.search(r'"balance":\s*95\b', done.stdout), done.stdout

"""Run every benchmark script under bench/ (``make bench``), one after the other.

A benchmark script is any ``bench/*.py`` except this runner and modules starting with ``_``
(helpers such as ``_ceilings.py``). Each runs as ``python -m bench.<name>`` from the repository
root with a time limit; extra arguments go to every script (e.g. ``--duration 5``). The exit
status is non-zero when any script fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TIME_LIMIT_SECONDS = 15 * 60
ORDER = ("http_api", "ledger", "rbac")  # known scripts first, in this order; others after, by name


def scripts() -> list[str]:
    names = {
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if path.name != Path(__file__).name and not path.stem.startswith("_")
    }
    return [n for n in ORDER if n in names] + sorted(names - set(ORDER))


def main(argv: list[str]) -> int:
    failed = []
    for name in scripts():
        print(f"== bench/{name}.py", flush=True)
        started = time.monotonic()
        # Own process group, so a script over its time limit goes down with the servers it started.
        process = subprocess.Popen(
            [sys.executable, "-m", f"bench.{name}", *argv], cwd=ROOT, start_new_session=True
        )
        try:
            code = process.wait(timeout=TIME_LIMIT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            code = process.wait()
            print(f"bench/{name}.py exceeded {TIME_LIMIT_SECONDS}s", file=sys.stderr)
        print(f"== bench/{name}.py: exit {code} in {time.monotonic() - started:.0f}s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

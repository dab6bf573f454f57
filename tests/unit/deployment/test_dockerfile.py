"""The Dockerfile, checked structurally: multi-stage, lock-pinned, non-root, fairarena entrypoint,
health check on /healthz (no Docker engine runs in CI, so nothing here builds the image)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    result = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def stages() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for keyword, rest in instructions():
        if keyword == "FROM":
            name = rest.split(" AS ")[-1].strip() if " AS " in rest else rest
            current = found.setdefault(name, [])
        elif current is not None:
            current.append((keyword, rest))
    return found


def args(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    return [rest for kw, rest in stage if kw == keyword]


def test_two_stages_builder_then_slim_runtime() -> None:
    froms = [rest for kw, rest in instructions() if kw == "FROM"]
    assert len(froms) == 2
    assert froms[0].endswith(" AS builder") and froms[1].endswith(" AS runtime")
    assert all("-slim" in line for line in froms)
    assert list(stages()) == ["builder", "runtime"]


def test_builder_installs_pinned_by_the_lock_into_a_venv() -> None:
    builder = stages()["builder"]
    runs = " ".join(args(builder, "RUN"))
    assert "python -m venv /opt/venv" in runs
    assert "-c requirements.lock" in runs
    assert "pip install --no-deps ." in runs
    assert any("requirements.lock" in copy for copy in args(builder, "COPY"))


def test_runtime_copies_only_the_venv_and_runs_as_a_non_root_user() -> None:
    runtime = stages()["runtime"]
    copies = args(runtime, "COPY")
    assert copies == ["--from=builder /opt/venv /opt/venv"]
    users = args(runtime, "USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "useradd --system" in " ".join(args(runtime, "RUN"))


def test_entrypoint_is_fairarena_and_serves_by_default() -> None:
    runtime = stages()["runtime"]
    assert json.loads(args(runtime, "ENTRYPOINT")[-1]) == ["fairarena"]
    assert json.loads(args(runtime, "CMD")[-1]) == ["serve"]
    env = " ".join(args(runtime, "ENV"))
    assert "HOST=0.0.0.0" in env and "ENV=production" in env


def test_health_check_probes_the_health_route() -> None:
    checks = args(stages()["runtime"], "HEALTHCHECK")
    assert len(checks) == 1
    assert "CMD" in checks[0] and "/healthz" in checks[0]


def test_copied_sources_are_the_four_layers() -> None:
    builder = stages()["builder"]
    copied = {copy.split()[0] for copy in args(builder, "COPY")}
    assert {"domain", "application", "adapters", "entrypoints"} <= copied
